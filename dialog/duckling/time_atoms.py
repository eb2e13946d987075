"""The smallest date and time expressions ("atoms") and the patterns that find them.

A message is scanned for atoms of a few kinds: a day ("tomorrow", "December 8",
"next friday", "the 12th"), a time of day ("3pm", "15:30", "noon"), a part of the
day ("morning"), an offset ("in 2 hours", "3 days ago"), a period ("next week",
"this weekend", "in December") and "now". ``times.py`` joins neighbouring atoms
("tomorrow at 3pm") and pairs ("from 3 to 5pm") and resolves them against the
reference time. Patterns only find spans; their values are computed elsewhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dialog.duckling.numbers import NUMBER

__all__ = ["Atom", "find_atoms"]

MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december"
    "|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec"
)
WEEKDAYS = "monday|tuesday|wednesday|thursday|friday|saturday|sunday|tues|weds|thurs"
WEEKDAY_ABBREVIATIONS = "mon|tue|wed|thu|fri|sat|sun"
_DAYNUM = r"(?:3[01]|[12]\d|0?[1-9])"
# Fixed-date holidays (month, day); movable ones (Easter, Thanksgiving) are not read.
HOLIDAY_DATES = {
    "christmas eve": (12, 24),
    "christmas day": (12, 25),
    "christmas": (12, 25),
    "boxing day": (12, 26),
    "new year's eve": (12, 31),
    "new years eve": (12, 31),
    "new year's day": (1, 1),
    "new years day": (1, 1),
    "valentine's day": (2, 14),
    "valentines day": (2, 14),
    "halloween": (10, 31),
    "independence day": (7, 4),
}
HOLIDAYS = "|".join(re.escape(name) for name in sorted(HOLIDAY_DATES, key=len, reverse=True))
_ORD = r"(?:st|nd|rd|th)"
_UNITS_ORD = "first|second|third|fourth|fifth|sixth|seventh|eighth|ninth"
ORDINAL_WORDS = (
    rf"(?:(?:twenty|thirty)[\s-](?:{_UNITS_ORD})|thirtieth|twentieth|nineteenth|eighteenth|seventeenth|sixteenth"
    rf"|fifteenth|fourteenth|thirteenth|twelfth|eleventh|tenth|{_UNITS_ORD})"
)
_DAY = rf"(?:{_DAYNUM}{_ORD}?|{ORDINAL_WORDS})"
_YEAR = r"(?:19|20)\d{2}"
_MONTH = rf"(?:{MONTHS})\.?"
_UNIT = r"(?:sec(?:ond)?s?|min(?:ute)?s?|h(?:ou)?rs?|hours?|days?|weeks?|months?|years?)"
_AMOUNT = rf"(?:{NUMBER}|an?|a\s+couple\s+of|a\s+few|half\s+an?)"
_PART = r"(?:morning|afternoon|evening|night)"
_DATE_END = (
    r"(?!\s*(?:stars?|cups?|of\b|inch(?:es)?|miles?|points?|ratings?|price|off\b|teaspoons?|tablespoons?|tsp|tbsp"
    r"|lbs?\b|kg\b|oz\b|pounds?|litres?|liters?|scale|done|full|empty|complete|finished|[%\"'/]))"
)
_HOUR_END = r"(?![\d:.,/])(?=\s*(?:$|[,.!?;)]|(?:tomorrow|today|tonight|on|this|next|in|then|please|or|and|ok|okay)\b))"

# (kind, pattern). Earlier kinds win when two atoms of the same length overlap.
_PATTERNS: tuple[tuple[str, str], ...] = (
    ("date", rf"(?:(?:{WEEKDAYS}),?\s+)?(?:{_MONTH}\s+(?:the\s+)?{_DAY}(?:,?\s+{_YEAR})?|(?:the\s+)?{_DAY}\s+(?:of\s+)?{_MONTH}(?:,?\s+{_YEAR})?)"),
    ("date", rf"(?:{_YEAR}-\d{{1,2}}-\d{{1,2}}|\d{{1,2}}/\d{{1,2}}/(?:\d{{4}}|\d{{2}})|\d{{1,2}}\.\d{{1,2}}\.(?:\d{{4}}|\d{{2}}))"),
    # "5/20" without a year is a date, but not in "4/5 stars" or "3/4 cup": fractions
    ("date", rf"(?:0?[1-9]|[12]\d|3[01])/(?:0?[1-9]|[12]\d|3[01]){_DATE_END}"),
    ("ordinal_day", rf"(?:(?:{WEEKDAYS}),?\s+)?the\s+{_DAYNUM}{_ORD}|(?:{WEEKDAYS}|{WEEKDAY_ABBREVIATIONS})\.?,?\s+(?:the\s+)?{_DAYNUM}{_ORD}"),
    ("holiday", rf"(?:{HOLIDAYS})"),
    ("date", r"(?:the\s+)?day\s+after\s+tomorrow|(?:the\s+)?day\s+before\s+yesterday|today|tomorrow|tmrw|yesterday"),
    ("tonight", r"tonight"),
    ("date", rf"(?:(?:this|next|last|coming|following)\s+)?(?:{WEEKDAYS})"),
    # "sat", "sun", "wed" are words too: a weekday only after "on"/"next"... or before a time
    ("date", rf"(?:(?:on|this|next|last|coming)\s+)(?:{WEEKDAY_ABBREVIATIONS})\.?|(?:{WEEKDAY_ABBREVIATIONS})\.?(?=\s+(?:at\s+)?\d)"),
    ("period", r"(?:this|next|last|coming|the\s+following)\s+(?:week|month|year|weekend)|(?:the\s+)?weekend"),
    ("month", rf"(?:(?:in|next|this|last|during)\s+(?:{MONTHS})(?:\s+{_YEAR})?|(?:{MONTHS})\s+{_YEAR})"),
    ("offset", rf"in\s+{_AMOUNT}\s*{_UNIT}(?:\s+and\s+a\s+half)?|{_AMOUNT}\s*{_UNIT}\s+(?:from\s+now|from\s+today|later|ago|hence|earlier)"),
    ("offset_from", rf"{_AMOUNT}\s*(?:days?|weeks?|months?|years?)\s+(?:from|after|before)(?=\s+(?:today|tomorrow|yesterday|next|this|{WEEKDAYS}|{MONTHS})\b)"),
    ("now", r"(?:right\s+)?now"),
    ("tod", r"\d{1,2}(?::[0-5]\d)?\s*(?:a\.m\.|p\.m\.|am|pm)(?=\W|$)"),
    ("tod", r"(?:[01]?\d|2[0-3])[:h][0-5]\d"),
    ("tod", r"(?<=at\s)(?:[01]\d|2[0-3])[0-5]\d(?!\d)"),  # "at 0900"
    ("tod", r"noon|midday|midnight"),
    ("tod", r"(?:\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s+o'?\s?clock"),
    ("tod", r"(?:half|(?:a\s+)?quarter|\d{1,2}\s+minutes?)\s+(?:past|after|to|before)\s+(?:\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|noon|midnight)(?:\s*(?:a\.m\.|p\.m\.|am|pm)(?=\W|$))?"),
    # "at 5", "around 6": an hour only when nothing but punctuation or a day follows
    ("bare_hour", rf"(?:(?<=at\s)|(?<=around\s)|(?<=about\s)|(?<=after\s)|(?<=before\s)|(?<=until\s)|(?<=by\s))\d{{1,2}}{_HOUR_END}"),
    ("bare_number", r"\d{1,2}(?::[0-5]\d)?(?=\s*(?:-|–|to|till|until|and)\s*\d{1,2}(?::[0-5]\d)?\s*(?:a\.m\.|p\.m\.|am|pm)(?:\W|$))"),
    # "from 9 to 5": both ends bare
    ("bare_number", rf"(?<=from\s)\d{{1,2}}(?::[0-5]\d)?(?=\s*(?:-|–|to|till|until)\s*\d{{1,2}}(?::[0-5]\d)?{_HOUR_END})"),
    ("bare_number", rf"(?:(?<=\d\sto\s)|(?<=\d-)|(?<=\d\s-\s)|(?<=\d\still\s)|(?<=\d\suntil\s))\d{{1,2}}(?::[0-5]\d)?{_HOUR_END}"),
    ("part", rf"(?:(?:this|in\s+the)\s+)?{_PART}"),
)
_COMPILED = tuple((kind, re.compile(rf"(?<![\w@.$€£/:])(?:{pattern})(?![\w@/]|-\d{3}|-[a-z]|:\d|\.\d)", re.IGNORECASE)) for kind, pattern in _PATTERNS)


@dataclass(frozen=True)
class Atom:
    kind: str
    start: int
    end: int
    text: str


def find_atoms(text: str) -> list[Atom]:
    """Non-overlapping atoms in text order; a longer atom beats the shorter ones it covers."""
    found = [Atom(kind, m.start(), m.end(), m.group()) for kind, pattern in _COMPILED for m in pattern.finditer(text)]
    order = {id(atom): index for index, atom in enumerate(found)}
    kept: list[Atom] = []
    for atom in sorted(found, key=lambda a: (-(a.end - a.start), order[id(a)])):
        if all(atom.end <= k.start or k.end <= atom.start for k in kept):
            kept.append(atom)
    return sorted(kept, key=lambda a: a.start)
