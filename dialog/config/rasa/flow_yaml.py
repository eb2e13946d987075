"""Flows built from Rasa files, as the YAML data a flows file would hold.

``dialogue`` (rules, stories) and ``forms`` (forms) make flows this way so
``parse_flows`` checks them like written ones, and every error points at the Rasa
line they came from (each value carries that line's mark).
"""

from __future__ import annotations

import re
from typing import Any, Iterable

from dialog.config.files import Document
from dialog.config.yaml_reader import LocatedList, LocatedMap, Mark

__all__ = ["flow_document", "intents_of", "located", "name_at", "slug"]

Step = tuple[dict[str, Any], Mark]  # e.g. ({"action": "utter_greet"}, where it was written)


def flow_document(
    source: Document,
    flow_id: str,
    description: str,
    intents: Iterable[str],
    trigger_mark: Mark,
    steps: list[Step],
    mark: Mark,
    persisted_slots: Iterable[str] = (),
    guard: str | None = None,
) -> Document:
    """A flows file with one flow triggered by ``intents``, read from ``source``'s lines;
    ``persisted_slots`` keep their values when the flow ends; ``guard`` is its ``if``."""
    step_list = _located_list([_located(values, step_mark) for values, step_mark in steps], mark)
    values: dict[str, Any] = {"description": description, "nlu_trigger": _located_list(list(intents), trigger_mark), "steps": step_list}
    if persisted_slots:
        values["persisted_slots"] = _located_list(list(persisted_slots), mark)
    if guard is not None:
        values["if"] = guard
    flow = _located(values, mark)
    return Document(source.path, _located({"flows": _located({flow_id: flow}, mark)}, mark), source.lines)


def intents_of(step: Any) -> tuple[str, ...]:
    """The intent(s) of a rule or story step: ``intent: x``, or an ``or:`` of them."""
    if not isinstance(step, dict):
        return ()
    if name_at(step, "intent"):
        return (name_at(step, "intent"),)
    alternatives = step.get("or")
    if isinstance(alternatives, list):
        return tuple(name for option in alternatives if (name := name_at(option, "intent")))
    return ()


def name_at(step: Any, key: str) -> str:
    """``step[key]`` when it is a name (text), else "": a list or mapping there names nothing."""
    value = step.get(key) if isinstance(step, dict) else None
    return value if isinstance(value, str) else ""


def slug(name: str) -> str:
    """A flow id part from a free-text name: lower-case words joined by '_'."""
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")[:60] or "unnamed"


def _located(values: dict[str, Any], mark: Mark) -> LocatedMap:
    """``values`` as located YAML data; plain nested dicts and lists (a step's ``next``
    branches) become located too, at the same mark."""
    values = {key: _deep(value, mark) for key, value in values.items()}
    result = LocatedMap(values)
    result.mark = mark
    for key in values:
        result.key_marks[key] = result.value_marks[key] = getattr(values[key], "mark", mark)
    return result


def located(value: Any, mark: Mark) -> Any:
    """Plain YAML-shaped data (dicts, lists, scalars) as located data, every part at ``mark``."""
    return _deep(value, mark)


def _deep(value: Any, mark: Mark) -> Any:
    if type(value) is dict:
        return _located(value, mark)
    if type(value) is list:
        return _located_list([_deep(item, mark) for item in value], mark)
    return value


def _located_list(items: list[Any], mark: Mark) -> LocatedList:
    result = LocatedList(items)
    result.mark = mark
    result.item_marks = [getattr(item, "mark", mark) for item in items]
    return result
