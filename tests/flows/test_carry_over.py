"""Earlier values a new flow may use: "cancel it" after a tracked order, and a flow run
again right after it ended, which keeps the answers given before the corrected one."""

from __future__ import annotations

from pathlib import Path

import pytest

from dialog.config.flow_model import END, ActionStep, Branch, CollectStep, Flow, Trigger
from dialog.config.models import BotConfig, ResponseVariation, Slot, SlotMapping
from dialog.flows.carry_over import answers_before, earlier_value, last_run_values, refers_back
from tests.flows.test_engine import Convo, _steps, make_config


@pytest.mark.parametrize(
    "text",
    [
        "cancel it",
        "can you cancel it please?",
        "what's the status of it",
        "when will it arrive?",
        "I want to send it back",
        "cancel that",
        "cancel that order",
        "and return this one too",
        "return them",
        "the same order please",
    ],
)
def test_a_pronoun_that_points_back_refers_back(text: str) -> None:
    assert refers_back(text)


@pytest.mark.parametrize(
    "text",
    [
        "cancel my order",
        "is it possible to cancel an order?",
        "it's fine, cancel my order",
        "forget it, track my order",
        "this is useless, where is my order",
        "that would be great, cancel my order",
        "how's it going",
        "I want to make a return",
    ],
)
def test_no_pronoun_or_an_empty_it_does_not(text: str) -> None:
    assert not refers_back(text)


def _slot(name: str, value: object) -> dict[str, object]:
    return {"event": "slot", "name": name, "value": value}


def test_the_earlier_value_is_the_last_one_set_in_the_last_user_turns() -> None:
    events = [{"event": "user"}, _slot("order_id", "111111"), {"event": "user"}, _slot("order_id", "123456"), _slot("order_id", None)]
    assert earlier_value(reversed(events), "order_id") == "123456"
    assert earlier_value(reversed(events + [{"event": "user"}] * 5), "order_id") is None  # too long ago
    assert earlier_value(reversed(events + [{"event": "session_started"}, {"event": "user"}]), "order_id") is None  # another session


def test_answers_before_the_corrected_question_come_from_the_flows_last_run() -> None:
    flow = Flow(
        "deliver",
        _steps(CollectStep("a", collect="order_id"), CollectStep("c", collect="confirmed", ask_before_filling=True), CollectStep("d", collect="day")),
    )
    events = [
        {"event": "flow_started", "flow_id": "deliver"},
        _slot("order_id", "123456"),
        _slot("confirmed", True),
        _slot("day", "friday"),
        _slot("order_id", None),
        {"event": "flow_completed", "flow_id": "deliver"},
    ]
    last_run = last_run_values("deliver", events)
    assert last_run == {"order_id": "123456", "confirmed": True, "day": "friday"}
    assert answers_before(flow, last_run, ["day"]) == {"order_id": "123456"}  # the confirmation is asked again
    assert answers_before(flow, last_run, ["order_id"]) == {}


# --- in conversations ----------------------------------------------------------


@pytest.fixture
def config(tmp_path: Path) -> BotConfig:
    """The engine tests' bot, with a tracking flow and a delivery-day flow that also collect the order."""
    base = make_config(tmp_path)
    slots = {**base.domain.slots, **{name: Slot(name, "text", (SlotMapping("from_entity", entity=name),)) for name in ("day", "system", "urgency")}}
    texts = {
        "utter_status": "Order {{ slots.order_id }} is {{ slots.order_status }}.",
        "utter_ask_day": "Which day?",
        "utter_day_set": "Order {{ slots.order_id }} comes on {{ slots.day }}.",
        "utter_known_outage": "We know {{ slots.system }} is down.",
        "utter_ask_system": "Which system?",
    }
    responses = {**base.domain.responses, **{name: (ResponseVariation(text=text),) for name, text in texts.items()}}
    domain = type(base.domain)(**{**base.domain.__dict__, "slots": slots, "responses": responses, "entities": ("order_id", "day", "system", "urgency")})
    flows = {
        **base.flows,
        "track": Flow(
            "track",
            _steps(CollectStep("ask_id", collect="order_id"), ActionStep("lookup", action="lookup_order"), ActionStep("say", action="utter_status")),
            nlu_trigger=(Trigger("track"),),
        ),
        "deliver": Flow(
            "deliver",
            _steps(CollectStep("ask_id", collect="order_id"), CollectStep("ask_day", collect="day"), ActionStep("say", action="utter_day_set")),
            nlu_trigger=(Trigger("deliver"),),
        ),
        "outage": Flow(  # a known outage ends the flow before it asks how urgent it is
            "outage",
            _steps(
                CollectStep("ask_system", collect="system"),
                ActionStep("known", action="utter_known_outage", next=(Branch(END),)),
                CollectStep("ask_urgency", collect="urgency"),
            ),
            nlu_trigger=(Trigger("outage"),),
        ),
    }
    return BotConfig(base.root, domain, base.nlu, flows, base.settings)


def test_cancel_it_after_tracking_an_order_cancels_that_order(config: BotConfig) -> None:
    convo = Convo(config)
    assert convo.send("track", order_id="234567") == ["Order 234567 is processing."]
    assert convo.send("cancel_order", "cancel it") == ["Cancel order 234567?"]


def test_a_request_without_a_pronoun_asks_which_order(config: BotConfig) -> None:
    convo = Convo(config)
    convo.send("track", order_id="234567")
    assert convo.send("cancel_order", "cancel my order") == ["What is your order number?"]


def test_a_pronoun_reaches_back_only_a_few_messages(config: BotConfig) -> None:
    convo = Convo(config)
    convo.send("track", order_id="234567")
    for _ in range(5):
        convo.send("payment_methods")
    assert convo.send("cancel_order", "cancel it") == ["What is your order number?"]


def test_a_new_day_right_after_the_flow_ended_keeps_its_order(config: BotConfig) -> None:
    convo = Convo(config)
    convo.send("deliver", order_id="234567")
    assert convo.send("inform", "friday", day="friday") == ["Order 234567 comes on friday."]
    # the NLU reads "no, saturday instead" as the same request again: it keeps the order
    assert convo.send("deliver", "no, saturday instead", day="saturday") == ["Order 234567 comes on saturday."]


def test_a_new_order_right_after_the_flow_ended_asks_the_later_questions_again(config: BotConfig) -> None:
    convo = Convo(config)
    convo.send("deliver", order_id="234567")
    convo.send("inform", "friday", day="friday")
    assert convo.send("inform", "and 123456?", confidence=0.3, order_id="123456") == ["Which day?"]


def test_the_same_value_again_runs_the_flow_again_but_a_question_with_it_does_not(config: BotConfig) -> None:
    convo = Convo(config)
    assert convo.send("outage", system="email") == ["We know email is down."]
    assert convo.send("inform", "it's outlook", system="email") == ["We know email is down."]
    assert convo.send("inform", "what's the email server's address?", system="email") == ["Sorry, I didn't get that. Could you rephrase?"]


def test_a_value_for_a_question_the_flow_never_reached_is_no_correction(config: BotConfig) -> None:
    convo = Convo(config)
    convo.send("outage", system="email")
    assert convo.send("inform", "pretty urgent", urgency="high") == ["Sorry, I didn't get that. Could you rephrase?"]
    convo.send("outage", system="email")
    assert convo.send("inform", "no, the vpn", system="vpn") == ["We know vpn is down."]  # one it had: run again
