"""Custom validation of a collected value, Rasa's way: ``validate_<slot>`` or ``validate_<form>``.

Rejections check a value's shape; checking it against data (does this order exist?
is the restaurant open on that day?) needs code. When a collect step's slot got a
value in this turn and its rejections pass, the engine runs the first of these
actions that the domain lists and that can run here:

- ``validate_<slot>``: a custom slot validation action, as in Rasa Pro;
- ``validate_<form>`` for the collect steps of a Rasa form (the flow ``form_<form>``):
  what rasa_sdk's ``FormValidationAction`` implements. Like Rasa, it is sent this
  turn's slot events (its ``slots_to_validate``), ``requested_slot`` and the form as
  ``active_loop``.

The action answers with slot updates. A collected slot it sets to null is rejected:
what the action said is shown and the question is asked again, as a failed attempt.
Other updates are kept, so an action may also normalise the value.

"Can run here" (``ActionRunner.runnable``): on the action server when endpoints.yml
names one, or a function found in the bot's Python module. A Rasa project copied without its action server
still runs, without the validation; ``dialog validate`` warns about that.
"""

from __future__ import annotations

from dataclasses import dataclass

from dialog.actions import ActionContext
from dialog.config.flow_model import CollectStep, Flow
from dialog.config.rasa.forms import FORM_FLOW_PREFIX
from dialog.flows.action_server import REQUESTED_SLOT
from dialog.flows.turn import Turn

__all__ = ["ValidationCall", "validation_call"]


@dataclass(frozen=True)
class ValidationCall:
    """The validation action to run for a just-collected value, and what it is sent."""

    action: str
    context: ActionContext


def validation_call(turn: Turn, flow: Flow, step: CollectStep) -> ValidationCall | None:
    """The validation to run now, or None: no such action, or the slot was not set this turn."""
    if not any(event["event"] == "slot" and event["name"] == step.collect for event in turn.events):
        return None
    form = flow.id.removeprefix(FORM_FLOW_PREFIX) if flow.id.startswith(FORM_FLOW_PREFIX) else None
    candidates = [f"validate_{step.collect}"] + ([f"validate_{form}"] if form else [])
    action = next((name for name in candidates if turn.runtime.actions.runnable(name)), None)
    if action is None:
        return None
    slot_events = tuple({"event": "slot", "name": event["name"], "value": event["value"]} for event in turn.events if event["event"] == "slot")
    context = ActionContext(
        turn.sender_id,
        {**turn.state.slots, REQUESTED_SLOT: step.collect},
        dict(turn.state.latest_message),
        turn.metadata,
        turn.input_channel,
        events=slot_events,
        active_loop=form,
    )
    return ValidationCall(action, context)
