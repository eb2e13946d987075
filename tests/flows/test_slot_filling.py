"""Slot mappings and type coercion."""

from __future__ import annotations

from datetime import UTC

from dialog.config.models import Slot, SlotMapping
from dialog.flows.slot_filling import INVALID, coerce, fill_slots
from dialog.types import Entity, ParseResult


def test_coercion_per_type() -> None:
    assert coerce(Slot("b", "bool"), "Yes") is True and coerce(Slot("b", "bool"), "maybe") is INVALID
    assert coerce(Slot("f", "float"), "2.5") == 2.5 and coerce(Slot("f", "float"), "x") is INVALID
    assert coerce(Slot("i", "int"), "3") == 3 and coerce(Slot("i", "int"), "3.5") is INVALID
    sizes = Slot("s", "categorical", values=("small", "Large"))
    assert coerce(sizes, "LARGE") == "Large" and coerce(sizes, "huge") is INVALID
    assert coerce(Slot("l", "list"), "b", ["a"]) == ["a", "b"] and coerce(Slot("l", "list"), "a", ["a"]) == ["a"]
    assert coerce(Slot("t", "text"), 123456) == "123456"


SLOTS = {
    "origin": Slot("origin", "text", (SlotMapping("from_entity", entity="city", role="from"),)),
    "destination": Slot("destination", "text", (SlotMapping("from_entity", entity="city", role="to"),)),
    "city": Slot("city", "text", (SlotMapping("from_entity", entity="city"),)),
    "confirmed": Slot("confirmed", "bool", (SlotMapping("from_intent", intent=("affirm",), value=True),)),
    "vip": Slot("vip", "bool", (SlotMapping("from_intent", intent=("i_am_vip",), value=True),)),
    "note": Slot("note", "text", (SlotMapping("from_text", not_intent=("stop",)),)),
    "tags": Slot("tags", "list", (SlotMapping("from_entity", entity="tag", intent=("tag_it",)),)),
}
COLLECTED = {"origin", "destination", "city", "confirmed", "note", "tags"}


def parse(intent: str, text: str = "x", *entities: Entity) -> ParseResult:
    return ParseResult(text, intent, 0.9, entities)


def test_roles_and_requested_slot_first() -> None:
    berlin = Entity("city", "Berlin", 0, 6, role="to")
    assert fill_slots(SLOTS, parse("book", "x", berlin), {}, None, COLLECTED) == {"destination": "Berlin", "city": "Berlin"}
    plain = Entity("city", "Paris", 0, 5)
    assert fill_slots(SLOTS, parse("book", "x", plain), {}, "city", COLLECTED) == {"city": "Paris"}


def test_from_intent_answers_questions_unless_no_flow_collects_the_slot() -> None:
    assert fill_slots(SLOTS, parse("affirm"), {}, None, COLLECTED) == {}
    assert fill_slots(SLOTS, parse("affirm"), {}, "confirmed", COLLECTED) == {"confirmed": True}
    assert fill_slots(SLOTS, parse("i_am_vip"), {}, None, COLLECTED) == {"vip": True}


def test_from_text_only_for_the_requested_slot_and_respects_not_intent() -> None:
    assert fill_slots(SLOTS, parse("chitchat", "ring twice"), {}, None, COLLECTED) == {}
    assert fill_slots(SLOTS, parse("chitchat", "ring twice"), {}, "note", COLLECTED) == {"note": "ring twice"}
    assert fill_slots(SLOTS, parse("stop", "stop"), {}, "note", COLLECTED) == {}


def test_list_slot_takes_every_entity_with_intent_filter() -> None:
    tags = (Entity("tag", "red", 0, 3), Entity("tag", "big", 4, 7))
    assert fill_slots(SLOTS, parse("tag_it", "red big", *tags), {"tags": ["old"]}, None, COLLECTED) == {"tags": ["old", "red", "big"]}
    assert fill_slots(SLOTS, parse("other", "red big", *tags), {}, None, COLLECTED) == {}


def test_date_and_time_slots_take_duckling_values_and_text() -> None:
    from datetime import datetime

    from dialog.reference_time import use_reference_time

    day, moment = Slot("day", "date"), Slot("at", "time")
    with use_reference_time(datetime(2030, 5, 6, 10, tzinfo=UTC).timestamp()):
        assert coerce(day, "2030-05-07T15:00:00.000+02:00") == "2030-05-07"
        assert coerce(moment, "next friday at 3pm") == "2030-05-10T15:00:00+00:00"
        assert coerce(day, "some day") is INVALID and coerce(moment, "tomorrow") is INVALID


def test_a_time_entity_fills_a_time_slot_only_when_it_has_a_time_of_day() -> None:
    slots = {
        "day": Slot("day", "date", (SlotMapping("from_entity", entity="time"),)),
        "at": Slot("at", "time", (SlotMapping("from_entity", entity="time"),)),
    }
    info = {"value": "2030-05-07T00:00:00.000+00:00", "grain": "day", "type": "value"}
    tomorrow = Entity("time", info["value"], 0, 8, additional_info=info)
    assert fill_slots(slots, parse("inform", "tomorrow", tomorrow), {}, None, set(slots)) == {"day": "2030-05-07"}
    info = {"value": "2030-05-07T15:00:00.000+00:00", "grain": "hour", "type": "value"}
    at_three = Entity("time", info["value"], 0, 14, additional_info=info)
    assert fill_slots(slots, parse("inform", "tomorrow at 3pm", at_three), {}, None, set(slots)) == {
        "day": "2030-05-07",
        "at": "2030-05-07T15:00:00+00:00",
    }
    # asked for the day, "tomorrow at 3pm" gives the time too (a moment is a day and a time), but no other day slot
    slots["new_day"] = Slot("new_day", "date", (SlotMapping("from_entity", entity="time"),))
    assert fill_slots(slots, parse("inform", "tomorrow at 3pm", at_three), {}, "day", set(slots)) == {
        "day": "2030-05-07",
        "at": "2030-05-07T15:00:00+00:00",
    }
    info = {"value": "2030-05-06T16:00:00.000+00:00", "grain": "hour", "type": "value", "day_given": False}
    four = Entity("time", info["value"], 0, 3, additional_info=info)
    assert fill_slots(slots, parse("inform", "4pm", four), {}, "day", set(slots)) == {"at": "2030-05-06T16:00:00+00:00"}  # no day said


def test_an_intent_limited_entity_mapping_fills_unasked_only_on_its_intents_but_always_when_asked() -> None:
    tag = Entity("tag", "urgent", 0, 6)
    assert fill_slots(SLOTS, parse("chitchat", "urgent", tag), {}, None, COLLECTED) == {}
    assert fill_slots(SLOTS, parse("tag_it", "urgent", tag), {}, None, COLLECTED) == {"tags": ["urgent"]}
    assert fill_slots(SLOTS, parse("nlu_fallback", "urgent", tag), {}, "tags", COLLECTED) == {"tags": ["urgent"]}


def test_a_question_that_starts_nothing_fills_no_slot_a_flow_collects() -> None:
    from dialog.flows.slot_filling import given_not_asked

    updates = {"appointment_date": "2030-05-11", "mood": "happy"}
    collected = {"appointment_date", "customer_name"}
    assert given_not_asked(updates, "are you open on saturday?", None, collected) == {"mood": "happy"}
    assert given_not_asked(updates, "saturday please", None, collected) == updates  # no question: a value given
    assert given_not_asked(updates, "is saturday ok?", "appointment_date", collected) == updates  # the open question's own


def test_a_question_about_a_day_does_not_choose_the_day_of_a_later_booking(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tests.flows.test_engine import Convo, make_config

    convo = Convo(make_config(tmp_path))
    convo.send(None, "is order 234567 still processing?", confidence=0.1, order_id="234567")
    assert convo.state.slots["order_id"] is None
    assert convo.send("cancel_order") == ["What is your order number?"]
    # a digression that also answers the open question: that answer is kept
    assert convo.send("payment_methods", "can I pay order 234567 by card?", order_id="234567") == ["We take cards.", "Cancel order 234567?"]


def test_a_set_slots_button_sets_its_slots_whatever_their_mappings() -> None:
    from dialog.intent_payload import parse_payload

    clicked = parse_payload("/SetSlots(confirmed=false, vip=true, city=Oslo, unknown=1, tags=[a, b])")
    assert clicked is not None
    assert fill_slots(SLOTS, clicked, {}, "note", COLLECTED) == {"confirmed": False, "vip": True, "city": "Oslo", "tags": ["a", "b"]}
    # the open from_text question does not take the payload's text


def test_a_wh_question_naming_an_option_of_the_open_choice_picks_nothing() -> None:
    plans = {"plan": Slot("plan", "categorical", (SlotMapping("from_entity", entity="plan"),), values=("Fibre 500", "Gigabit"))}
    fibre = Entity("plan", "Fibre 500", 12, 21)
    assert fill_slots(plans, parse("inform", "how much is Fibre 500?", fibre), {}, "plan") == {}
    assert fill_slots(plans, parse("inform", "what about Fibre 500?", Entity("plan", "Fibre 500", 11, 20)), {}, "plan") == {"plan": "Fibre 500"}
