"""Questions about the world right now, which neither the bot's data nor a model's weights answer.

A small model answers "what's the weather like today?" with "The weather today is
mostly sunny.": a guess stated as a fact, and one the fact guard lets through (no
number, no name). So the LLM fallback is not asked:

* live information (the weather, the news, match results, share prices, traffic)
  gets ``utter_no_live_information``;
* the time and the date, which the bot does know (its clock, in its time zone:
  ``settings.timezone``), get ``utter_current_time``.

Only questions count ("the weather is lovely" is small talk the model may answer),
and only turns nothing else handled: a bot with a weather flow answers it there.
"""

from __future__ import annotations

import re

from dialog.questions import looks_like_question

__all__ = ["CLOCK_RESPONSE", "LIVE_RESPONSE", "live_information_response"]

CLOCK_RESPONSE = "utter_current_time"
LIVE_RESPONSE = "utter_no_live_information"

_CLOCK = re.compile(
    r"\bwhat time is it\b|\bwhat(?:'s|’s| is)? (?:the )?time\b(?!\s+(?:do|does|did|will|are|is|can|should|would|shall)\b)"
    r"|\bwhat(?:'s|’s| is) (?:the date|today's date|today’s date|the day)\b|\bwhat day is (?:it|today)\b"
    r"|\bwhat(?:'s|’s| is) today\b|\bwhich day is (?:it|today)\b",
    re.IGNORECASE,
)
_LIVE = re.compile(
    r"\b(?:weather|forecast)\b|\b(?:is|will) it (?:going to )?(?:rain|snow)(?:ing)?\b|\bhow (?:hot|cold|warm) is it\b"
    r"|\b(?:is|will) it (?:going to )?be (?:sunny|rainy|snowy|cloudy|windy|hot|cold|warm|nice)\b"
    r"|\btemperature (?:outside|today|tomorrow|now)\b"
    r"|\b(?:latest|today's|today’s|breaking) news\b|\bin the news\b|\bnews today\b|\bheadlines\b"
    r"|\bwho won (?:the|last|yesterday|today)\b|\bscore (?:of|in) (?:the|last|tonight|today)\b"
    r"|\b(?:stock|share) price of\b|\bexchange rate\b|\bprice of (?:bitcoin|gold|oil)\b|\btraffic (?:today|now|like)\b",
    re.IGNORECASE,
)


def live_information_response(text: str) -> str | None:
    """``utter_current_time`` or ``utter_no_live_information`` for a question about now; None otherwise."""
    if not looks_like_question(text) and "?" not in text:
        return None
    if _CLOCK.search(text):
        return CLOCK_RESPONSE
    return LIVE_RESPONSE if _LIVE.search(text) else None
