"""A stored conversation as the inspector shows it: one record per user turn.

Built from the tracker store's events, so it works for any conversation and any
channel, after a restart too. Per turn: the message and its parse (intent
ranking, entities and the component that found each), the decisions and why
(``decisions``), the bot's replies, the slots after the turn with the changed
ones marked, the flow stack, the turn's events, and when this process handled
the turn, the stage latencies and the LLM prompt (``turn_log``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict
from typing import Any

from dialog.channels.decisions import explain
from dialog.channels.turn_log import TurnLog
from dialog.flows.state import ConversationState, initial_state, replay_from

__all__ = ["conversation_view", "split_turns"]

# events that open a turn just before its user event (the engine emits them first)
_TURN_OPENERS = frozenset({"session_started"})


def split_turns(events: Sequence[Mapping[str, Any]]) -> list[list[Mapping[str, Any]]]:
    """Events grouped by turn; a turn starts at a user event (with a session start just before it).

    Events before the first user message (none, usually) form a turn of their own."""
    turns: list[list[Mapping[str, Any]]] = [[]]
    for index, event in enumerate(events):
        kind = event.get("event")
        opens = kind == "user" or (
            kind in _TURN_OPENERS and index + 1 < len(events) and events[index + 1].get("event") == "user"
        )
        if opens and not (kind == "user" and turns[-1] and turns[-1][-1].get("event") in _TURN_OPENERS):
            turns.append([])
        turns[-1].append(event)
    return [turn for turn in turns if turn]


def conversation_view(
    sender_id: str,
    events: Sequence[Mapping[str, Any]],
    initial_slots: Mapping[str, Any],
    log: TurnLog | None = None,
    trigger_threshold: float = 0.0,
) -> dict[str, Any]:
    """The inspector's JSON for one conversation."""
    state = initial_state(initial_slots)
    turns = []
    for number, turn_events in enumerate(split_turns(events), start=1):
        after = replay_from(state, turn_events)
        turns.append(_turn(number, turn_events, state, after, log, sender_id, trigger_threshold))
        state = after
    return {
        "sender_id": sender_id,
        "turns": turns,
        "slots": _jsonable(dict(state.slots)),
        "flow_stack": _stack(state),
        "paused": state.paused,
        "event_count": len(events),
    }


def _turn(
    number: int,
    events: Sequence[Mapping[str, Any]],
    before: ConversationState,
    after: ConversationState,
    log: TurnLog | None,
    sender_id: str,
    trigger_threshold: float,
) -> dict[str, Any]:
    user = next((event for event in events if event.get("event") == "user"), None)
    stamp = user.get("timestamp") if user is not None else None
    trace = log.trace(sender_id, stamp) if log is not None and isinstance(stamp, (int, float)) else None
    changed = [name for name, value in after.slots.items() if before.slots.get(name) != value]
    changed += [str(e.get("name")) for e in events if e.get("event") == "slot" and e.get("name") not in changed]
    return {
        "number": number,
        "timestamp": stamp,
        "user": None if user is None else {
            "text": user.get("text"),
            "channel": user.get("input_channel"),
            "parse": user.get("parse_data") or {},
        },
        "replies": [_reply(event) for event in events if event.get("event") == "bot"],
        "decisions": [decision.as_json() for decision in explain(events, before, trigger_threshold)],
        "slots": _jsonable(dict(after.slots)),
        "changed_slots": changed,
        # what the turn set, which a flow that ended in the same turn may have reset already
        "slots_set": {
            str(e.get("name")): _jsonable(e.get("value")) for e in events if e.get("event") == "slot" and e.get("value") is not None
        },
        "flow_stack": _stack(after),
        "requested_slot": after.requested_slot,
        "paused": after.paused,
        "events": [_jsonable(dict(event)) for event in events],
        "llm": next((_jsonable(dict(e)) for e in events if e.get("event") == "llm_fallback"), None),
        "trace": trace.as_json() if trace is not None else None,
    }


def _reply(event: Mapping[str, Any]) -> dict[str, Any]:
    data = event.get("data") or {}
    metadata = event.get("metadata") or {}
    return {
        "text": event.get("text") or "",
        "buttons": data.get("buttons") or [],
        "image": data.get("image"),
        "response": metadata.get("utter_action"),
        "metadata": _jsonable(dict(metadata)),
    }


def _stack(state: ConversationState) -> list[dict[str, Any]]:
    return [asdict(frame) for frame in state.stack]


def _jsonable(value: Any) -> Any:
    """Event values are JSON already; anything else (a set from an action) is shown as text."""
    if isinstance(value, Mapping):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(item) for item in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return repr(value)
