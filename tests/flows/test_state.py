"""State is a pure fold over events: slots, the flow stack, requested slot, pause, sessions."""

from __future__ import annotations

from dialog import events as ev
from dialog.flows.state import CALLING, INTERRUPTED, Frame, apply_event, initial_state, replay


def test_slots_and_latest_message() -> None:
    state = replay(
        [ev.user("hi", {"intent": {"name": "greet", "confidence": 0.9}}, 1.0), ev.slot("a", 1, 2.0)],
        {"a": None, "b": "x"},
    )
    assert state.slots == {"a": 1, "b": "x"}
    assert state.latest_message["text"] == "hi" and state.latest_message["intent"]["name"] == "greet"
    assert state.last_event_at == 2.0


def test_flow_stack_positions_digression_and_call() -> None:
    events = [
        ev.flow_started("order", 1.0),
        ev.action("utter_ask_id", 1.0, "order", "ask_id", "order_id", 0),
        ev.action("utter_ask_id", 2.0, "order", "ask_id", "order_id", 1),
    ]
    state = replay(events)
    assert state.stack == (Frame("order", "ask_id", "active", 1, "order_id"),)
    assert state.requested_slot == "order_id" and state.active_flow == "order"
    events += [ev.flow_interrupted("order", 3.0), ev.flow_started("faq", 3.0)]
    state = replay(events)
    assert state.stack[0].status == INTERRUPTED and state.active_flow == "faq" and state.requested_slot is None
    events += [ev.flow_started("sub", 3.0, called_from="call_it")]
    state = replay(events)
    assert state.stack[1] == Frame("faq", "call_it", CALLING)
    events += [ev.flow_completed("sub", 4.0), ev.flow_resumed("faq", 4.0), ev.flow_completed("faq", 4.0), ev.flow_resumed("order", 4.0)]
    state = replay(events)
    assert state.stack == (Frame("order", "ask_id", "active", 1, "order_id"),)


def test_a_digression_keeps_the_slots_the_interrupted_flow_had_set() -> None:
    events = [ev.slot("name", "Ann", 0.5), ev.flow_started("cancel", 1.0), ev.slot("order_id", "234567", 1.0), ev.slot("status", "processing", 1.0)]
    events += [ev.flow_interrupted("cancel", 2.0, by="track"), ev.flow_started("track", 2.0), ev.slot("order_id", "123456", 2.0)]
    cancel = replay(events).stack[0]
    assert cancel.slots_set == ("order_id", "status")  # "name" was set before the flow began
    assert cancel.kept_slots == (("order_id", "234567"), ("status", "processing"))


def test_a_repair_pattern_keeps_nothing_it_changes_on_purpose() -> None:
    events = [ev.flow_started("cancel", 1.0), ev.slot("order_id", "234567", 1.0), ev.flow_interrupted("cancel", 2.0, by="pattern_correction")]
    assert replay(events).stack[0].kept_slots == ()


def test_handoff_resume_restart_session() -> None:
    state = replay([ev.slot("a", 5, 1.0), ev.flow_started("f", 1.0), ev.handoff(2.0)], {"a": 0})
    assert state.paused
    assert not apply_event(state, ev.resume(3.0)).paused
    restarted = apply_event(state, ev.restart(3.0))
    assert (restarted.slots, restarted.stack, restarted.paused) == ({"a": 0}, (), False)
    session = apply_event(state, ev.session_started(9.0))
    assert session.session_started_at == 9.0 and session.slots == {"a": 0} and session.stack == ()


def test_bot_messages_are_counted_and_unknown_events_ignored() -> None:
    state = replay([ev.bot("x", 1.0), ev.bot("y", 2.0), {"event": "something_new", "timestamp": 3.0}])
    assert state.bot_messages == 2 and state.last_event_at == 3.0
    assert initial_state().top is None


def test_queued_requests_wait_in_order_and_stop_or_restart_drops_them() -> None:
    queued = replay([ev.request_queued("change the address", 1.0), ev.request_queued("track 123456", 1.0)])
    assert queued.queued_requests == ("change the address", "track 123456")
    assert apply_event(queued, ev.request_taken_up("change the address", 2.0)).queued_requests == ("track 123456",)
    completed = replay([ev.flow_started("cancel", 1.0), ev.request_queued("track 123456", 1.0), ev.flow_completed("cancel", 2.0)])
    assert completed.queued_requests == ("track 123456",)
    stopped = replay([ev.flow_started("cancel", 1.0), ev.request_queued("track 123456", 1.0), ev.flow_cancelled("cancel", 2.0, "intent stop")])
    assert stopped.queued_requests == ()
    assert apply_event(queued, ev.restart(3.0)).queued_requests == ()


def test_the_user_flow_that_ended_last_is_remembered_patterns_aside() -> None:
    from dialog.flows.state import replay

    events = [
        {"event": "flow_started", "flow_id": "check_balance"},
        {"event": "flow_completed", "flow_id": "check_balance"},
        {"event": "flow_started", "flow_id": "pattern_completed"},
        {"event": "flow_completed", "flow_id": "pattern_completed"},
    ]
    assert replay(events).previous_flow == "check_balance"  # Rasa Pro's context.previous_flow_name
