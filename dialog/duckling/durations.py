"""Durations: "2 hours", "three days", "an hour and a half", "90 minutes", "half an hour".

Duckling's ``duration``: ``{"value": 2, "hour": 2, "unit": "hour", "type": "value",
"normalized": {"value": 7200, "unit": "second"}}``. Months and years are normalized
as 30 and 365 days, as Duckling does.
"""

from __future__ import annotations

import re

from dialog.duckling.match import Match
from dialog.duckling.numbers import NUMBER, number_value

__all__ = ["UNIT_SECONDS", "find_durations"]

UNIT_SECONDS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400, "week": 604800, "month": 2592000, "year": 31536000}
_UNIT = r"(?P<unit>sec(?:ond)?s?|min(?:ute)?s?|h(?:ou)?rs?|hours?|days?|weeks?|months?|years?|yrs?)"
_DURATION = re.compile(
    rf"(?<![\w.,])(?:(?P<half>half\s+an?\s+)(?=h|min|day|week|month|year)|(?P<number>{NUMBER}|an?)\s*-?\s*)"
    rf"{_UNIT}(?P<and_half>\s+and\s+a\s+half)?(?!\w)",
    re.IGNORECASE,
)
_ALIASES = {"sec": "second", "min": "minute", "hr": "hour", "h": "hour", "yr": "year"}


def _unit(raw: str) -> str:
    word = raw.lower().rstrip("s") or raw.lower()
    if word in UNIT_SECONDS:
        return word
    for prefix, unit in (("sec", "second"), ("min", "minute"), ("h", "hour"), ("day", "day"), ("week", "week"), ("month", "month"), ("y", "year")):
        if word.startswith(prefix):
            return unit
    return _ALIASES.get(word, word)


def find_durations(text: str) -> list[Match]:
    found = []
    for match in _DURATION.finditer(text):
        if match.group("half"):
            amount: float | int | None = 0.5
        else:
            raw = match.group("number")
            amount = 1 if raw.lower() in ("a", "an") else number_value(raw)
        if amount is None:
            continue
        if match.group("and_half"):
            amount = amount + 0.5
        unit = _unit(match.group("unit"))
        value = {
            "value": amount,
            unit: amount,
            "type": "value",
            "unit": unit,
            "normalized": {"value": _seconds(amount, unit), "unit": "second"},
        }
        found.append(Match("duration", match.start(), match.end(), match.group(), value))
    return found


def _seconds(amount: float | int, unit: str) -> int | float:
    seconds = amount * UNIT_SECONDS[unit]
    return int(seconds) if float(seconds).is_integer() else seconds
