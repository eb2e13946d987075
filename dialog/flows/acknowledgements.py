"""Short messages that answer nothing and ask for nothing: "ok", "no thanks", "hang on".

With no question open and no flow of the bot handling them, the LLM would guess at
them ("ok" after "it has already shipped" got "I'm sorry for the trouble... How can
I track your order?"), and without one the bot said it did not understand. They get
a short, fixed acknowledgement instead:

* a confident yes or no of at most ``ACKNOWLEDGEMENT_WORDS`` words:
  ``utter_acknowledge_yes`` / ``utter_acknowledge_no``;
* a confident hesitation ("hold on", "let me check"): ``utter_take_your_time``.

While a question is open (``hesitation_reply``), a hesitation that asks for time ("hang
on, let me check my email") gets ``utter_take_your_time`` and the question stays open,
unasked: asking "What is your order number?" again right away rushes the user. One that
doubts ("hmm", "not sure") gets the question again. Neither counts as a failed attempt.
"""

from __future__ import annotations

import re

from dialog.builtin_names import AFFIRM_INTENT, HESITATION_INTENT
from dialog.config.models import BotConfig
from dialog.flows.collect_classifier import is_bare_yes_or_no
from dialog.flows.repair import flow_for
from dialog.types import ParseResult

__all__ = ["ACKNOWLEDGEMENT_WORDS", "acknowledgement", "hesitation_reply"]

ACKNOWLEDGEMENT_WORDS = 4  # "ok", "no thanks", "yes that's fine": longer messages say more
_ASKS_FOR_TIME = re.compile(
    r"\b(?:hang|hold)\s+on\b|\bwait\s+(?:a|one)\b|\bone\s+(?:sec|second|moment|min|minute)\b|\bgive\s+me\s+(?:a|one)\b"
    r"|\blet\s+me\s+(?:check|look|find|see|get|grab|dig)\b|\bbrb\b|\bjust\s+a\s+(?:sec|second|moment|min|minute)\b",
    re.IGNORECASE,
)


def acknowledgement(config: BotConfig, parse: ParseResult) -> str | None:
    """The response that acknowledges ``parse``, or None when it needs more than that."""
    threshold = config.settings.trigger_threshold
    if flow_for(config, parse.intent):
        return None
    if is_bare_yes_or_no(parse, threshold, ACKNOWLEDGEMENT_WORDS):
        return "utter_acknowledge_yes" if parse.intent == AFFIRM_INTENT else "utter_acknowledge_no"
    if parse.intent == HESITATION_INTENT and parse.confidence >= threshold:
        return "utter_take_your_time"
    return None


def hesitation_reply(config: BotConfig, parse: ParseResult) -> str | None:
    """At an open question: ``utter_take_your_time`` for a hesitation that asks for time,
    "" for one that doubts (the question is asked again), None for no hesitation."""
    if parse.intent != HESITATION_INTENT or parse.confidence < config.settings.trigger_threshold:
        return None
    return "utter_take_your_time" if _ASKS_FOR_TIME.search(parse.text) else ""
