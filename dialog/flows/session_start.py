"""The start of a session, and the flow a bot runs then (Rasa Pro's ``pattern_session_start``).

The first message of a conversation, and the first after ``session_expiration_time``
minutes of silence, begins a new session: ``session_started`` resets slots, flows and
a handoff. A bot that greets its users there writes a flow ``pattern_session_start``
(or any flow triggered by ``session_start``, the intent of the ``/session_start``
payload that Rasa's channels send when a chat opens). It runs before the message that
began the session is handled, so "where is my order?" as the first message gets the
greeting and then the question about the order. ``/session_start`` itself triggers the
flow as any intent does.
"""

from __future__ import annotations

from dialog import events
from dialog.builtin_names import SESSION_START_INTENT
from dialog.config.models import BotConfig
from dialog.flows.turn import Turn
from dialog.types import ParseResult

__all__ = ["SESSION_START_FLOW", "begins_session", "session_flow"]

SESSION_START_FLOW = "pattern_session_start"


def begins_session(turn: Turn, minutes: float) -> bool:
    """Emit ``session_started`` when this turn begins a session; whether it did."""
    state = turn.state
    expired = minutes > 0 and state.last_event_at is not None and turn.now() - state.last_event_at > minutes * 60
    if state.session_started_at is None or expired:
        turn.emit(events.session_started(turn.now()))
        return True
    return False


def session_flow(config: BotConfig, parse: ParseResult) -> str | None:
    """The flow to run before ``parse`` at a session's start, if the bot has one."""
    if parse.intent == SESSION_START_INTENT:
        return None  # it triggers the flow itself
    if SESSION_START_FLOW in config.flows:
        return SESSION_START_FLOW
    return next((flow.id for flow in config.flows.values() if any(t.intent == SESSION_START_INTENT for t in flow.nlu_trigger)), None)
