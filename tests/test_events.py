"""Event constructors produce Rasa tracker JSON; bot events turn back into Replies."""

from __future__ import annotations

import json

from dialog import events
from dialog.types import Button, Reply


def test_shapes_match_rasa_tracker_events() -> None:
    assert events.user("hi", {"intent": {"name": "greet", "confidence": 1.0}}, 1.5) == {
        "event": "user",
        "timestamp": 1.5,
        "text": "hi",
        "parse_data": {"intent": {"name": "greet", "confidence": 1.0}},
    }
    assert events.slot("order_id", "123456", 2.0) == {"event": "slot", "timestamp": 2.0, "name": "order_id", "value": "123456"}
    bot = events.bot("Hello!", 3.0, "utter_greet", (Button("Yes", "/affirm"),))
    assert bot == {
        "event": "bot",
        "timestamp": 3.0,
        "text": "Hello!",
        "data": {"buttons": [{"title": "Yes", "payload": "/affirm"}]},
        "metadata": {"utter_action": "utter_greet"},
    }
    assert events.action("action_listen", 4.0) == {"event": "action", "timestamp": 4.0, "name": "action_listen"}


def test_flow_events_and_markers() -> None:
    assert events.flow_started("child", 1.0, called_from="call_step")["called_from"] == "call_step"
    assert events.flow_cancelled("f", 1.0, "max_attempts")["reason"] == "max_attempts"
    assert events.flow_interrupted("f", 1.0, by="g")["by"] == "g"
    step = events.action("utter_ask_x", 1.0, "f", "ask_x", "x", 2)
    assert (step["flow_id"], step["step_id"], step["requested_slot"], step["attempts"]) == ("f", "ask_x", "x", 2)
    assert events.llm_fallback(1.0, outcome="unavailable")["outcome"] == "unavailable"
    for make in (events.handoff, events.resume, events.restart, events.session_started):
        assert set(make(9.0)) == {"event", "timestamp"}


def test_every_event_is_json() -> None:
    made = [
        events.user("hi", {}, 1.0, {"a": 1}, "rest"),
        events.bot("x", 1.0, extra_metadata={"llm": True}),
        events.flow_completed("f", 1.0),
        events.flow_resumed("f", 1.0),
        events.llm_fallback(1.0, model="m", prompt_hash="abc", latency_ms=3.0),
    ]
    assert json.loads(json.dumps(made)) == made


def test_to_reply() -> None:
    reply = events.to_reply(events.bot("Pick", 1.0, "utter_pick", (Button("A", "/a"),), image="http://x/y.png"))
    assert reply == Reply("Pick", (Button("A", "/a"),), "utter_pick", "http://x/y.png")
    assert events.to_reply(events.bot("llm text", 1.0)).response is None
