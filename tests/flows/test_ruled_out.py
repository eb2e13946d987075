"""Values a message names only to rule them out fill no slot."""

from __future__ import annotations

import pytest

from dialog.config.models import Slot, SlotMapping
from dialog.flows.ruled_out import is_ruled_out
from dialog.flows.slot_filling import fill_slots
from dialog.types import Entity, ParseResult


def _ruled_out(text: str, value: str, occurrence: int = 0) -> bool:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(value, start + 1)
    return is_ruled_out(text, start, start + len(value))


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("i wont be home tomorrow can it come another day", "tomorrow"),
        ("i'm not in on monday, pls deliver another day", "monday"),
        ("any day except friday", "friday"),
        ("any day but monday", "monday"),
        ("not tuesday, I'm at work", "tuesday"),
        ("tuesday not wednesday", "wednesday"),
        ("can't do thursday", "thursday"),
        ("monday doesn't work for me", "monday"),
        ("friday is bad, how about monday", "friday"),
        ("i'm not going to be home on monday", "monday"),
        ("it's not 123456, it's 234567", "123456"),
        ("not that urgent tbh", "urgent"),
    ],
)
def test_an_excluded_value_is_ruled_out(text: str, value: str) -> None:
    assert _ruled_out(text, value)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("tuesday not wednesday", "tuesday"),
        ("friday, not monday", "friday"),
        ("no, saturday instead", "saturday"),
        ("not sure, maybe friday", "friday"),
        ("friday if not possible then saturday", "saturday"),
        ("why hasn't 123456 arrived", "123456"),
        ("i can't find order 123456", "123456"),
        ("i'm busy this week but monday works", "monday"),
        ("i don't mind friday", "friday"),
        ("monday is fine", "monday"),
        ("it's not 123456, it's 234567", "234567"),
    ],
)
def test_a_wanted_value_is_not(text: str, value: str) -> None:
    assert not _ruled_out(text, value)


def test_slot_filling_takes_the_value_not_ruled_out() -> None:
    slot = Slot("day", type="text", mappings=(SlotMapping("from_entity", entity="day"),))
    text = "friday, not monday"
    parse = ParseResult(text, "inform", 0.9, (Entity("day", "monday", 12, 18), Entity("day", "friday", 0, 6)))
    assert fill_slots({"day": slot}, parse, {}, "day") == {"day": "friday"}
    only_excluded = ParseResult("not monday", "inform", 0.9, (Entity("day", "monday", 4, 10),))
    assert fill_slots({"day": slot}, only_excluded, {}, "day") == {}
