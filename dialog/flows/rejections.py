"""A collect step's ``rejections``: which one refuses a value, and what refusing does.

A rejection is checked before the value is set, over the slots as they would be
with this turn's values, so a refused value never lands in the tracker
(``refusing_rejection``). Refusing says the rejection's message and counts a
failed attempt: the question is asked again, or the flow gives up at
``max_attempts`` (``reject``).
"""

from __future__ import annotations

from typing import Any, Mapping

from dialog.config.flow_model import CollectStep, Rejection
from dialog.flows.steps import failed_attempt
from dialog.flows.turn import Turn, evaluate

__all__ = ["refusing_rejection", "reject"]


def refusing_rejection(turn: Turn, filled: Mapping[str, Any]) -> Rejection | None:
    """The first of the open collect's rejections that refuses the slots this turn fills."""
    top = turn.state.top
    if top is None or top.step_id is None:
        return None
    flow = turn.runtime.flow(top.flow_id)
    step = flow.step(top.step_id)
    if not isinstance(step, CollectStep):
        return None
    variables = turn.variables(flow.id, step.id)
    variables["slots"] = {**variables["slots"], **filled}
    where = f"{flow.path or 'flows.yml'}: flow '{flow.id}' step '{step.id}' rejection"
    return next((rejection for rejection in step.rejections if evaluate(rejection.condition, variables, where)), None)


def reject(turn: Turn, rejection: Rejection) -> None:
    """The rejection's message, then a failed attempt (re-ask, or give up)."""
    top = turn.state.top
    assert top is not None and top.step_id is not None
    flow = turn.runtime.flow(top.flow_id)
    step = flow.step(top.step_id)
    assert isinstance(step, CollectStep)
    if rejection.utter:
        turn.say(rejection.utter)
    failed_attempt(turn, flow, step, top.attempts + 1)
