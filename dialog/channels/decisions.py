"""Why the engine did what it did in one turn, in words, for the inspector.

The engine records what happened as events; this reads one turn's events (with
the parse and the state before the turn) and names each decision: a filled slot,
a started flow, a digression, a repair (a re-asked question or a ``pattern_*``
flow), a cancel, a handoff, an LLM fallback or a knowledge answer, each with the
reason that follows from the dialogue rules (``docs/architecture.md``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from dialog.flows.state import ConversationState

__all__ = ["Decision", "explain"]

# bot-event metadata keys under which a knowledge answer names its sources
_SOURCE_KEYS = ("sources", "passages", "knowledge", "retrieved")


@dataclass(frozen=True)
class Decision:
    kind: str  # session, slot, flow, digression, resume, repair, cancel, handoff, fallback, knowledge, action, paused, queue
    what: str
    why: str = ""

    def as_json(self) -> dict[str, str]:
        return {"kind": self.kind, "what": self.what, "why": self.why}


def explain(
    events: Sequence[Mapping[str, Any]], before: ConversationState, trigger_threshold: float = 0.0
) -> list[Decision]:
    """The decisions of one turn: ``events`` are its events, ``before`` the state it started from."""
    parse = _parse_of(events)
    intent, confidence = _intent(parse)
    said = f"intent {intent} ({confidence:.2f})" if intent else "no intent"
    entities = {str(e.get("entity")): e for e in parse.get("entities", []) if isinstance(e, Mapping)}
    requested = before.requested_slot
    decisions: list[Decision] = []
    last_action: str | None = None
    for event in events:
        kind = event.get("event")
        if kind == "session_started":
            decisions.append(Decision("session", "new session", "first message, or the last one was longer ago than session_expiration_time"))
        elif kind == "restart":
            decisions.append(Decision("session", "conversation restarted", "/restart forgets slots and flows"))
        elif kind == "slot":
            decisions.append(_slot_decision(event, requested, entities, last_action))
        elif kind == "flow_started":
            decisions.append(_start_decision(event, said, trigger_threshold))
        elif kind == "flow_interrupted":
            waiting = f" while it waited for '{requested}'" if requested else ""
            by = str(event.get("by") or "another flow")
            if by.startswith("pattern_"):
                decisions.append(Decision(_pattern_kind(by), f"paused flow {event.get('flow_id')} for {by}",
                                          f"{said}{waiting}; the flow resumes after"))
            else:
                decisions.append(Decision("digression", f"paused flow {event.get('flow_id')} for {by}",
                                          f"{said} triggers another flow{waiting}; it resumes after"))
        elif kind == "flow_resumed":
            decisions.append(Decision("resume", f"resumed flow {event.get('flow_id')}", "the digression finished"))
        elif kind == "flow_cancelled":
            decisions.append(Decision("cancel", f"cancelled flow {event.get('flow_id')}", str(event.get("reason") or said)))
        elif kind == "flow_completed":
            decisions.append(Decision("flow", f"completed flow {event.get('flow_id')}", "its last step ran"))
        elif kind == "action":
            last_action = str(event.get("name"))
            decisions.extend(_action_decision(event, said))
        elif kind == "handoff":
            decisions.append(Decision("handoff", "handed off to a human", "the bot stays silent until /restart"))
        elif kind == "request_queued":
            decisions.append(Decision("queue", f"'{event.get('text')}' waits", "a question of the request before it is open: one task at a time"))
        elif kind == "request_taken_up":
            decisions.append(Decision("queue", f"took up '{event.get('text')}'", "the task before it ended"))
        elif kind == "llm_fallback":
            decisions.append(_fallback_decision(event, said, before))
        elif kind == "bot":
            knowledge = _knowledge(event)
            if knowledge:
                decisions.append(Decision("knowledge", "answered from the knowledge base", "sources: " + ", ".join(knowledge)))
    if before.paused and not decisions:
        decisions.append(Decision("paused", "no answer", "the conversation is handed off to a human"))
    return _merge_action_slots(decisions)


def _merge_action_slots(decisions: list[Decision]) -> list[Decision]:
    """The slots one action returned, as one decision (a lookup may set a dozen)."""
    merged: list[Decision] = []
    for decision in decisions:
        previous = merged[-1] if merged else None
        if (
            previous is not None
            and decision.kind == previous.kind == "slot"
            and decision.why == previous.why
            and decision.why.startswith("returned by action")
        ):
            names = previous.what.removeprefix("set slot ").removeprefix("set slots ")
            merged[-1] = Decision("slot", f"set slots {names}, {decision.what.removeprefix('set slot ')}", decision.why)
        else:
            merged.append(decision)
    return merged


def _parse_of(events: Sequence[Mapping[str, Any]]) -> Mapping[str, Any]:
    for event in events:
        if event.get("event") == "user":
            data = event.get("parse_data")
            return data if isinstance(data, Mapping) else {}
    return {}


def _intent(parse: Mapping[str, Any]) -> tuple[str | None, float]:
    intent = parse.get("intent") or {}
    if not isinstance(intent, Mapping):
        return None, 0.0
    confidence = intent.get("confidence")
    return intent.get("name"), float(confidence) if isinstance(confidence, (int, float)) else 0.0


def _slot_decision(
    event: Mapping[str, Any], requested: str | None, entities: Mapping[str, Any], last_action: str | None
) -> Decision:
    name = str(event.get("name"))
    what = f"set slot {name} = {json.dumps(event.get('value'), ensure_ascii=False, default=str)}"
    if name in entities:
        extractor = entities[name].get("extractor")
        return Decision("slot", what, f"entity {name}" + (f" found by {extractor}" if extractor else ""))
    if name == requested:
        return Decision("slot", what, f"the answer to the open question for '{name}'")
    if last_action is not None and not last_action.startswith("utter_"):
        return Decision("slot", what, f"returned by action {last_action}")
    return Decision("slot", what, "a slot mapping of the message or a flow step")


def _start_decision(event: Mapping[str, Any], said: str, threshold: float) -> Decision:
    flow_id = str(event.get("flow_id"))
    if flow_id.startswith("pattern_"):
        kind = _pattern_kind(flow_id)
        return Decision(kind, f"started {'pattern' if kind != 'repair' else 'repair pattern'} {flow_id}", said)
    if event.get("called_from"):
        return Decision("flow", f"started flow {flow_id}", f"called from step {event.get('called_from')}")
    bar = f" >= trigger threshold {threshold:.2f}" if threshold else ""
    return Decision("flow", f"started flow {flow_id}", f"{said}{bar} is its trigger")


def _action_decision(event: Mapping[str, Any], said: str) -> list[Decision]:
    attempts = event.get("attempts") or 0
    slot = event.get("requested_slot")
    if slot and isinstance(attempts, int) and attempts > 0:
        return [Decision("repair", f"asked for '{slot}' again (attempt {attempts + 1})",
                         f"the message did not give a valid '{slot}' ({said})")]
    name = str(event.get("name"))
    if not name.startswith("utter_") and event.get("flow_id"):
        return [Decision("action", f"ran action {name}", f"step {event.get('step_id')} of flow {event.get('flow_id')}")]
    return []


def _fallback_decision(event: Mapping[str, Any], said: str, before: ConversationState) -> Decision:
    outcome = event.get("outcome") or "ok"
    model = event.get("model") or "no model"
    where = "no flow is active" if before.active_flow is None else f"flow {before.active_flow} asks nothing"
    what = "LLM fallback answered" if outcome == "ok" else f"LLM fallback: {outcome}, answered utter_default"
    return Decision("fallback", f"{what} ({model}, {event.get('latency_ms')} ms)", f"{said} triggers no flow and {where}")


def _pattern_kind(flow_id: str) -> str:
    """A conversation pattern's kind: the knowledge search answers, the others repair."""
    return "knowledge" if flow_id == "pattern_search" else "repair"


def _knowledge(event: Mapping[str, Any]) -> list[str]:
    """The sources a knowledge answer names (``metadata.knowledge.sources``, or a list under a similar key)."""
    metadata = event.get("metadata") or {}
    for key in _SOURCE_KEYS:
        value = metadata.get(key) if isinstance(metadata, Mapping) else None
        if isinstance(value, Mapping) and "sources" in value:
            return [_source_name(item) for item in value.get("sources") or []] or ["nothing relevant enough"]
        if value:
            items = value if isinstance(value, list) else [value]
            return [_source_name(item) for item in items]
    return []


def _source_name(item: Any) -> str:
    if isinstance(item, Mapping):
        if item.get("file"):
            return " > ".join(str(part) for part in (item.get("file"), item.get("heading")) if part)
        return str(item.get("source") or item.get("title") or item.get("id") or item)
    return str(item)
