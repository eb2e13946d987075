"""Follow-up questions to an answer from the documents: "and the cheapest one?".

Right after the bot answered "how much is the premium membership?" from a section,
"and the cheapest one?" or "is it cheaper for students?" makes sense only with that
question: searched alone it matches nothing and the bot says it does not know. When
the documents give no answer to such a message, it is searched again together with
the question the last answer answered (``follow_up_text``).

A follow-up is short (``MAX_WORDS``), comes right after an answer from the documents,
and opens like one ("and ...", "what about ...", "how about ...") or points back
with a pronoun ("is it ...", "does that ...", ``carry_over.refers_back``). A new
question of its own ("do you have a pool?") is searched alone, as before.

The same holds inside a task (``with_the_task``): "how much does that cost?" while a
booking for a full service asks for the bike is about the full service, and "what do
you have?" while a software request asks which is about software, so such a question
is searched with the running flow's title and the values it has collected.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from dialog.config.flow_model import Flow
from dialog.config.flow_titles import flow_title
from dialog.flows.carry_over import refers_back
from dialog.flows.state import ConversationState
from dialog.questions import asks_vaguely

__all__ = ["MAX_WORDS", "follow_up_text", "with_the_task"]

MAX_WORDS = 8
_OPENS_LIKE_A_FOLLOW_UP = re.compile(r"^\s*(?:and|also|or|but|what about|how about|what if|same for|even)\b", re.IGNORECASE)


def follow_up_text(stored: Sequence[Mapping[str, Any]], text: str) -> str | None:
    """The last answered question and ``text``, to search together; None when ``text`` is no follow-up."""
    if len(text.split()) > MAX_WORDS or not (_OPENS_LIKE_A_FOLLOW_UP.match(text) or refers_back(text)):
        return None
    previous = _question_answered_last(stored)
    return None if previous is None else f"{previous} {text}"


def with_the_task(state: ConversationState, flow: Flow | None, text: str) -> str | None:
    """The running ``flow``'s title and the values it has collected, with ``text``, to
    search together; None when ``text`` neither points back nor is too vague to search
    alone ("what do you have?" while a software request asks which: at most one word
    that carries meaning)."""
    if flow is None or len(text.split()) > MAX_WORDS or not (asks_vaguely(text) or _OPENS_LIKE_A_FOLLOW_UP.match(text) or refers_back(text)):
        return None
    collected = [state.slots.get(name) for name in (state.top.slots_set if state.top else ())]
    values = [str(value) for value in collected if isinstance(value, (str, int, float)) and not isinstance(value, bool)]
    return " ".join([flow_title(flow), *values, text])


def _question_answered_last(stored: Sequence[Mapping[str, Any]]) -> str | None:
    """The user's message the bot's last messages answered from the documents, if they did."""
    answered = False
    for event in reversed(stored):
        kind = event.get("event")
        if kind == "bot":
            knowledge = (event.get("metadata") or {}).get("knowledge") or {}
            answered = answered or bool(knowledge.get("sources"))
        elif kind == "user":
            return str(event.get("text") or "") or None if answered else None
    return None
