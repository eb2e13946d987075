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
booking for a full service asks for the bike is about the full service, so it is
searched with the values the running flow has collected.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from dialog.flows.carry_over import refers_back
from dialog.flows.state import ConversationState

__all__ = ["MAX_WORDS", "follow_up_text", "with_the_task"]

MAX_WORDS = 8
_OPENS_LIKE_A_FOLLOW_UP = re.compile(r"^\s*(?:and|also|or|but|what about|how about|what if|same for|even)\b", re.IGNORECASE)


def follow_up_text(stored: Sequence[Mapping[str, Any]], text: str) -> str | None:
    """The last answered question and ``text``, to search together; None when ``text`` is no follow-up."""
    if len(text.split()) > MAX_WORDS or not (_OPENS_LIKE_A_FOLLOW_UP.match(text) or refers_back(text)):
        return None
    previous = _question_answered_last(stored)
    return None if previous is None else f"{previous} {text}"


def with_the_task(state: ConversationState, text: str) -> str | None:
    """The values the running flow has collected and ``text``, to search together; None
    when ``text`` does not point back, or the flow has collected no text or number."""
    if len(text.split()) > MAX_WORDS or not (_OPENS_LIKE_A_FOLLOW_UP.match(text) or refers_back(text)):
        return None
    frame = state.top
    if frame is None:
        return None
    values = [str(state.slots.get(name)) for name in frame.slots_set if isinstance(state.slots.get(name), (str, int, float)) and not isinstance(state.slots.get(name), bool)]
    return f"{' '.join(values)} {text}" if values else None


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
