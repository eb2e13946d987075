"""A bot's pattern_session_start greets at the start of each session, before the first message is handled."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from dialog.config.flow_model import ActionStep, Flow, Trigger
from tests.flows.test_engine import Clock, Convo, _steps, make_config


def _with_greeting(tmp_path: Path, flow: Flow) -> Convo:
    config = make_config(tmp_path)
    return Convo(replace(config, flows={**config.flows, flow.id: flow}), Clock())


def test_the_greeting_comes_before_the_first_message_s_answer_and_once_a_session(tmp_path: Path) -> None:
    convo = _with_greeting(tmp_path, Flow("pattern_session_start", _steps(ActionStep("hi", action="utter_payment_methods"))))
    assert convo.send("cancel_order", order_id="234567") == ["We take cards.", "Cancel order 234567?"]
    assert convo.send("deny") == ["Okay, I kept it."]
    convo.clock.now += 61 * 60  # a new session
    assert convo.send("payment_methods") == ["We take cards.", "We take cards."]


def test_a_flow_triggered_by_session_start_runs_too_and_the_payload_runs_it_once(tmp_path: Path) -> None:
    greeting = Flow("welcome", _steps(ActionStep("hi", action="utter_set")), nlu_trigger=(Trigger("session_start"),))
    convo = _with_greeting(tmp_path, greeting)
    assert convo.send("session_start", "/session_start", confidence=1.0) == ["Level None."]
    assert convo.send("payment_methods") == ["We take cards."]


def test_a_bot_without_one_says_nothing_extra(tmp_path: Path) -> None:
    convo = Convo(make_config(tmp_path))
    assert convo.send("payment_methods") == ["We take cards."]
