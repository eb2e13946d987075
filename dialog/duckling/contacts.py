"""E-mail addresses and phone numbers, as Duckling's ``email`` and ``phone-number``.

A phone number is 7 to 15 digits, optionally with a ``+`` country code, grouped by
spaces, dots, dashes or brackets. Its value keeps the digits only, with the country
code in brackets as Duckling writes it: "+1 (555) 123-4567" -> "(+1) 5551234567".
"""

from __future__ import annotations

import re

from dialog.duckling.match import Match

__all__ = ["find_emails", "find_phone_numbers"]

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}(?![\w-])", re.IGNORECASE)
_PHONE = re.compile(
    r"(?<![\w+])(?:(?P<country>\+\d{1,3})[\s.-]?)?(?P<number>\(?\d{2,5}\)?(?:[\s.-]?\d{2,5}){1,4})(?![\w-]|\.\d)"
)


def find_emails(text: str) -> list[Match]:
    return [Match("email", m.start(), m.end(), m.group(), {"value": m.group(), "type": "value"}) for m in _EMAIL.finditer(text)]


def find_phone_numbers(text: str) -> list[Match]:
    found = []
    for match in _PHONE.finditer(text):
        digits = re.sub(r"\D", "", match.group("number"))
        country = match.group("country")
        grouped = bool(re.search(r"[\s.()-]", match.group("number")))
        # A plain run of digits with no grouping and no country code is more likely an
        # order number or an amount than a phone number.
        if not 7 <= len(digits) + len(country or "") - (1 if country else 0) <= 15 or not (grouped or country):
            continue
        if re.fullmatch(r"\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}-\d{2}-\d{2}", match.group()):
            continue  # a date
        value = f"({country}) {digits}" if country else digits
        found.append(Match("phone-number", match.start(), match.end(), match.group(), {"value": value, "type": "value"}))
    return found
