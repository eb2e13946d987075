"""A Rasa rule's ``condition`` as a flow guard, where it only reads slots.

``condition: [{slot_was_set: [{logged_in: true}]}]`` holds when the slot has that value
now; a bare slot name when it has any value. Here that is the flow's ``if``
(``slots['logged_in'] == true``). ``active_loop: null`` ("no form is running") adds
nothing: a flow started meanwhile interrupts the form and it resumes after. Any other
condition (a running form, a custom step) needs Rasa's machinery: the rule is left out.
"""

from __future__ import annotations

from typing import Any

__all__ = ["condition_guard"]


def condition_guard(condition: Any, slots: set[str]) -> tuple[str | None, str]:
    """``(guard, why_not)``: the guard (None when nothing is required) or why there is none;
    ``slots``: the domain's (a condition on another is left out, as Rasa only warns)."""
    if not isinstance(condition, list):
        return None, "its 'condition' is not a list of steps"
    parts: list[str] = []
    for step in condition:
        if isinstance(step, dict) and set(step) == {"active_loop"} and step["active_loop"] is None:
            continue
        if not isinstance(step, dict) or set(step) != {"slot_was_set"}:
            return None, "its 'condition' asks for more than slot values"
        for item in step["slot_was_set"] if isinstance(step["slot_was_set"], list) else [step["slot_was_set"]]:
            names = [item] if isinstance(item, str) else list(item) if isinstance(item, dict) else [None]
            if not all(isinstance(name, str) for name in names):
                return None, "its 'condition' has a 'slot_was_set' that names no slot"
            unknown = [name for name in names if name not in slots]
            if unknown:
                return None, f"its 'condition' names slot '{unknown[0]}', which the domain does not declare"
            if isinstance(item, str):
                parts.append(f"slots[{item!r}] is not none")
            else:
                parts.extend(_equals(name, value) for name, value in item.items())
    return (" and ".join(parts) or None), ""


def _equals(slot: str, value: Any) -> str:
    if value is None:
        return f"slots[{slot!r}] is none"
    if isinstance(value, bool):
        return f"slots[{slot!r}] == {str(value).lower()}"
    if isinstance(value, (int, float, str)):
        return f"slots[{slot!r}] == {value!r}"
    return f"slots[{slot!r}] == {value!r}"
