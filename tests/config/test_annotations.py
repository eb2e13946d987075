"""Rasa's entity markup: every form parses to offsets, and format_example writes it back unchanged."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dialog.config import AnnotationError, format_example, parse_annotated
from dialog.types import Entity, TrainingExample


@pytest.mark.parametrize(
    ("markup", "text", "entities"),
    [
        ("no entities here", "no entities here", ()),
        ("where is my order [123456](order_id)", "where is my order 123456", (Entity("order_id", "123456", 18, 24),)),
        ("I want [earbuds](product:wireless headphones)", "I want earbuds", (Entity("product", "wireless headphones", 7, 14),)),
        (
            'track order [#234567]{"entity": "order_id", "value": "234567"}',
            "track order #234567",
            (Entity("order_id", "234567", 12, 19),),
        ),
        (
            'fly from [Berlin]{"entity": "city", "role": "departure", "group": "1"} to [Rome]{"entity": "city", "role": "destination"}',
            "fly from Berlin to Rome",
            (
                Entity("city", "Berlin", 9, 15, role="departure", group="1"),
                Entity("city", "Rome", 19, 23, role="destination"),
            ),
        ),
        (
            '[NYC][{"entity": "city", "value": "New York"}, {"entity": "location"}] please',
            "NYC please",
            (Entity("city", "New York", 0, 3), Entity("location", "NYC", 0, 3)),
        ),
        ("[a](x) and [b](y)", "a and b", (Entity("x", "a", 0, 1), Entity("y", "b", 6, 7))),
        ("brackets [alone] stay", "brackets [alone] stay", ()),
    ],
)
def test_parse_every_form(markup: str, text: str, entities: tuple[Entity, ...]) -> None:
    assert parse_annotated(markup) == (text, entities)
    for entity in entities:
        assert entity.extractor == ""


@pytest.mark.parametrize(
    ("markup", "message"),
    [
        ('[x]{"entity": "a", "value": }', 'entity annotation [x]{"entity": "a", "value": } is not valid JSON (Expecting value)'),
        ('[x]{"value": "a"}', 'entity annotation [x]{"value": "a"} needs an "entity" name'),
        ('[x]{"entity": "a", "colour": "b"}', "unknown key 'colour'; valid keys: entity, value, role, group"),
    ],
)
def test_bad_annotations(markup: str, message: str) -> None:
    with pytest.raises(AnnotationError) as info:
        parse_annotated(markup)
    assert message in str(info.value)


@pytest.mark.parametrize(
    "example",
    [
        TrainingExample("hello", "greet"),
        TrainingExample("order 123456", "status", (Entity("order_id", "123456", 6, 12),)),
        TrainingExample("I want earbuds", "buy", (Entity("product", "wireless headphones", 7, 14),)),
        TrainingExample("price is (5)", "x", (Entity("amount", "5)", 9, 12),)),
        TrainingExample("fly to Rome", "fly", (Entity("city", "Rome", 7, 11, role="destination", group="g1"),)),
        TrainingExample("NYC please", "x", (Entity("city", "New York", 0, 3), Entity("location", "NYC", 0, 3))),
        TrainingExample("a b", "x", (Entity("e:1", "a", 0, 1), Entity("e", "B", 2, 3))),
    ],
)
def test_round_trip(example: TrainingExample) -> None:
    markup = format_example(example)
    text, entities = parse_annotated(markup)
    assert TrainingExample(text, example.intent, entities) == example


def test_format_uses_the_shortest_form() -> None:
    assert format_example(TrainingExample("order 123", "s", (Entity("id", "123", 6, 9),))) == "order [123](id)"
    assert format_example(TrainingExample("buds", "s", (Entity("p", "headphones", 0, 4),))) == "[buds](p:headphones)"
    assert format_example(TrainingExample("Rome", "s", (Entity("city", "Rome", 0, 4, role="to"),))) == '[Rome]{"entity": "city", "role": "to"}'


def test_overlapping_entities_cannot_be_written() -> None:
    example = TrainingExample("new york city", "x", (Entity("a", "new york", 0, 8), Entity("b", "york city", 4, 13)))
    with pytest.raises(AnnotationError):
        format_example(example)


_words = st.text(alphabet="abcdefgh xyz,.?!'0123456789", min_size=1, max_size=8)
_names = st.text(alphabet="abcdefgh_", min_size=1, max_size=6)


@st.composite
def _examples(draw: st.DrawFn) -> TrainingExample:
    pieces, entities, length = [], [], 0
    for _ in range(draw(st.integers(0, 3))):
        gap = draw(_words)
        pieces.append(gap)
        length += len(gap)
        span = draw(_words.filter(lambda w: w.strip() == w))
        value = draw(st.one_of(st.just(span), _words))
        role = draw(st.one_of(st.none(), _names))
        entities.append(Entity(draw(_names), value, length, length + len(span), role=role))
        pieces.append(span)
        length += len(span)
    pieces.append(draw(_words))
    return TrainingExample("".join(pieces), "intent", tuple(entities))


@settings(deadline=None)  # the machine is shared; a slow example is not a failure
@given(_examples())
def test_round_trip_property(example: TrainingExample) -> None:
    text, entities = parse_annotated(format_example(example))
    assert TrainingExample(text, example.intent, entities) == example
