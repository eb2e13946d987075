"""A free-text answer said in a sentence: "my name is Johan de Boer" -> "Johan de Boer".

A ``from_text`` slot takes the whole message, as in Rasa. Asked "What name should I put
the booking under?", people write "my name is Johan de Boer" or "call me Bram", and the
whole sentence became the name, or, when the NLU read "my name is ..." as small talk,
nothing at all. When the sentence names the slot itself (a word of the slot's name:
"name" for ``customer_name``, "address" for ``new_address``), the value is what
follows, and it answers the question whatever intent the NLU read. "the printer is
broken" for ``issue_description`` names no word of the slot and stays whole. A word of
assent before the answer ("Fine. Dave Jones", after "why do you need my name?") is no
part of it (``without_assent``).
"""

from __future__ import annotations

import re

__all__ = ["stated_value", "without_assent"]

_LEAD_IN = r"^\s*(?:(?:ok|okay|fine|sure|well|so|yes|yeah|yep|sorry|oh|um|uh)\b[\s,!.]*)*"
_STATEMENT = re.compile(
    _LEAD_IN + r"(?:(?:my|the|our|his|her|their)\s+(?P<nouns>(?:[a-z]+\s+){0,2}?[a-z]+)\s*(?:is|'s|’s|=|:)\s+|(?P<call>call me|you can call me)\s+)"
    r"(?:that\s+)?(?P<value>.+?)[\s.!]*$",
    re.IGNORECASE,
)


# "Fine. Dave Jones", "OK, 12 High Street": a word of assent, its own clause, before the answer
_ASSENT = re.compile(r"^\s*(?:ok|okay|fine|sure|alright|all right|yes|yeah|yep|well|right)\s*[.,!;:-]+\s*(?=\S)", re.IGNORECASE)


def without_assent(text: str) -> str:
    """``text`` without a leading word of assent set off by punctuation ("Fine. Dave Jones" ->
    "Dave Jones"); "Fine Art Ltd" keeps its first word."""
    return _ASSENT.sub("", text, count=1)


def stated_value(text: str, slot: str) -> str | None:
    """What ``text`` says ``slot`` is, when it says so by the slot's own name ("my name is X",
    "the address is X", "call me X" for a name); None otherwise."""
    match = _STATEMENT.match(text)
    if match is None or not match.group("value").strip():
        return None
    slot_words = {word for word in slot.lower().split("_") if len(word) > 2}
    if match.group("call"):
        return match.group("value").strip() if "name" in slot_words else None
    nouns = {word.rstrip("s") for word in match.group("nouns").lower().split()}
    return match.group("value").strip() if nouns & {word.rstrip("s") for word in slot_words} else None
