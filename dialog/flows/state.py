"""The state of a conversation, derived by replaying its events (pure functions).

Nothing here is stored: slots, the flow stack, the requested slot and the
handoff pause are all recomputed from the event list, so a store only ever
appends, and a replay of the same events always gives the same state.

The flow stack is a tuple of ``Frame``s, the active one last. A frame below the
top is either ``interrupted`` (a digression runs above it; it resumes and
re-asks when that ends) or ``calling`` (it waits at a ``call`` step for the
sub-flow above it to finish).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Iterable, Mapping

__all__ = ["ACTIVE", "CALLING", "INTERRUPTED", "ConversationState", "Frame", "apply_event", "initial_state", "replay"]

ACTIVE = "active"
INTERRUPTED = "interrupted"
CALLING = "calling"


@dataclass(frozen=True)
class Frame:
    """One flow on the stack and where it stands.

    ``step_id`` is the step it waits at (a ``collect`` that asked, or a ``call``);
    ``attempts`` counts rejected or empty answers to the open ``collect``.
    """

    flow_id: str
    step_id: str | None = None
    status: str = ACTIVE
    attempts: int = 0
    requested_slot: str | None = None


@dataclass(frozen=True)
class ConversationState:
    initial_slots: Mapping[str, Any] = field(default_factory=dict)
    slots: Mapping[str, Any] = field(default_factory=dict)
    stack: tuple[Frame, ...] = ()
    paused: bool = False
    latest_message: Mapping[str, Any] = field(default_factory=dict)
    session_started_at: float | None = None
    last_event_at: float | None = None
    bot_messages: int = 0
    latest_action: str | None = None

    @property
    def top(self) -> Frame | None:
        return self.stack[-1] if self.stack else None

    @property
    def active_flow(self) -> str | None:
        top = self.top
        return top.flow_id if top is not None and top.status == ACTIVE else None

    @property
    def requested_slot(self) -> str | None:
        top = self.top
        return top.requested_slot if top is not None and top.status == ACTIVE else None

    def flow_ids(self) -> tuple[str, ...]:
        return tuple(frame.flow_id for frame in self.stack)


def initial_state(initial_slots: Mapping[str, Any] | None = None) -> ConversationState:
    slots = dict(initial_slots or {})
    return ConversationState(initial_slots=slots, slots=dict(slots))


def replay(events: Iterable[Mapping[str, Any]], initial_slots: Mapping[str, Any] | None = None) -> ConversationState:
    state = initial_state(initial_slots)
    for event in events:
        state = apply_event(state, event)
    return state


def _reset(state: ConversationState) -> ConversationState:
    return replace(state, slots=dict(state.initial_slots), stack=(), paused=False)


def _replace_top(stack: tuple[Frame, ...], flow_id: str, **changes: Any) -> tuple[Frame, ...]:
    """Change the topmost frame of ``flow_id`` (normally the top of the stack)."""
    for index in range(len(stack) - 1, -1, -1):
        if stack[index].flow_id == flow_id:
            return stack[:index] + (replace(stack[index], **changes),) + stack[index + 1 :]
    return stack


def _pop(stack: tuple[Frame, ...], flow_id: str) -> tuple[Frame, ...]:
    for index in range(len(stack) - 1, -1, -1):
        if stack[index].flow_id == flow_id:
            return stack[:index] + stack[index + 1 :]
    return stack


def _apply_action(state: ConversationState, event: Mapping[str, Any]) -> ConversationState:
    state = replace(state, latest_action=event.get("name"))
    flow_id = event.get("flow_id")
    if flow_id is None:
        return state
    stack = _replace_top(
        state.stack,
        flow_id,
        step_id=event.get("step_id"),
        requested_slot=event.get("requested_slot"),
        attempts=int(event.get("attempts") or 0),
    )
    return replace(state, stack=stack)


def _apply_flow_started(state: ConversationState, event: Mapping[str, Any]) -> ConversationState:
    stack = state.stack
    called_from = event.get("called_from")
    if called_from is not None and stack:
        stack = stack[:-1] + (replace(stack[-1], step_id=called_from, status=CALLING, requested_slot=None),)
    return replace(state, stack=stack + (Frame(flow_id=event["flow_id"]),))


def apply_event(state: ConversationState, event: Mapping[str, Any]) -> ConversationState:
    """The state after ``event``; unknown event types change nothing but the clock."""
    kind = event.get("event")
    timestamp = event.get("timestamp")
    if timestamp is not None:
        state = replace(state, last_event_at=float(timestamp))
    if kind == "slot":
        return replace(state, slots={**state.slots, event["name"]: event.get("value")})
    if kind == "user":
        latest = {"text": event.get("text"), **(event.get("parse_data") or {})}
        latest["text"] = event.get("text")
        return replace(state, latest_message=latest)
    if kind == "bot":
        return replace(state, bot_messages=state.bot_messages + 1)
    if kind == "action":
        return _apply_action(state, event)
    if kind == "flow_started":
        return _apply_flow_started(state, event)
    if kind in ("flow_completed", "flow_cancelled"):
        return replace(state, stack=_pop(state.stack, event["flow_id"]))
    if kind == "flow_interrupted":
        return replace(state, stack=_replace_top(state.stack, event["flow_id"], status=INTERRUPTED))
    if kind == "flow_resumed":
        return replace(state, stack=_replace_top(state.stack, event["flow_id"], status=ACTIVE))
    if kind == "handoff":
        return replace(state, paused=True)
    if kind == "resume":
        return replace(state, paused=False)
    if kind == "restart":
        return _reset(state)
    if kind == "session_started":
        return replace(_reset(state), session_started_at=timestamp)
    return state
