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

from dialog.nlu.duckling.numbers import NUMBER

__all__ = ["Atom", "find_atoms"]

MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december"
    "|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec"
)
WEEKDAYS = "monday|tuesday|wednesday|thursday|friday|saturday|sunday|tues|weds|thurs"
_DAYNUM = r"(?:3[01]|[12]\d|0?[1-9])"
_ORD = r"(?:st|nd|rd|th)"
_YEAR = r"(?:19|20)\d{2}"
_MONTH = rf"(?:{MONTHS})\.?"
_UNIT = r"(?:sec(?:ond)?s?|min(?:ute)?s?|h(?:ou)?rs?|hours?|days?|weeks?|months?|years?)"
_AMOUNT = rf"(?:{NUMBER}|an?|a\s+couple\s+of|a\s+few|half\s+an?)"
_PART = r"(?:morning|afternoon|evening|night)"

# (kind, pattern). Earlier kinds win when two atoms of the same length overlap.
_PATTERNS: tuple[tuple[str, str], ...] = (
    ("date", rf"(?:(?:{WEEKDAYS}),?\s+)?(?:{_MONTH}\s+{_DAYNUM}{_ORD}?(?:,?\s+{_YEAR})?|(?:the\s+)?{_DAYNUM}{_ORD}?\s+(?:of\s+)?{_MONTH}(?:,?\s+{_YEAR})?)"),
    ("date", rf"(?:{_YEAR}-\d{{1,2}}-\d{{1,2}}|\d{{1,2}}/\d{{1,2}}(?:/(?:\d{{4}}|\d{{2}}))?|\d{{1,2}}\.\d{{1,2}}\.(?:\d{{4}}|\d{{2}}))"),
    ("ordinal_day", rf"(?:(?:{WEEKDAYS}),?\s+)?the\s+{_DAYNUM}{_ORD}"),
    ("date", r"(?:the\s+)?day\s+after\s+tomorrow|(?:the\s+)?day\s+before\s+yesterday|today|tomorrow|tmrw|yesterday"),
    ("tonight", r"tonight"),
    ("date", rf"(?:(?:this|next|last|coming|following)\s+)?(?:{WEEKDAYS})"),
    ("period", r"(?:this|next|last|coming|the\s+following)\s+(?:week|month|year|weekend)|(?:the\s+)?weekend"),
    ("month", rf"(?:(?:in|next|this|last|during)\s+(?:{MONTHS})(?:\s+{_YEAR})?|(?:{MONTHS})\s+{_YEAR})"),
    ("offset", rf"in\s+{_AMOUNT}\s*{_UNIT}(?:\s+and\s+a\s+half)?|{_AMOUNT}\s*{_UNIT}\s+(?:from\s+now|from\s+today|later|ago|hence|earlier)"),
    ("now", r"(?:right\s+)?now"),
    ("tod", r"\d{1,2}(?::[0-5]\d)?\s*(?:a\.m\.|p\.m\.|am|pm)(?=\W|$)"),
    ("tod", r"(?:[01]?\d|2[0-3])[:h][0-5]\d"),
    ("tod", r"noon|midday|midnight"),
    ("tod", r"(?:\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s+o'?\s?clock"),
    ("tod", r"(?:half|(?:a\s+)?quarter|\d{1,2}\s+minutes?)\s+(?:past|after|to|before)\s+(?:\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|noon|midnight)(?:\s*(?:a\.m\.|p\.m\.|am|pm)(?=\W|$))?"),
    ("bare_hour", r"(?<=at\s)\d{1,2}(?![\d:.,/]|\s*(?:%|percent|people|items|of)\b)"),
    ("bare_number", r"\d{1,2}(?::[0-5]\d)?(?=\s*(?:-|–|to|till|until|and)\s*\d{1,2}(?::[0-5]\d)?\s*(?:a\.m\.|p\.m\.|am|pm)(?:\W|$))"),
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
