"""Numbers written in digits ("3.5", "1,200", "-4") or words ("twenty five", "a hundred").

Duckling's ``number`` dimension: ``{"value": 25, "type": "value"}``. Words are read
with the usual place-value rule: units and tens add, "hundred" multiplies what came
before it, "thousand"/"million"/"billion" close a group.
"""

from __future__ import annotations

import re

from dialog.duckling.match import Match

__all__ = ["DIGITS", "NUMBER", "find_numbers", "number_value"]

_UNITS = {
    "zero": 0, "oh": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "a": 1, "an": 1,
    "twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
_WORD = r"(?:zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|fou?rty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|million|billion|dozen)"
# "a" and "an" only count before a scale word ("a hundred"), never alone.
_WORDS = rf"(?:(?:an?\s+)?{_WORD}(?:(?:\s+and\s+|[\s-]+){_WORD}){{0,9}})"  # bounded: no quadratic backtracking on long texts
DIGITS = r"(?:[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[-+]?\.\d+)"
NUMBER = rf"(?:{DIGITS}|{_WORDS})"
_NUMBER_RE = re.compile(rf"(?<![\w.,/:-])(?:{DIGITS}(?![\w.,/:]*\w)|{_WORDS}\b)", re.IGNORECASE)


def number_value(text: str) -> int | float | None:
    """The value of a number in digits or words; None when ``text`` is not one."""
    cleaned = text.strip().lower().replace(",", "")
    try:
        value = float(cleaned)
    except ValueError:
        return _words_value(cleaned)
    return int(value) if value.is_integer() and "." not in cleaned else value


def _words_value(text: str) -> int | None:
    words = [w for w in re.split(r"[\s-]+", text) if w and w != "and"]
    if not words or words in (["a"], ["an"]):
        return None
    total = current = 0
    for word in words:
        if word in _UNITS:
            current += _UNITS[word]
        elif word == "dozen":
            current = max(current, 1) * 12
        elif word == "hundred":
            current = max(current, 1) * 100
        elif word in _SCALES:
            total += max(current, 1) * _SCALES[word]
            current = 0
        else:
            return None
    return total + current


def find_numbers(text: str) -> list[Match]:
    found = []
    for match in _NUMBER_RE.finditer(text):
        value = number_value(match.group())
        if value is not None:
            found.append(Match("number", match.start(), match.end(), match.group(), {"value": value, "type": "value"}))
    return found
