"""Amounts of money: "$20", "20 dollars", "€15.50", "twenty euros", "GBP 7", "50 cents".

Duckling's ``amount-of-money``: ``{"value": 20, "type": "value", "unit": "$"}``. As in
Duckling's English rules, a bare dollar is ``$`` (which dollar is not said), euros are
``EUR`` and pounds ``GBP``; "k" after a number multiplies it by a thousand.
"""

from __future__ import annotations

import re

from dialog.duckling.match import Match
from dialog.duckling.numbers import NUMBER, number_value

__all__ = ["find_money"]

_SYMBOLS = {"$": "$", "us$": "USD", "usd": "USD", "€": "EUR", "eur": "EUR", "£": "GBP", "gbp": "GBP", "¥": "JPY", "jpy": "JPY", "inr": "INR", "₹": "INR"}
_NAMES = {
    "dollar": "$", "dollars": "$", "buck": "$", "bucks": "$", "usd": "USD",
    "euro": "EUR", "euros": "EUR", "eur": "EUR", "€": "EUR",
    "pound": "GBP", "pounds": "GBP", "quid": "GBP", "gbp": "GBP", "£": "GBP",
    "cent": "cent", "cents": "cent", "yen": "JPY", "rupees": "INR", "rupee": "INR",
    "$": "$",
}
_SYMBOL = r"(?:us\$|\$|€|£|¥|₹|usd|eur|gbp|jpy|inr)"
_NAME = r"(?:dollars?|bucks?|usd|euros?|eur|pounds?|quid|gbp|cents?|yen|rupees?|€|£|\$)"
_AMOUNT = rf"(?P<number>{NUMBER})(?P<k>\s?k\b)?"
_BEFORE = re.compile(rf"(?<![\w$€£])(?P<symbol>{_SYMBOL})\s?{_AMOUNT}", re.IGNORECASE)
_AFTER = re.compile(rf"(?<![\w.,])(?:{_AMOUNT})\s?(?P<name>{_NAME})(?!\w)", re.IGNORECASE)


def find_money(text: str) -> list[Match]:
    found: list[Match] = []
    for pattern, units in ((_BEFORE, _SYMBOLS), (_AFTER, _NAMES)):
        for match in pattern.finditer(text):
            if any(m.start < match.end() and match.start() < m.end for m in found):
                continue
            value = number_value(match.group("number"))
            if value is None:
                continue
            if match.group("k"):
                value = value * 1000
            unit = units[(match.groupdict().get("symbol") or match.groupdict().get("name") or "").lower()]
            found.append(Match("amount-of-money", match.start(), match.end(), match.group(), {"value": value, "type": "value", "unit": unit}))
    return sorted(found, key=lambda m: m.start)
