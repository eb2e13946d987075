from __future__ import annotations

from dialog.nlu.spans import add_entities, normalize, tokens_of
from dialog.types import Entity, ParseResult


def test_earlier_entity_wins_on_same_type_overlap_only() -> None:
    first = Entity("order_id", "234567", 7, 13, extractor="regex_entities")
    result = ParseResult("order #234567 ok", entities=(first,))
    merged = add_entities(
        result,
        [
            Entity("order_id", "#234567", 6, 13, extractor="crf_entities"),  # overlaps: dropped
            Entity("amount", "234567", 7, 13, extractor="crf_entities"),  # other type: kept
            Entity("word", "order", 0, 5, extractor="crf_entities"),
        ],
    )
    assert [(e.entity, e.start, e.extractor) for e in merged.entities] == [
        ("word", 0, "crf_entities"),
        ("order_id", 7, "regex_entities"),
        ("amount", 7, "crf_entities"),
    ]
    assert add_entities(result, []) is result


def test_normalize_and_fallback_tokens() -> None:
    assert normalize("  Yoga-Mat  x ") == "yoga - mat x"
    assert [(t.text, t.start) for t in tokens_of(ParseResult("hi, you"))] == [("hi", 0), (",", 2), ("you", 4)]
