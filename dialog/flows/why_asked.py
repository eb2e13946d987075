"""Questions about the open question itself: "why do you need my email?", "what's that for?".

At an open question such a message is neither an answer nor a request. The NLU reads it
as whatever intent shares its words ("why do you need my order number?" was `skip`, and
got where to find one; "why do you need that?" was `ask_capabilities`, and got the list
of everything the bot can do), and the LLM does not know why a flow needs a value. The
bot does: the question belongs to the flow that asks it. So the repair rules send it to
``pattern_chitchat``, whose reply is ``utter_why_asked`` ("I need it to go on with your
request: Cancel an order."), and the question is asked again when the pattern ends. It
is not a failed attempt, and nothing is invented about what the value is used for.
"""

from __future__ import annotations

import re
from typing import Any

from dialog.config.flow_model import CollectStep, Flow
from dialog.config.flow_titles import flow_title

__all__ = ["WHY_RESPONSE", "asks_why_it_is_asked", "why_context"]

WHY_RESPONSE = "utter_why_asked"

_YOU = r"(?:you|u|ya|the bot|this bot|it|that|this)"
_NEED = r"(?:need|want|require|ask|asking|asked|collect|necessary|needed|required|important|relevant|matter|matters)"
_WHY = re.compile(
    r"^\s*(?:(?:and|but|ok|okay|hmm|um|erm)[\s,]+)*(?:why|what for|how come)\s*\??\s*$"  # "why?", "what for?"
    rf"|\bwhy\s+(?:do|does|would|did|are|is|'?s)\s+{_YOU}\s+(?:\w+\s+)?{_NEED}\b"  # "why do you need that", "why is that needed"
    rf"|\bhow\s+come\s+{_YOU}\s+(?:\w+\s+)?{_NEED}\b"
    r"|\bwhy\s+(?:should|must|do|would)\s+i\s+(?:have\s+to\s+|need\s+to\s+)?(?:give|tell|share|provide|send|type|enter)\b"
    r"|\bwhat\s+(?:do|would|will)\s+(?:you|u)\s+(?:need|want|use)\s+(?:it|that|this|them|my\s+\w+(?:\s+\w+)?|the\s+\w+(?:\s+\w+)?)\s+for\b"
    r"|\bwhat(?:'s|’s|s|\s+is)\s+(?:it|that|this)\s+(?:needed\s+|required\s+)?for\b",
    re.IGNORECASE,
)


def asks_why_it_is_asked(text: str) -> bool:
    """Whether ``text`` asks why the bot wants what it asked for."""
    return bool(_WHY.search(text))


def why_context(flow: Flow, step: CollectStep | None) -> dict[str, Any]:
    """What ``utter_why_asked`` renders: ``context.request`` (the flow's title: its name, else
    its description said to the user), ``context.slot`` and ``context.slot_description``."""
    return {
        "request": flow_title(flow),
        "slot": step.collect if step is not None else None,
        "slot_description": step.description if step is not None else "",
    }
