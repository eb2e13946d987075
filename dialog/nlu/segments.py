"""Several things in one message: "hi, where is my order 345678?", "yes, and what
is your return policy?".

The classifier gives one intent per message, so the second request used to be
lost. ``split_clauses`` cuts a message at punctuation and at "and"/"also"
between clauses; ``handle_separately`` keeps the cut only when every clause
reads as its own request (a confident intent that starts a flow or is out of
scope; the first may answer the open question) and they are different requests. Then each clause is handled as a turn of
its own, in order (``dialog/bot.py``). "I want to return the shoes, they're too
small" stays one message: its second clause is an answer (``inform``), not a
request.
"""

from __future__ import annotations

import re
from typing import Callable, Sequence

from dialog.questions import looks_like_question
from dialog.types import NLU_FALLBACK, OUT_OF_SCOPE, ParseResult

__all__ = ["handle_separately", "split_clauses"]

# a clause starts with a question word, a subject or a request verb ("... and cancel 234567")
_NEXT_CLAUSE = (
    r"what|where|when|how|why|who|which|can|could|would|will|is|are|do|does|i|i'd|i'm|please|tell|show|give|help|"
    r"cancel|track|return|change|check|reset|update|send|book|find|get|let|make"
)
_CUT = re.compile(
    rf"(?:[,;.!?]+\s+(?:(?:and|also|then|but)\s+)?|\s+(?:and also|and then|and|also)\s+(?=(?:{_NEXT_CLAUSE})\b))",
    re.IGNORECASE,
)
_ANSWER_INTENT = "inform"
MAX_CLAUSES = 3  # more is a long story, not a list of requests


def split_clauses(text: str) -> list[str]:
    """The clauses of ``text`` (one when there is no cut); empty pieces are dropped."""
    if text.lstrip().startswith("/"):
        return [text]  # a button payload
    clauses = [clause.strip() for clause in _CUT.split(text)]
    return [clause for clause in clauses if re.search(r"\w", clause)]


def handle_separately(
    parts: Sequence[ParseResult],
    threshold: float,
    new_flow: Callable[[str], bool],
    answers_question: Callable[[ParseResult], bool],
) -> bool:
    """Whether each clause is a request of its own: a confident intent that starts a
    flow that is not already running (or is out of scope), except that the first
    clause may answer the open question ("yes, and ..."), and then a later clause may be
    any question ("yes, and how can I pay?": the documents or the fallback answer it).
    "ok, where is my order?", "yes, cancel it" (at "cancel it?") and "I'm waiting on a
    refund, what's happening with it?" stay one message."""
    if not 2 <= len(parts) <= MAX_CLAUSES:
        return False
    answered = answers_question(parts[0])
    for index, part in enumerate(parts):
        intent = part.intent
        if index > 0 and answered and looks_like_question(part.text) and intent != _ANSWER_INTENT:
            continue
        if intent in (None, NLU_FALLBACK, _ANSWER_INTENT) or part.confidence < threshold:
            return False
        if not (new_flow(intent) or intent == OUT_OF_SCOPE or (index == 0 and answers_question(part))):
            return False
    return len({part.intent for part in parts}) == len(parts)
