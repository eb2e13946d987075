"""Arithmetic questions ("what is 2+2?", "what's 17 times 23?", "15% of 80"), answered exactly.

A general question the bot should answer briefly, and one a small model gets wrong:
the bundled 135M model says "2 + 3 = 5" to "what is 2+2?". The fact guard cannot
tell a wrong sum from a right one, so the sum is worked out here and said with
``utter_calculation`` ("2 + 2 = 4."). Only a message that is an arithmetic
expression and nothing else counts ("what is 2+2?", "calculate 120 / 8", "15% of
80"); "I ordered 2 + 1 free" or "is 5 plus shipping 10?" are not questions about a
sum. The expression is read as numbers and the four operations only (no Python is
evaluated), with the usual precedence.
"""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Any

__all__ = ["CALCULATION_RESPONSE", "MAX_OPERANDS", "calculation"]

CALCULATION_RESPONSE = "utter_calculation"
MAX_OPERANDS = 8

_OPENING = re.compile(
    r"^\s*(?:(?:hey|hi|ok|okay|so|quick question|please)[,!\s]+)*"
    r"(?:(?:whats|what's|what|how much)(?:\s+is|\s+are)?|calculate|compute|work out|(?:can|could) you (?:calculate|compute|work out|tell me))?\s*",
    re.IGNORECASE,
)
_OPERATOR_WORDS = (
    ("multiplied by", "*"), ("divided by", "/"), ("times", "*"), ("plus", "+"), ("minus", "-"),
    ("over", "/"), ("×", "*"), ("÷", "/"), ("x", "*"),
)
_NUMBER = r"\d+(?:\.\d+)?"
_TOKEN = re.compile(rf"\s*(?:(?P<percent>{_NUMBER})\s*%\s*of\s*(?P<whole>{_NUMBER})|(?P<number>{_NUMBER})|(?P<op>[-+*/]))")
_SYMBOLS = {"+": "+", "-": "−", "*": "×", "/": "÷"}


def calculation(text: str) -> dict[str, str] | None:
    """``{"expression": "17 × 23", "result": "391"}`` for an arithmetic question; None otherwise."""
    expression = _OPENING.sub("", text, count=1).strip().rstrip("?=!. ").strip()
    expression = re.sub(r"\s+(?:equal|equals|make|makes)$", "", expression, flags=re.IGNORECASE)
    for word, symbol in _OPERATOR_WORDS:
        expression = re.sub(rf"(?<=[\d\s]){re.escape(word)}(?=[\d\s])", f" {symbol} ", expression, flags=re.IGNORECASE)
    tokens = _tokens(expression)
    if tokens is None or len(tokens) < 3 or (len(tokens) + 1) // 2 > MAX_OPERANDS:
        return None
    value = _evaluate(tokens)
    if value is None:
        return None
    shown = re.sub(r"\s*([-+*/])\s*", lambda match: f" {_SYMBOLS[match.group(1)]} ", expression)
    shown = re.sub(r"\s*%\s*of\s*", "% of ", shown)
    return {"expression": " ".join(shown.split()), "result": _number(value)}


def _tokens(expression: str) -> list[Any] | None:
    """Numbers and operators, alternating and starting with a number; None for anything else."""
    tokens: list[Any] = []
    position = 0
    while expression[position:].strip():
        match = _TOKEN.match(expression, position)
        if match is None:
            return None  # a word that is no number or operation: not a sum
        if match.group("percent") is not None:
            tokens.extend([Fraction(match.group("percent")) / 100, "*", Fraction(match.group("whole"))])
        elif match.group("number") is not None:
            tokens.append(Fraction(match.group("number")))
        else:
            tokens.append(match.group("op"))
        position = match.end()
    alternating = all(isinstance(token, str) == (index % 2 == 1) for index, token in enumerate(tokens))
    return tokens if alternating and len(tokens) % 2 == 1 else None


def _evaluate(tokens: list[Any]) -> Fraction | None:
    """Multiplication and division first, then addition and subtraction, left to right."""
    terms: list[Fraction] = [tokens[0]]
    signs: list[str] = []
    for operator, operand in zip(tokens[1::2], tokens[2::2]):
        if operator in "*/":
            if operator == "/" and operand == 0:
                return None
            terms[-1] = terms[-1] * operand if operator == "*" else terms[-1] / operand
        else:
            signs.append(operator)
            terms.append(operand)
    total = terms[0]
    for sign, term in zip(signs, terms[1:]):
        total = total + term if sign == "+" else total - term
    return total


def _number(value: Fraction) -> str:
    if value.denominator == 1:
        return str(value.numerator)
    return f"{float(value):.6g}"
