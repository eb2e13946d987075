"""A turn of several requests: each question asked once, none a later request made moot,
and a later task's questions only once the earlier task is done."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dialog import events as ev
from dialog.flows.several_requests import other_values_to_queue, requests_to_queue, taken_up, without_repeated_questions
from dialog.flows.state import replay
from dialog.flows.turn import FlowRuntime, Turn
from dialog.types import Entity, ParseResult
from tests.flows.test_engine import make_config


def _ask(flow_id: str, text: str) -> list[dict[str, Any]]:
    return [
        {"event": "action", "name": "utter_ask_x", "flow_id": flow_id, "requested_slot": "x"},
        {"event": "bot", "text": text, "metadata": {"utter_action": "utter_ask_x"}},
    ]


def _texts(events: list[dict[str, Any]]) -> list[str]:
    return [event["text"] for event in without_repeated_questions(events) if event["event"] == "bot"]


def test_the_last_question_is_asked_once_at_the_end() -> None:
    events = [*_ask("return", "Why?"), {"event": "bot", "text": "Gift cards: yes."}, *_ask("return", "Why?")]
    assert _texts(events) == ["Gift cards: yes.", "Why?"]


def test_a_question_of_a_flow_a_later_request_ended_is_dropped() -> None:
    events = [{"event": "bot", "text": "You're welcome!"}, *_ask("shipping", "Which country?"), {"event": "flow_cancelled", "flow_id": "shipping"}, {"event": "bot", "text": "Bye!"}]
    assert _texts(events) == ["You're welcome!", "Bye!"]


def test_a_single_request_is_left_as_it_is() -> None:
    events = _ask("shipping", "Which country?")
    assert without_repeated_questions(events) == events


def test_later_requests_that_would_ask_questions_wait_and_questions_do_not(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    cancel = ParseResult("and cancel 234567", "cancel_order", 0.95)
    payment = ParseResult("and how can I pay?", "payment_methods", 0.95)  # a flow that asks nothing
    policy_question = ParseResult("what is your cancellation policy?", "cancel_order", 0.95)
    now, waiting = requests_to_queue(config, [cancel, payment, policy_question])
    assert waiting == [cancel] and now == [payment, policy_question]


def test_two_answers_from_the_same_response_are_both_kept() -> None:
    answer = [{"event": "action", "name": "utter_status"}]
    events = [*answer, {"event": "bot", "text": "Order 1 shipped.", "metadata": {"utter_action": "utter_status"}},
              *answer, {"event": "bot", "text": "Order 2 shipped.", "metadata": {"utter_action": "utter_status"}}]
    assert _texts(events) == ["Order 1 shipped.", "Order 2 shipped."]


def test_further_values_of_the_first_question_wait_as_payloads(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    flow = config.flows["cancel_order"]
    text = "cancel 234567 and 345678, not 123456"
    entities = tuple(Entity("order_id", value, text.index(value), text.index(value) + 6) for value in ("234567", "345678", "123456"))
    parse = ParseResult(text, "cancel_order", 0.95, entities)
    assert other_values_to_queue(flow, parse, config.domain.slots, {"order_id": "234567"}) == ['/cancel_order{"order_id": "345678"}']
    one = ParseResult("cancel 234567", "cancel_order", 0.95, entities[:1])
    assert other_values_to_queue(flow, one, config.domain.slots, {"order_id": "234567"}) == []


def test_a_request_taken_up_gets_the_value_the_request_before_it_was_about(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    before = [
        {"event": "user", "text": "where's my refund and I want to cancel"},
        {"event": "slot", "name": "order_id", "value": "234567"},
        {"event": "slot", "name": "order_id", "value": None},  # reset when that flow ended
    ]
    request = ParseResult("I want to cancel", "cancel_order", 0.95)
    taken = taken_up(config, request, list(reversed(before)))
    assert [(entity.entity, entity.value) for entity in taken.entities] == [("order_id", "234567")]
    own = ParseResult("cancel 345678", "cancel_order", 0.95, (Entity("order_id", "345678", 7, 13),))
    assert taken_up(config, own, list(reversed(before))) == own  # its own value wins


def test_a_flow_sees_how_many_requests_wait(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    state = replay([ev.request_queued('/cancel_order{"order_id": "345678"}', 1.0)])
    turn = Turn(FlowRuntime.from_config(config), state, "u1")
    assert turn.variables()["context"]["queued_requests"] == 1
