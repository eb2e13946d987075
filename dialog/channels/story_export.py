"""A stored conversation as a story test (the ``test_cases`` format) that ``dialog test`` runs.

Per user turn: the message, then what the turn did that the next run must do
again: the bot's responses (``utter:`` for a named response, ``bot:`` for literal
text), the slots it set, the flows it started, completed or cancelled. A turn the
LLM answered asserts ``llm_fallback: true`` and no text (the model's words vary).
Session starts are left out: the runner starts its own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import yaml

__all__ = ["conversation_test_case", "conversation_test_yaml"]

_FLOW_STEPS = ("flow_started", "flow_completed", "flow_cancelled")


def conversation_test_case(name: str, events: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """One ``test_case`` with the steps of ``events`` (a tracker's event list)."""
    steps: list[dict[str, Any]] = []
    turn: list[Mapping[str, Any]] = []
    started = False
    for event in events:
        if event.get("event") == "user":
            if started:
                steps.extend(_turn_steps(turn))
            steps.append({"user": str(event.get("text") or "")})
            turn, started = [], True
        elif started:
            turn.append(event)
    if started:
        steps.extend(_turn_steps(turn))
    return {"test_case": name, "steps": steps}


def conversation_test_yaml(name: str, events: Sequence[Mapping[str, Any]]) -> str:
    header = f"# Exported from the conversation '{name}' by the dialog inspector; run it with `dialog test`.\n"
    document = {"test_cases": [conversation_test_case(name, events)]}
    return header + yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=120)


def _turn_steps(events: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    llm = any(event.get("event") == "llm_fallback" for event in events)
    steps: list[dict[str, Any]] = []
    for event in events:
        kind = event.get("event")
        if kind == "bot" and not llm:
            steps.append(_bot_step(event))
        elif kind == "slot" and event.get("value") is not None:  # a reset says nothing to assert
            steps.append({"slot_was_set": {str(event.get("name")): _plain(event.get("value"))}})
        elif kind in _FLOW_STEPS:
            steps.append({str(kind): str(event.get("flow_id"))})
    if llm:
        steps.append({"llm_fallback": True})
    return steps


def _bot_step(event: Mapping[str, Any]) -> dict[str, Any]:
    response = (event.get("metadata") or {}).get("utter_action")
    if response:
        return {"utter": str(response)}
    return {"bot": str(event.get("text") or "")}


def _plain(value: Any) -> Any:
    """Slot values as YAML can write them (JSON types; anything else as text)."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return str(value)
