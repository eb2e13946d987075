"""A question about what the bot has just said: "when is it due?" right after "Your bill
of $45.00 is due on 15 December."

Nothing else answers it: the NLU reads no intent, the documents know nothing of this
customer's bill, and a small model would guess a date. But the answer is in the bot's
own last messages. A short question that points back ("it", "that") and whose words
(besides question words, pronouns and the like) all stand in one sentence of the
bot's messages since the user's last message gets that sentence again
(``utter_said_before``). Only the bot's statements count, never its own questions, and
only one sentence may hold the words: with two, the bot does not know which is meant.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from dialog.flows.carry_over import refers_back
from dialog.questions import looks_like_question

__all__ = ["MAX_WORDS", "SAID_BEFORE_RESPONSE", "sentence_said_before"]

SAID_BEFORE_RESPONSE = "utter_said_before"
MAX_WORDS = 10

_WORD = re.compile(r"[a-z0-9']+")
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_FUNCTION_WORDS = frozenset(
    [
        "a", "an", "the", "and", "or", "but", "so", "of", "to", "in", "on", "at", "by", "for", "with", "from",
        "about", "as", "is", "are", "was", "were", "be", "been", "am", "do", "does", "did", "will", "would",
        "can", "could", "should", "shall", "may", "might", "must", "have", "has", "had", "it", "its", "it's",
        "this", "that", "these", "those", "they", "them", "their", "there", "here", "what", "when", "where",
        "which", "who", "whom", "whose", "why", "how", "much", "many", "again", "please", "i", "me", "my", "you",
        "your", "we", "our", "us", "one", "ones",
    ]
)


def sentence_said_before(newest_first: Iterable[Mapping[str, Any]], text: str) -> str | None:
    """The one sentence of the bot's latest messages that ``text`` asks about again, if any."""
    if len(text.split()) > MAX_WORDS or not looks_like_question(text) or not refers_back(text):
        return None
    wanted = {_stem(word) for word in _WORD.findall(text.lower()) if word not in _FUNCTION_WORDS}
    if not wanted:
        return None
    holding = [sentence for sentence in _bot_statements(newest_first) if wanted <= {_stem(word) for word in _WORD.findall(sentence.lower())}]
    return holding[0] if len(holding) == 1 else None


def _bot_statements(newest_first: Iterable[Mapping[str, Any]]) -> list[str]:
    """The sentences of the bot's messages since the user's last message but one, questions left out."""
    statements: list[str] = []
    users = 0
    for event in newest_first:
        if event.get("event") == "user":
            users += 1
            if users > 1:
                break
        elif event.get("event") == "bot" and isinstance(event.get("text"), str):
            statements.extend(s.strip() for s in _SENTENCE.split(str(event["text"])) if s.strip() and not s.strip().endswith("?"))
    return statements


def _stem(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") else word
