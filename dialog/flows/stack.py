"""Flow stack operations shared by the step runner and the engine: ask, end, cancel.

Cancelling, decided once here:

* A cancel intent (``settings.cancel_intents``, ``/stop``) cancels the active flow
  and the flows that ``call``-ed it (they cannot go on without it). A flow that a
  digression interrupted then resumes and re-asks its open question.
* Giving up after ``max_attempts`` and an action that raises cancel the WHOLE
  stack: the user is stuck or the bot is broken, so everything starts over.

Ending a flow resets the slots its ``collect`` steps filled (those with
``reset_after_flow_ends``, all of them when cancelled), except ``persisted_slots``
and slots that a flow still on the stack collects.
"""

from __future__ import annotations

from dialog import events
from dialog.config.flow_model import CollectStep, Flow
from dialog.flows.state import INTERRUPTED
from dialog.flows.turn import Turn

__all__ = ["ask", "cancel_active", "cancel_stack", "close_flow", "resume_frame", "resume_interrupted"]


def ask(turn: Turn, flow: Flow, step: CollectStep, attempts: int = 0) -> None:
    """Ask the question of a ``collect`` step; the flow now waits there. A custom action
    (Rasa's ``action_ask_<slot>``) asks once the turn's steps are done: actions are async."""
    response = step.utter or f"utter_ask_{step.collect}"
    turn.emit(events.action(response, turn.now(), flow.id, step.id, step.collect, attempts))
    if not turn.runtime.renderer.has(response) and response in turn.runtime.config.domain.actions:
        turn.pending_asks.append(response)
    else:
        turn.say(response)


def close_flow(turn: Turn, flow: Flow, completed: bool = True, reason: str = "") -> None:
    """Pop ``flow`` (the top frame) and reset its collected slots."""
    if completed:
        turn.emit(events.flow_completed(flow.id, turn.now()))
    else:
        turn.emit(events.flow_cancelled(flow.id, turn.now(), reason))
    runtime = turn.runtime
    still_needed = {
        name for flow_id in turn.state.flow_ids() if flow_id in runtime.config.flows for name in runtime.flow(flow_id).collected_slots()
    }
    seen: set[str] = set()
    for step in flow.steps:
        if not isinstance(step, CollectStep) or step.collect in seen:
            continue
        seen.add(step.collect)
        if completed and not step.reset_after_flow_ends:
            continue
        if step.collect in flow.persisted_slots or step.collect in still_needed:
            continue
        initial = runtime.initial_slots.get(step.collect)
        if turn.state.slots.get(step.collect) != initial:
            turn.set_slot(step.collect, initial)


def resume_interrupted(turn: Turn) -> bool:
    """If the top frame was interrupted, resume it and re-ask its open question."""
    top = turn.state.top
    if top is None or top.status != INTERRUPTED:
        return False
    resume_frame(turn)
    flow = turn.runtime.flow(top.flow_id)
    step = flow.step(top.step_id) if top.step_id else None
    if isinstance(step, CollectStep):
        ask(turn, flow, step, top.attempts)
    return True


def resume_frame(turn: Turn) -> None:
    """Resume the interrupted top frame, with the slots it had set back as they were.

    "where is order 123456?" while a cancellation of 234567 waits for its yes: tracking
    sets the shared ``order_id`` (and what its lookup found) to 123456, and without this
    the resumed question would offer to cancel 123456. A slot that was empty when the
    digression began keeps what it got (the digression's words may answer the question)."""
    top = turn.state.top
    assert top is not None
    turn.emit(events.flow_resumed(top.flow_id, turn.now()))
    for name, value in top.kept_slots:
        if value is not None and turn.state.slots.get(name) != value:
            turn.set_slot(name, value)


def cancel_active(turn: Turn, reason: str, utter: str | None = None, resume: bool = True) -> None:
    """Cancel the active flow and its callers; then resume an interrupted flow, if any
    (``resume=False``: pattern_cancel_flow runs first and resumes it when it ends)."""
    while turn.state.top is not None and turn.state.top.status != INTERRUPTED:
        close_flow(turn, turn.runtime.flow(turn.state.top.flow_id), completed=False, reason=reason)
    if utter:
        turn.say(utter)
    if resume:
        resume_interrupted(turn)


def cancel_stack(turn: Turn, reason: str) -> None:
    """Cancel every flow on the stack, top first."""
    while turn.state.top is not None:
        close_flow(turn, turn.runtime.flow(turn.state.top.flow_id), completed=False, reason=reason)
