"""Several things in one message: "hi, where is my order 345678?", "yes, and what
is your return policy?".

The classifier gives one intent per message, so the second request used to be
lost. ``split_clauses`` cuts a message at punctuation and at "and"/"also"
between clauses; ``handle_separately`` keeps the cut only when every clause
reads as its own request (a confident intent that starts a flow, or an out-of-scope
question; the first may answer the open question) and they are different requests. Then each clause is handled as a turn of
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


# what is left before "also" in "can I also change ...", "could you also track ...", "we also
# need ...": the start of the clause that goes on after it, not a clause of its own
_CLAUSE_START_ONLY = re.compile(
    r"(?:(?:and|so|ok|okay|please)\s+)*(?:(?:can|could|would|will|do|did|should|may|might)\s+)?(?:i|you|u|we|they)",
    re.IGNORECASE,
)


def split_clauses(text: str) -> list[str]:
    """The clauses of ``text`` (one when there is no cut); empty pieces are dropped.

    A cut that leaves only the start of a clause ("can I" of "can I also change the
    delivery day?") is undone: the words on both sides are one clause."""
    if text.lstrip().startswith("/"):
        return [text]  # a button payload
    spans: list[tuple[int, int]] = []
    start = 0
    for cut in _CUT.finditer(text):
        spans.append((start, cut.start()))
        start = cut.end()
    spans.append((start, len(text)))
    merged: list[tuple[int, int]] = []
    for span in spans:
        if merged and _CLAUSE_START_ONLY.fullmatch(text[merged[-1][0] : merged[-1][1]].strip()):
            merged[-1] = (merged[-1][0], span[1])
        else:
            merged.append(span)
    clauses = [text[begin:end].strip() for begin, end in merged]
    return [clause for clause in clauses if re.search(r"\w", clause)]


def handle_separately(
    parts: Sequence[ParseResult],
    threshold: float,
    new_flow: Callable[[str], bool],
    answers_question: Callable[[ParseResult], bool],
    running_flow: Callable[[str], bool] = lambda intent: False,
) -> bool:
    """Whether each clause is a request of its own: a confident intent that starts a
    flow that is not already running (or an out-of-scope question), except that the first
    clause may answer the open question ("yes, and ..."), and then a later clause may be
    any question after a bare yes ("yes, and how can I pay?": the documents or the
    fallback answer it) except one about a flow already running (``running_flow``), and
    a confident request after an answer with content ("123456, and how long do returns
    take?"; not "123456, where is it?").
    "ok, where is my order?", "yes, cancel it" (at "cancel it?") and "I'm waiting on a
    refund, what's happening with it?" stay one message."""
    if not 2 <= len(parts) <= MAX_CLAUSES:
        return False
    answered = answers_question(parts[0])
    # after a bare "yes" any question is a request; after an answer with content ("123456")
    # only a confident request is: "123456, where is it?" asks about the answer
    any_question = answered and parts[0].intent != _ANSWER_INTENT
    for index, part in enumerate(parts):
        intent = part.intent
        if index == 0 and answered and intent not in (None, NLU_FALLBACK) and part.confidence >= threshold:
            continue  # "123456, and how long do returns take?": a sure answer (not "quick question" as free text)
        if index > 0 and any_question and looks_like_question(part.text) and intent != _ANSWER_INTENT:
            if intent is not None and running_flow(intent):
                return False  # "123456, where is it?": a follow-up about what the answer was for
            continue
        if intent in (None, NLU_FALLBACK, _ANSWER_INTENT) or part.confidence < threshold:
            return False
        if not (new_flow(intent) or (intent == OUT_OF_SCOPE and looks_like_question(part.text))):
            return False  # an out-of-scope statement ("I won't be home tomorrow, can it come later?") is context
    return len({part.intent for part in parts}) == len(parts)
