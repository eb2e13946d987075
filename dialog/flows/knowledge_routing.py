"""A question ABOUT a task is answered from the documents; a request to DO it starts the flow.

The NLU sends "how many days do I have to send something back?" to ``return_item``
as surely as "I want to return my shoes": both speak of returns. When the bot has
documents, ``answer_instead_of_flow`` takes the turn away from the flow the NLU
triggered when all of these hold:

* the message is an information question, not a request to act
  (``question_form.asks_for_information``),
* the flow does something (asks a question or runs an action of the bot) and does
  not search the documents itself (``payment_methods: action_trigger_search``
  already answers from them),
* the message does not give what the flow asks first ("do you deliver to Canada?"
  fills ``country`` for ``shipping_info``: the flow answers that best),
* the documents answer it (relevance >= ``knowledge.threshold``),
* and ``pattern_search`` searches them (a flows.yml one that does not keeps the flows).

Then ``pattern_search`` answers, and, when no other flow was interrupted, the bot
offers the flow with one button (``utter_offer_flow``): "how do I return
something?" gets the return policy and a *Start a return* button. When the NLU
hesitates between two flows (which ``pattern_clarification`` would ask about), both
are offered. During another
flow's question the answer is a digression: that question is asked again after it.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from dialog.builtin_names import PATTERN_SEARCH, SEARCH_ACTION
from dialog.config.flow_model import ActionStep, CallStep, CollectStep, Flow, LinkStep
from dialog.config.flow_titles import flow_title
from dialog.flows.question_form import asks_for_information
from dialog.flows.search import answer_for_turn, run_search_pattern
from dialog.flows.turn import Turn
from dialog.types import Button, ParseResult

__all__ = ["OFFER_RESPONSE", "answer_instead_of_flow", "answer_instead_of_flows"]

logger = logging.getLogger(__name__)

OFFER_RESPONSE = "utter_offer_flow"


async def answer_instead_of_flow(turn: Turn, parse: ParseResult, flow_id: str, filled: Mapping[str, Any]) -> bool:
    """Answer ``parse`` from the documents instead of starting ``flow_id``; False: start the flow.

    ``filled``: the slots the message fills (from its entities)."""
    return await answer_instead_of_flows(turn, parse, [(str(parse.intent), flow_id)], filled)


async def answer_instead_of_flows(
    turn: Turn, parse: ParseResult, choices: Sequence[tuple[str, str]], filled: Mapping[str, Any]
) -> bool:
    """``answer_instead_of_flow`` for the flows the message could start, as ``(intent, flow id)``
    (two when the NLU hesitates between them): each is offered with its own button."""
    if turn.runtime.knowledge is None or not choices or not parse.text.strip() or parse.text.lstrip().startswith("/"):
        return False
    if not _searches(turn.runtime.flow(PATTERN_SEARCH)):
        return False  # the bot's own pattern_search does not answer from the documents
    flows = [turn.runtime.flow(flow_id) for _, flow_id in choices]
    if any(not _does_something(flow) or _searches(flow) or flow.first_question() in filled for flow in flows):
        return False
    if not asks_for_information(parse.text):
        return False
    answer = await answer_for_turn(turn, parse.text)
    if answer.text is None:
        return False
    logger.info("an information question for %s, answered from the documents", ", ".join(flow.id for flow in flows))
    interrupting = turn.state.top is not None
    await run_search_pattern(turn)
    if not interrupting and turn.state.top is None:
        buttons = tuple(Button(flow_title(flow), f"/{intent}") for (intent, _), flow in zip(choices, flows))
        turn.say(OFFER_RESPONSE, buttons=buttons)
    return True


def _does_something(flow: Flow) -> bool:
    """A task: it asks the user something or runs an action (not a greeting's utter_ only)."""
    for step in flow.steps:
        if isinstance(step, (CollectStep, LinkStep, CallStep)):
            return True
        if isinstance(step, ActionStep) and not step.action.startswith("utter_"):
            return True
    return False


def _searches(flow: Flow) -> bool:
    return any(isinstance(step, ActionStep) and step.action == SEARCH_ACTION for step in flow.steps)

