"""Run the steps of the active flow until a ``collect`` asks or the stack is empty.

``run_flows`` walks step ids (``Flow.steps`` is flat; every ``next`` is a list
of ``Branch``es). Each step type has one small runner that returns the id of the
step to run next, ``END``, or ``PAUSE`` when the turn is over (a question was
asked, or the flows were cancelled). When a flow reaches ``END`` it completes;
the flow below it then either resumes its open question (it was interrupted by
a digression) or continues after its ``call`` step.
"""

from __future__ import annotations

import logging
from typing import Any

from dialog import events
from dialog.actions import ActionContext
from dialog.builtin_names import BUILTIN_ACTIONS, SEARCH_ACTION
from dialog.config.flow_model import END, ActionStep, CallStep, CollectStep, Flow, LinkStep, NoopStep, SetSlotsStep, Step
from dialog.config.rasa.dialogue import RASA_DEFAULT_ACTIONS
from dialog.errors import ActionError, FlowError
from dialog.flows.pattern_actions import PATTERN_ACTIONS, run_pattern_action
from dialog.flows.patterns import COMPLETED, CONTINUE_INTERRUPTED, is_pattern
from dialog.flows.search import trigger_search
from dialog.flows.slot_filling import INVALID, coerce
from dialog.flows.slot_validation import validation_call
from dialog.flows.stack import ask, cancel_stack, close_flow, resume_frame, resume_interrupted
from dialog.flows.state import CALLING, INTERRUPTED
from dialog.flows.turn import Turn, evaluate

__all__ = ["MAX_STEPS_PER_TURN", "PAUSE", "first_step_id", "next_target", "run_flows", "run_pending_asks", "start_flow"]

logger = logging.getLogger(__name__)

PAUSE = "<pause>"
MAX_STEPS_PER_TURN = 500


def first_step_id(flow: Flow) -> str:
    return flow.steps[0].id if flow.steps else END


def _where(flow: Flow, step: Step) -> str:
    line = f":{step.line}" if step.line else ""
    return f"{flow.path or 'flows.yml'}{line}: flow '{flow.id}' step '{step.id}'"


def next_target(turn: Turn, flow: Flow, step: Step) -> str:
    """The first branch of ``step.next`` whose condition holds; the next listed step without one."""
    for branch in step.next:
        if branch.condition is None or evaluate(branch.condition, turn.variables(flow.id, step.id), _where(flow, step)):
            return branch.target
    if step.next:
        raise FlowError(f"{_where(flow, step)}: no branch of `next` matched and there is no `else`")
    index = flow.steps.index(step)
    return flow.steps[index + 1].id if index + 1 < len(flow.steps) else END


def start_flow(turn: Turn, flow_id: str, called_from: str | None = None) -> str:
    """Push a flow; returns the id of its first step."""
    flow = turn.runtime.flow(flow_id)
    turn.emit(events.flow_started(flow_id, turn.now(), called_from))
    return first_step_id(flow)


async def run_flows(turn: Turn, cursor: str, answering: bool = False) -> None:
    """Run the top flow from step ``cursor``; ``answering``: the user just answered that collect."""
    for _ in range(MAX_STEPS_PER_TURN):
        top = turn.state.top
        if top is None or cursor == PAUSE:
            return
        flow = turn.runtime.flow(top.flow_id)
        if cursor == END:
            cursor = _finish(turn, flow)
            continue
        try:
            step = flow.step(cursor)
        except KeyError:
            raise FlowError(f"flow '{flow.id}' has no step '{cursor}'") from None
        cursor = await _run_step(turn, flow, step, answering)
        answering = False
    raise FlowError(f"more than {MAX_STEPS_PER_TURN} steps in one turn; does a `next` loop without a collect?")


def _finish(turn: Turn, flow: Flow) -> str:
    """Complete the top flow; where to go on in the flow below, or PAUSE."""
    close_flow(turn, flow, completed=True)
    parent = turn.state.top
    if parent is not None and parent.status == INTERRUPTED and _answered_meanwhile(turn):
        resume_frame(turn)
        return parent.step_id or END  # its collect finds the slot filled: checked, then on
    opt_in = turn.runtime.config.flows  # these two patterns run only when flows.yml defines them
    if not is_pattern(flow.id):
        if parent is None and COMPLETED in opt_in:
            return start_flow(turn, COMPLETED)
        if parent is not None and parent.status == INTERRUPTED and CONTINUE_INTERRUPTED in opt_in:
            return start_flow(turn, CONTINUE_INTERRUPTED)
    if parent is None or resume_interrupted(turn):
        return PAUSE
    if parent.status != CALLING or parent.step_id is None:
        return PAUSE
    turn.emit(events.flow_resumed(parent.flow_id, turn.now()))
    parent_flow = turn.runtime.flow(parent.flow_id)
    return next_target(turn, parent_flow, parent_flow.step(parent.step_id))


def _answered_meanwhile(turn: Turn) -> bool:
    """Whether the message that started the digression also filled the interrupted flow's
    open question ("how can I pay? it's order 234567"): then it goes on instead of re-asking."""
    top = turn.state.top
    flow = turn.runtime.flow(top.flow_id) if top is not None else None
    step = flow.step(top.step_id) if top is not None and flow is not None and top.step_id else None
    if not isinstance(step, CollectStep) or step.ask_before_filling or turn.state.slots.get(step.collect) is None:
        return False
    return any(event["event"] == "slot" and event["name"] == step.collect for event in turn.events)


async def _run_step(turn: Turn, flow: Flow, step: Step, answering: bool) -> str:
    if isinstance(step, CollectStep):
        return await _collect(turn, flow, step, answering)
    if isinstance(step, ActionStep):
        return await _action(turn, flow, step)
    if isinstance(step, SetSlotsStep):
        _set_slots(turn, flow, step)
        return next_target(turn, flow, step)
    if isinstance(step, LinkStep):
        close_flow(turn, flow, completed=True)
        return start_flow(turn, step.link)
    if isinstance(step, CallStep):
        return start_flow(turn, step.call, called_from=step.id)
    if isinstance(step, NoopStep):
        return next_target(turn, flow, step)
    raise FlowError(f"{_where(flow, step)}: unknown step type {type(step).__name__}")


async def _collect(turn: Turn, flow: Flow, step: CollectStep, answering: bool) -> str:
    value = turn.state.slots.get(step.collect)
    if value is None or (step.ask_before_filling and not answering):
        ask(turn, flow, step)
        return PAUSE
    variables = turn.variables(flow.id, step.id)
    for rejection in step.rejections:
        if evaluate(rejection.condition, variables, _where(flow, step) + " rejection"):
            if rejection.utter:
                turn.say(rejection.utter)
            turn.set_slot(step.collect, None)
            return failed_attempt(turn, flow, step, _attempt_number(turn, step))
    validation = validation_call(turn, flow, step)
    if validation is not None:
        turn.emit(events.action(validation.action, turn.now(), flow.id, step.id))
        if not await run_custom_action(turn, validation.action, validation.context):
            return PAUSE
        if turn.state.slots.get(step.collect) is None:  # the action rejected the value
            return failed_attempt(turn, flow, step, _attempt_number(turn, step))
    return next_target(turn, flow, step)


def _attempt_number(turn: Turn, step: CollectStep) -> int:
    """Which failed attempt at this question a rejection makes."""
    top = turn.state.top
    return (top.attempts if top is not None and top.step_id == step.id else 0) + 1


def failed_attempt(turn: Turn, flow: Flow, step: CollectStep, attempts: int) -> str:
    """Re-ask, or give up (``utter_give_up``, whole stack cancelled) after ``max_attempts``."""
    if step.max_attempts is not None and attempts >= step.max_attempts:
        turn.say("utter_give_up")
        cancel_stack(turn, reason="max_attempts")
    else:
        ask(turn, flow, step, attempts)
    return PAUSE


def _set_slots(turn: Turn, flow: Flow, step: SetSlotsStep) -> None:
    domain_slots = turn.runtime.config.domain.slots
    for name, value in step.slots.items():
        if name not in domain_slots:
            raise FlowError(f"{_where(flow, step)}: set_slots names unknown slot '{name}'")
        coerced = coerce(domain_slots[name], value)
        turn.set_slot(name, value if coerced is INVALID else coerced)


async def _action(turn: Turn, flow: Flow, step: ActionStep) -> str:
    name = step.action
    runtime = turn.runtime
    if name == SEARCH_ACTION:
        turn.emit(events.action(name, turn.now(), flow.id, step.id))
        await trigger_search(turn, flow.id)
        return next_target(turn, flow, step)
    if name in PATTERN_ACTIONS:
        turn.emit(events.action(name, turn.now(), flow.id, step.id))
        await run_pattern_action(turn, flow, name)
        return next_target(turn, flow, step)
    if name in BUILTIN_ACTIONS and not _overridden_builtin(turn, name):
        return _builtin(turn, flow, step)
    if name in runtime.config.domain.responses or (name.startswith("utter_") and runtime.renderer.has(name)):
        turn.emit(events.action(name, turn.now(), flow.id, step.id))
        turn.say(name)
        return next_target(turn, flow, step)
    if name not in runtime.actions:
        raise FlowError(f"{_where(flow, step)}: '{name}' is neither a response nor an action in domain.yml")
    turn.emit(events.action(name, turn.now(), flow.id, step.id))
    if not await run_custom_action(turn, name):
        return PAUSE
    return next_target(turn, flow, step)


async def run_custom_action(turn: Turn, name: str, context: ActionContext | None = None, depth: int = 0) -> bool:
    """Run a domain action and emit its slots and messages; False if the flow must not go on:
    it failed, or it restarted or ended the conversation's flows (stack cancelled)."""
    runtime = turn.runtime
    if context is None:
        context = ActionContext(turn.sender_id, dict(turn.state.slots), dict(turn.state.latest_message), turn.metadata, turn.input_channel)
    try:
        result = await runtime.actions.run(name, context)
        updates = _checked_slots(turn, name, result.slots)
        unknown = [response for response in result.responses if not runtime.renderer.has(response)]
        if unknown:
            raise ActionError(f"action '{name}' asked for unknown response(s) {', '.join(unknown)}")
    except ActionError as exc:
        logger.error("%s", exc)
        # ActionRunner logged the traceback; the user hears an apology and the
        # conversation stays consistent: none of the action's slot updates land.
        turn.say("utter_internal_error")
        cancel_stack(turn, reason="action_failed")
        return False
    if result.reset_slots:
        _reset_slots(turn)
    for slot_name, value in updates.items():
        turn.set_slot(slot_name, value)
    for response in result.responses:
        turn.say(response)
    for text in result.texts:
        turn.say_text(text)
    for message in result.messages:
        turn.emit(events.bot(message.text, turn.now(), None, message.buttons, message.image, message.custom))
    if result.restart:
        restart(turn)
        return False
    if result.deactivate_loop:
        cancel_stack(turn, reason="deactivated")
        return False
    if result.followup:
        return await _followup(turn, name, result.followup, depth)
    return True


_MAX_FOLLOWUPS = 5  # an action whose followup asks for itself stops here


async def _followup(turn: Turn, after: str, name: str, depth: int) -> bool:
    """Run the action or response an action asked for next (Rasa SDK's FollowupAction)."""
    runtime = turn.runtime
    if depth >= _MAX_FOLLOWUPS:
        logger.error("action '%s': more than %d followup actions in a row; the rest are not run", after, _MAX_FOLLOWUPS)
        return True
    turn.emit(events.action(name, turn.now()))
    if name in runtime.config.domain.responses or (name.startswith("utter_") and runtime.renderer.has(name)):
        turn.say(name)
        return True
    if name in runtime.actions:
        return await run_custom_action(turn, name, depth=depth + 1)
    logger.warning("action '%s': its followup '%s' is neither a response nor an action of the domain; it is not run", after, name)
    return True


def _reset_slots(turn: Turn) -> None:
    """Every slot back to its initial value, as Rasa's ``AllSlotsReset`` does."""
    for name, slot in turn.runtime.config.domain.slots.items():
        if turn.state.slots.get(name) != slot.initial_value:
            turn.set_slot(name, slot.initial_value)


async def run_pending_asks(turn: Turn) -> None:
    """Run the custom actions that ask a collect step's question (see ``stack.ask``)."""
    while turn.pending_asks:
        await run_custom_action(turn, turn.pending_asks.pop(0))


def _checked_slots(turn: Turn, action: str, slots: dict[str, Any] | Any) -> dict[str, Any]:
    domain_slots = turn.runtime.config.domain.slots
    unknown = sorted(set(slots) - set(domain_slots))
    if unknown:
        raise ActionError(f"action '{action}' set unknown slot(s) {', '.join(unknown)}")
    updates = {}
    for name, value in slots.items():
        coerced = coerce(domain_slots[name], value)
        updates[name] = value if coerced is INVALID else coerced
    return updates


def _overridden_builtin(turn: Turn, name: str) -> bool:
    """A built-in name the domain lists as its own action (Rasa's helpdesk-assistant has a
    custom ``action_handoff``): the project's action runs. Rasa's default actions are
    never overridden here (``dialog validate`` warns about those)."""
    return name in turn.runtime.actions and name not in RASA_DEFAULT_ACTIONS


def _builtin(turn: Turn, flow: Flow, step: ActionStep) -> str:
    name = step.action
    turn.emit(events.action(name, turn.now(), flow.id, step.id))
    if name in ("handoff", "action_handoff"):
        handoff(turn, flow)
        return PAUSE
    if name in ("restart", "action_restart"):
        restart(turn)
        return PAUSE
    if name == "action_deactivate_loop":
        cancel_stack(turn, reason="deactivated")
        return PAUSE
    return next_target(turn, flow, step)


def handoff(turn: Turn, flow: Flow) -> None:
    """Hand over to a human: ``utter_handoff``, the ``handoff`` event, and no more bot steps.

    The flow that hands off completes here (steps after ``handoff`` do not run);
    flows it interrupted or that called it are cancelled, so nothing resumes and
    re-asks behind the human's back, and ``/restart`` or ``resume`` starts clean.
    """
    turn.say("utter_handoff")
    turn.emit(events.handoff(turn.now()))
    close_flow(turn, flow, completed=True)
    cancel_stack(turn, reason="handoff")


def restart(turn: Turn) -> None:
    """Forget everything: ``restart``, a new session, ``utter_restart``."""
    turn.emit(events.restart(turn.now()))
    turn.emit(events.session_started(turn.now()))
    turn.say("utter_restart")
