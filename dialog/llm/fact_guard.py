"""Keeps the fallback's free-form reply from stating business facts the bot does not have.

A small model knows something of the world and nothing of the shop, yet it will say
"Returns are free within 30 days." as readily as "A spider has eight legs." The
guard drops a sentence of the reply that states a fact of the business the bot's
data does not back:

- a price, percentage, e-mail address, URL or phone number that none of the bot's
  data, the conversation or the user's message contains, whatever the sentence is about;
- a number (digits or words), weekday, month or proper name that none of them
  contains, in a sentence that speaks of the business (a word like order, refund,
  price or policy, the business's name, "we"/"our"), or in any sentence when the
  user's message asks about the business.

The bot's data: its responses, flow descriptions, persona and prompt, and the text of
its knowledge documents (passed in by the bot, which may read them). General knowledge ("The capital of France is Paris.") passes.
Business detection and fact extraction are the knowledge answers' own
(``dialog.llm.facts``), so both paths judge the same words the same way.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from dialog.llm.facts import BUSINESS_WORDS, business_names, facts, speaks_of_business

__all__ = ["FactGuard", "TurnGuard"]

logger = logging.getLogger(__name__)

_ALWAYS = re.compile(
    r"[$€£¥]\s?\d[\d,.]*|\b\d[\d,.]*\s?(?:dollars?|euros?|pounds?|usd|eur|gbp|%|percent)\b|\d%"
    r"|\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\bhttps?://\S+|\bwww\.\S+|\b\d{3}[\s.-]?\d{3,4}[\s.-]?\d{3,4}\b",
    re.IGNORECASE,
)
_WORDS_OF_FACT = re.compile(
    r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|twenty|thirty|forty|fifty|sixty|"
    r"seventy|eighty|ninety|hundred|thousand|monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|april|"
    r"june|july|august|september|october|november|december)\b",
    re.IGNORECASE,
)
_WE = re.compile(r"\b(?:we|our|ours|us)\b", re.IGNORECASE)
# A word that may be (the start of) a fact: digits, a currency sign, an e-mail or URL, a capitalised name.
_FACT_START = re.compile(r"[$€£¥]|\d|www\.|https?:|[A-Z]|.*@")
_DIGIT_OR_SIGN = re.compile(r"[$€£¥\d]")
_COMMON_CAPITALS = frozenset({"I", "I'm", "I'll", "I've", "I'd", "OK", "Yes", "No", "Sorry"})


def _normal(text: str) -> str:
    return re.sub(r"(?<=\d),(?=\d{3}\b)", "", " ".join(text.split())).lower()


def _contains(haystack: str, fact: str) -> bool:
    """``fact`` as whole words of ``haystack`` ("5" is not backed by "#123456")."""
    needle = _normal(fact).strip(" .,;:")
    return bool(needle) and re.search(rf"(?<![\w]){re.escape(needle)}(?![\w])", haystack) is not None


@dataclass(frozen=True)
class TurnGuard:
    """The guard for one reply: what the bot's data and this conversation back."""

    known: str  # normalised
    names: frozenset[str]
    business_question: bool

    def unbacked(self, sentence: str) -> list[str]:
        """The facts of ``sentence`` nothing backs ([] when it may be said)."""
        missing = [m.group(0) for m in _ALWAYS.finditer(sentence) if not _contains(self.known, m.group(0))]
        if self.business_question or speaks_of_business(sentence, self.names) or _WE.search(sentence):
            found = [*facts(sentence), *(m.group(0) for m in _WORDS_OF_FACT.finditer(sentence))]
            names = {name.lower() for name in self.names}
            missing.extend(f for f in found if f.lower() not in names and not _contains(self.known, f))
        return missing

    def keep(self, sentence: str) -> bool:
        missing = self.unbacked(sentence)
        if missing:
            logger.info("LLM reply sentence dropped: it states %s, which the bot's data does not say", ", ".join(missing))
        return not missing

    def holds(self, word: str, first: bool = False) -> bool:
        """While streaming: may this word (``first`` of its sentence?) make its sentence one to drop?
        Then it, and what follows, wait for the sentence's end."""
        if self.business_question:
            return True
        bare = word.strip(".,;:!?\"'()")
        lowered = bare.lower().removesuffix("'s")
        if lowered in BUSINESS_WORDS or lowered in self.names or _WE.fullmatch(lowered):
            return True
        candidate = bool(_FACT_START.match(bare) or _WORDS_OF_FACT.fullmatch(bare))
        if bare[:1].isupper() and not _DIGIT_OR_SIGN.match(bare) and (first or bare in _COMMON_CAPITALS):
            candidate = bool(_WORDS_OF_FACT.fullmatch(bare))
        return candidate and not _contains(self.known, bare)


class FactGuard:
    """One per bot: the text of everything the bot may state as fact."""

    def __init__(self, known: str, names: Iterable[str] = ()) -> None:
        self.known = _normal(known)
        self.names = frozenset(n.lower() for n in names)

    @classmethod
    def from_config(cls, config: Any, extra: Sequence[str] = ()) -> FactGuard:
        """Responses, flow descriptions and persona of a ``BotConfig``; ``extra``: more text
        the bot may state (its prompt, its knowledge documents)."""
        texts: list[str] = [config.domain.assistant_name, config.domain.persona, *extra]
        for variants in (config.domain.responses or {}).values():
            texts.extend(str(getattr(variant, "text", "") or "") for variant in variants)
        texts.extend(str(getattr(flow, "description", "") or "") for flow in (config.flows or {}).values())
        return cls("\n".join(texts), business_names(config.domain.assistant_name, config.domain.persona))

    def for_turn(self, history: Sequence[Mapping[str, Any]], user_text: str) -> TurnGuard:
        """This reply's guard: the conversation's messages and slot values count as known too."""
        said = [user_text]
        for event in history:
            if event.get("event") in ("user", "bot") and isinstance(event.get("text"), str):
                said.append(event["text"])
            elif event.get("event") == "slot" and event.get("value") is not None:
                said.append(str(event["value"]))
        known = f"{self.known}\n{_normal(' '.join(said))}"
        return TurnGuard(known, self.names, speaks_of_business(user_text, self.names))

