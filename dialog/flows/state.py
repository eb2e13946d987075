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

from dialog.flows.patterns import is_pattern

__all__ = [
    "ACTIVE",
    "CALLING",
    "INTERRUPTED",
    "ConversationState",
    "Frame",
    "apply_event",
    "initial_state",
    "replay",
    "replay_from",
]

ACTIVE = "active"
INTERRUPTED = "interrupted"
CALLING = "calling"


@dataclass(frozen=True)
class Frame:
    """One flow on the stack and where it stands.

    ``step_id`` is the step it waits at (a ``collect`` that asked, or a ``call``);
    ``attempts`` counts rejected or empty answers to the open ``collect``.
    ``slots_set`` names the slots set while it was the active flow; ``kept_slots``
    holds their values when a digression (another flow of the bot, not a pattern)
    interrupted it, so that resuming can undo what the digression changed there.
    """

    flow_id: str
    step_id: str | None = None
    status: str = ACTIVE
    attempts: int = 0
    requested_slot: str | None = None
    slots_set: tuple[str, ...] = field(default=(), compare=False)
    kept_slots: tuple[tuple[str, Any], ...] = field(default=(), compare=False)


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
    queued_requests: tuple[str, ...] = ()  # later requests of a several-request message (bot.py)
    previous_flow: str | None = None  # the last user flow that completed or was cancelled (Rasa Pro's previous_flow_name)

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
    return replay_from(initial_state(initial_slots), events)


def replay_from(state: ConversationState, events: Iterable[Mapping[str, Any]]) -> ConversationState:
    """``state`` after ``events``; one mutable fold, frozen once (long conversations stay cheap)."""
    fold = _Fold(state)
    for event in events:
        fold.apply(event)
    return fold.freeze()


def apply_event(state: ConversationState, event: Mapping[str, Any]) -> ConversationState:
    """The state after ``event``; unknown event types change nothing but the clock."""
    return replay_from(state, (event,))


class _Fold:
    """The working copy ``replay_from`` folds events into; never leaves this module."""

    def __init__(self, state: ConversationState) -> None:
        self.initial_slots = state.initial_slots
        self.slots = dict(state.slots)
        self.stack = list(state.stack)
        self.paused = state.paused
        self.latest_message = state.latest_message
        self.session_started_at = state.session_started_at
        self.last_event_at = state.last_event_at
        self.bot_messages = state.bot_messages
        self.latest_action = state.latest_action
        self.queued_requests = list(state.queued_requests)
        self.previous_flow = state.previous_flow

    def freeze(self) -> ConversationState:
        return ConversationState(
            initial_slots=self.initial_slots,
            slots=self.slots,
            stack=tuple(self.stack),
            paused=self.paused,
            latest_message=self.latest_message,
            session_started_at=self.session_started_at,
            last_event_at=self.last_event_at,
            bot_messages=self.bot_messages,
            latest_action=self.latest_action,
            queued_requests=tuple(self.queued_requests),
            previous_flow=self.previous_flow,
        )

    def _index(self, flow_id: str) -> int:
        """The topmost frame of ``flow_id`` (normally the top of the stack); -1 if none."""
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index].flow_id == flow_id:
                return index
        return -1

    def _change(self, flow_id: str, **changes: Any) -> None:
        index = self._index(flow_id)
        if index >= 0:
            self.stack[index] = replace(self.stack[index], **changes)

    def _reset(self) -> None:
        self.slots = dict(self.initial_slots)
        self.stack = []
        self.paused = False
        self.queued_requests = []

    def apply(self, event: Mapping[str, Any]) -> None:
        kind = event.get("event")
        timestamp = event.get("timestamp")
        if timestamp is not None:
            self.last_event_at = float(timestamp)
        if kind == "slot":
            self.slots[event["name"]] = event.get("value")
            top = self.stack[-1] if self.stack else None
            if top is not None and top.status == ACTIVE and event["name"] not in top.slots_set:
                self.stack[-1] = replace(top, slots_set=(*top.slots_set, event["name"]))
        elif kind == "user":
            latest = dict(event.get("parse_data") or {})
            latest["text"] = event.get("text")
            self.latest_message = latest
        elif kind == "bot":
            self.bot_messages += 1
        elif kind == "action":
            self.latest_action = event.get("name")
            if event.get("flow_id") is not None:
                self._change(
                    event["flow_id"],
                    step_id=event.get("step_id"),
                    requested_slot=event.get("requested_slot"),
                    attempts=int(event.get("attempts") or 0),
                )
        elif kind == "flow_started":
            if event.get("called_from") is not None and self.stack:
                self.stack[-1] = replace(self.stack[-1], step_id=event["called_from"], status=CALLING, requested_slot=None)
            self.stack.append(Frame(flow_id=event["flow_id"]))
        elif kind in ("flow_completed", "flow_cancelled"):
            index = self._index(event["flow_id"])
            if index >= 0:
                del self.stack[index]
            if not is_pattern(str(event["flow_id"])):
                self.previous_flow = str(event["flow_id"])
            if kind == "flow_cancelled" and not is_pattern(str(event["flow_id"])):
                self.queued_requests = []  # "stop", a goodbye, giving up: the user's list is off too
        elif kind == "request_queued":
            self.queued_requests.append(str(event.get("text") or ""))
        elif kind == "request_taken_up":
            self.queued_requests = self.queued_requests[1:]
        elif kind == "flow_interrupted":
            index = self._index(event["flow_id"])
            if index >= 0:
                frame = self.stack[index]
                # a repair pattern (a correction) changes the flow's slots on purpose: nothing to keep
                kept = () if is_pattern(str(event.get("by") or "")) else tuple((name, self.slots.get(name)) for name in frame.slots_set)
                self.stack[index] = replace(frame, status=INTERRUPTED, kept_slots=kept)
        elif kind == "flow_resumed":
            self._change(event["flow_id"], status=ACTIVE)
        elif kind in ("handoff", "resume"):
            self.paused = kind == "handoff"
        elif kind == "restart":
            self._reset()
        elif kind == "session_started":
            self._reset()
            self.session_started_at = timestamp
