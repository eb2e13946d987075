"""Rasa Pro's condition syntax (pypred), read as dialog's Jinja2 conditions.

Rasa Pro evaluates a flow's ``if`` with pypred: ``slots.plan = "premium"``,
``slots.plan is not null``, ``slots.plan is "premium"``, ``slots.name contains "x"``,
``slots.code matches "^[0-9]+$"``, and, in its own default patterns,
``'{{context.reason}}' = 'cannot_handle_chitchat'``. dialog's conditions are Jinja2
expressions (``==``, ``is none``, ``in``, ``is matching``). ``as_jinja`` rewrites the
pypred forms outside string literals, so a Rasa Pro project's conditions mean here what
they mean there; a condition written for Jinja2 comes out unchanged.
"""

from __future__ import annotations

import re

__all__ = ["as_jinja"]

_STRING = re.compile(r"\"[^\"]*\"|'[^']*'")
_QUOTED_TEMPLATE = re.compile(r"([\"'])\{\{\s*([\w.\[\]]+)\s*\}\}\1")  # '{{context.reason}}' -> context.reason
_OPERAND = r"(?:\x00\d+\x00|[\w.\[\]]+)"
_CONTAINS = re.compile(rf"({_OPERAND})\s+contains\s+({_OPERAND})")
_REWRITES = (
    (re.compile(r"\bis\s+not\s+null\b"), "is not none"),
    (re.compile(r"\bis\s+null\b"), "is none"),
    (re.compile(r"\bnull\b"), "none"),
    (re.compile(r"\bis\s+not\s+(?=\x00|-?\d)"), "!= "),  # slots.plan is not "basic"
    (re.compile(r"\bis\s+(?=\x00|-?\d)"), "== "),  # slots.plan is "premium"
    (re.compile(r"(?<![=!<>])=(?!=)"), "=="),  # slots.plan = "premium"
    (re.compile(r"\bmatches\b"), "is matching"),
)


def as_jinja(condition: str) -> str:
    """``condition`` with pypred's operators as Jinja2's; string literals are kept as written."""
    condition = _QUOTED_TEMPLATE.sub(r"\2", condition)
    literals: list[str] = []

    def hide(match: re.Match[str]) -> str:
        literals.append(match.group(0))
        return f"\x00{len(literals) - 1}\x00"

    masked = _STRING.sub(hide, condition)
    masked = _CONTAINS.sub(r"(\1 is not none and \2 in \1)", masked)  # pypred: contains on null is false
    for pattern, replacement in _REWRITES:
        masked = pattern.sub(replacement, masked)
    return re.sub(r"\x00(\d+)\x00", lambda match: literals[int(match.group(1))], masked)
