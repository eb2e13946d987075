"""The inspector's words for a turn's decisions, from events alone."""

from __future__ import annotations

from dialog.channels.decisions import explain
from dialog.channels.turn_view import split_turns
from dialog.flows.state import initial_state, replay


def user(text: str, intent: str, confidence: float = 0.9, entities: list | None = None) -> dict:
    parse = {"text": text, "intent": {"name": intent, "confidence": confidence}, "entities": entities or []}
    return {"event": "user", "timestamp": 1.0, "text": text, "parse_data": parse}


def test_a_knowledge_answer_names_its_sources() -> None:
    events = [user("what is your warranty", "faq"),
              {"event": "bot", "text": "Two years.", "metadata": {"sources": [{"source": "warranty.md"}]}}]
    decisions = explain(events, initial_state())
    assert [(d.kind, d.why) for d in decisions] == [("knowledge", "sources: warranty.md")]


def test_a_knowledge_answer_with_file_sources_names_file_and_heading() -> None:
    found = {"knowledge": {"sources": [{"file": "faq.md", "heading": "Returns > Deadlines"}], "mode": "extractive"}}
    events = [user("how long do I have to return", "faq"), {"event": "bot", "text": "30 days.", "metadata": found}]
    assert explain(events, initial_state())[0].why == "sources: faq.md > Returns > Deadlines"
    empty = {"knowledge": {"sources": [], "mode": "none"}}
    events = [user("what is the moon made of", "faq"), {"event": "bot", "text": "I don't know.", "metadata": empty}]
    assert explain(events, initial_state())[0].why == "sources: nothing relevant enough"


def test_a_pattern_that_pauses_a_flow_is_a_repair_not_a_digression() -> None:
    before = replay([{"event": "flow_started", "flow_id": "check_order"}])
    events = [user("no, I meant 654321", "correction"),
              {"event": "flow_interrupted", "flow_id": "check_order", "by": "pattern_correction"},
              {"event": "flow_started", "flow_id": "pattern_correction"}]
    assert [d.kind for d in explain(events, before)] == ["repair", "repair"]
    search = [user("what is your warranty", "faq"), {"event": "flow_started", "flow_id": "pattern_search"}]
    assert explain(search, initial_state())[0].kind == "knowledge"


def test_a_repair_pattern_flow_is_named_a_repair() -> None:
    events = [user("no wait, I meant 654321", "correction"), {"event": "flow_started", "flow_id": "pattern_correction"}]
    assert explain(events, initial_state())[0].kind == "repair"


def test_a_cancel_gives_the_engines_reason() -> None:
    before = replay([{"event": "flow_started", "flow_id": "check_order"}])
    events = [user("stop it", "cancel"), {"event": "flow_cancelled", "flow_id": "check_order", "reason": "intent cancel"}]
    assert [(d.kind, d.why) for d in explain(events, before)] == [("cancel", "intent cancel")]


def test_a_turn_while_handed_off_says_so() -> None:
    before = replay([{"event": "handoff"}])
    assert explain([user("hello?", "greet")], before)[0].kind == "paused"


def test_a_session_start_belongs_to_the_turn_it_opens() -> None:
    events = [{"event": "session_started"}, user("hi", "greet"), {"event": "bot", "text": "Hello"},
              user("bye", "goodbye"), {"event": "session_started"}, user("hi again", "greet")]
    turns = split_turns(events)
    assert [[e["event"] for e in turn] for turn in turns] == [
        ["session_started", "user", "bot"], ["user"], ["session_started", "user"]]


def test_a_waiting_request_and_its_turn_are_named() -> None:
    events = [user("cancel 234567 and change the address", "cancel_order"), {"event": "request_queued", "text": "change the address"}]
    assert [(d.kind, d.what) for d in explain(events, initial_state())] == [("queue", "'change the address' waits")]
    later = [user("yes", "affirm"), {"event": "request_taken_up", "text": "change the address"}]
    assert [d.kind for d in explain(later, initial_state())] == ["queue"]
