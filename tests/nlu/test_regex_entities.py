from __future__ import annotations

import pytest

from dialog.config.models import NLUData
from dialog.errors import ComponentError
from dialog.nlu.component import ComponentContext
from dialog.nlu.regex_entities import RegexEntityExtractor
from dialog.types import ParseResult


def extractor(regexes, entities=("order_id",), **options) -> RegexEntityExtractor:
    component = RegexEntityExtractor.from_config(options, ComponentContext(entities=entities))
    component.train((), [], NLUData(regexes=tuple(regexes)))
    return component


def values(component, text):
    return [(e.entity, e.value, e.start, e.end, e.extractor, e.confidence) for e in component(ParseResult(text)).entities]


def test_whole_match_is_the_entity() -> None:
    component = extractor([("order_id", r"\b\d{6}\b")])
    assert values(component, "orders 123456 and 654321") == [
        ("order_id", "123456", 7, 13, "regex_entities", 1.0),
        ("order_id", "654321", 18, 24, "regex_entities", 1.0),
    ]


def test_named_group_narrows_the_span() -> None:
    component = extractor([("order_id", r"order (?P<value>\d{6})"), ("email", r"mail (?P<email>\S+@\S+)")], ("order_id", "email"))
    assert values(component, "order 123456, mail a@b.co") == [
        ("order_id", "123456", 6, 12, "regex_entities", 1.0),
        ("email", "a@b.co", 19, 25, "regex_entities", 1.0),
    ]


def test_unnamed_groups_do_not_change_the_span() -> None:
    component = extractor([("order_id", r"(#)?\d{6}")])
    assert values(component, "see #123456") == [("order_id", "#123456", 4, 11, "regex_entities", 1.0)]


def test_case_insensitive_by_default() -> None:
    assert values(extractor([("order_id", r"ord-\d+")]), "ORD-77")[0][1] == "ORD-77"
    assert values(extractor([("order_id", r"ord-\d+")], case_sensitive=True), "ORD-77") == []


def test_regexes_not_named_after_an_entity_are_ignored() -> None:
    assert values(extractor([("zipcode", r"\d{5}")]), "12345") == []


def test_save_and_load(tmp_path) -> None:
    component = extractor([("order_id", r"\d{6}")])
    component.save(tmp_path)
    loaded = RegexEntityExtractor.load(tmp_path, {}, ComponentContext())
    assert values(loaded, "123456") == values(component, "123456")


def test_invalid_pattern_is_a_component_error() -> None:
    with pytest.raises(ComponentError, match="invalid pattern"):
        extractor([("order_id", r"(\d")])
