"""A free-text answer said in a sentence that names the slot gives the value alone."""

from __future__ import annotations

import pytest

from dialog.config.models import Slot, SlotMapping
from dialog.flows.slot_filling import fill_slots
from dialog.flows.stated_value import stated_value
from dialog.types import ParseResult


@pytest.mark.parametrize(
    ("text", "slot", "value"),
    [
        ("my name is Johan de Boer", "customer_name", "Johan de Boer"),
        ("ok, my full name is Ann Lee.", "customer_name", "Ann Lee"),
        ("call me Bram", "customer_name", "Bram"),
        ("my address is 12 Main St, Leeds", "new_address", "12 Main St, Leeds"),
        ("the issue is that outlook crashes", "issue_description", "outlook crashes"),
    ],
)
def test_the_value_after_the_slot_s_own_name(text: str, slot: str, value: str) -> None:
    assert stated_value(text, slot) == value


@pytest.mark.parametrize(
    ("text", "slot"),
    [("the printer is broken", "issue_description"), ("my order is late", "customer_name"), ("Johan", "customer_name"), ("call me Bram", "new_address")],
)
def test_other_sentences_stay_whole(text: str, slot: str) -> None:
    assert stated_value(text, slot) is None


def test_a_name_said_in_a_sentence_fills_the_slot_even_when_read_as_small_talk() -> None:
    slots = {"customer_name": Slot("customer_name", "text", (SlotMapping("from_text"),))}
    small_talk = ParseResult("my name is Johan de Boer", "out_of_scope", 0.8)
    assert fill_slots(slots, small_talk, {}, "customer_name", reads_as_answer=lambda parse: False) == {"customer_name": "Johan de Boer"}
    assert fill_slots(slots, ParseResult("Johan", "inform", 0.9), {}, "customer_name", reads_as_answer=lambda parse: True) == {"customer_name": "Johan"}


def test_a_word_of_assent_before_the_answer_is_no_part_of_it() -> None:
    from dialog.flows.stated_value import without_assent

    assert without_assent("Fine. Dave Jones") == "Dave Jones"
    assert without_assent("OK, 12 High Street") == "12 High Street"
    assert without_assent("Fine Art Ltd") == "Fine Art Ltd"  # no punctuation: part of the answer
    assert without_assent("ok so the printer jams") == "ok so the printer jams"
