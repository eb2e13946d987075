"""Rasa's inline entity markup: read it into offsets, and write it back.

Forms (as in Rasa 3):

* ``[text](entity)``
* ``[text](entity:value)``
* ``[text]{"entity": "e", "value": "v", "role": "r", "group": "g"}``
* ``[text][{"entity": "a"}, {"entity": "b", "role": "r"}]`` (several entities on one span)

``parse_annotated`` returns the text without markup and gold ``Entity`` values whose
offsets point into it; ``format_example`` writes markup that parses back to the same
``TrainingExample``.
"""

from __future__ import annotations

import json
import re
from typing import Any

from dialog.types import Entity, TrainingExample

__all__ = ["AnnotationError", "format_example", "parse_annotated"]

# The same grammar as Rasa's ENTITY_REGEX (rasa/shared/nlu/training_data/entities_parser.py).
_ENTITY = re.compile(
    r"\[(?P<text>[^\]]+?)\]"
    r"(?:\((?P<entity>[^:)]+?)(?::(?P<value>[^)]+))?\)"
    r"|\{(?P<dict>[^}]+?)\}"
    r"|\[(?P<list>\{.*?\}(?:\s*,\s*\{.*?\})*)\])"
)
_DICT_KEYS = ("entity", "value", "role", "group")


class AnnotationError(ValueError):
    """Markup that cannot be read; the message says what is wrong."""


def parse_annotated(markup: str) -> tuple[str, tuple[Entity, ...]]:
    """``"track [#234](order_id:234)"`` -> ``("track #234", (Entity(order_id, "234", 6, 10),))``."""
    pieces: list[str] = []
    entities: list[Entity] = []
    length = 0
    cursor = 0
    for match in _ENTITY.finditer(markup):
        before = markup[cursor : match.start()]
        pieces.append(before)
        length += len(before)
        text = match.group("text")
        start, end = length, length + len(text)
        for fields in _fields(match):
            entities.append(
                Entity(
                    entity=fields["entity"],
                    value=fields.get("value", text),
                    start=start,
                    end=end,
                    role=fields.get("role"),
                    group=fields.get("group"),
                )
            )
        pieces.append(text)
        length = end
        cursor = match.end()
    pieces.append(markup[cursor:])
    return "".join(pieces), tuple(entities)


def _fields(match: re.Match[str]) -> list[dict[str, str]]:
    if match.group("entity") is not None:
        fields = {"entity": match.group("entity").strip()}
        if match.group("value") is not None:
            fields["value"] = match.group("value")
        return [fields]
    if match.group("dict") is not None:
        return [_dict_fields(_load_json("{" + match.group("dict") + "}", match.group(0)), match.group(0))]
    loaded = _load_json("[" + match.group("list") + "]", match.group(0))
    return [_dict_fields(item, match.group(0)) for item in loaded]


def _load_json(source: str, annotation: str) -> Any:
    try:
        return json.loads(source)
    except json.JSONDecodeError as exc:
        raise AnnotationError(f"entity annotation {annotation} is not valid JSON ({exc.msg})") from exc


def _dict_fields(data: Any, annotation: str) -> dict[str, str]:
    if not isinstance(data, dict):
        raise AnnotationError(f"entity annotation {annotation} must be a JSON object like {{\"entity\": \"name\"}}")
    unknown = sorted(set(data) - set(_DICT_KEYS))
    if unknown:
        raise AnnotationError(f"entity annotation {annotation}: unknown key '{unknown[0]}'; valid keys: {', '.join(_DICT_KEYS)}")
    if not isinstance(data.get("entity"), str) or not data["entity"]:
        raise AnnotationError(f"entity annotation {annotation} needs an \"entity\" name")
    fields = {}
    for key in _DICT_KEYS:
        if data.get(key) is not None:
            value = data[key]
            if isinstance(value, (dict, list)):
                raise AnnotationError(f"entity annotation {annotation}: \"{key}\" must be a string")
            fields[key] = value if isinstance(value, str) else json.dumps(value)
    return fields


def format_example(example: TrainingExample) -> str:
    """The markup for ``example`` (shortest form that keeps every field)."""
    spans: dict[tuple[int, int], list[Entity]] = {}
    for entity in sorted(example.entities, key=lambda e: (e.start, e.end)):
        spans.setdefault((entity.start, entity.end), []).append(entity)
    pieces = []
    cursor = 0
    for (start, end), entities in sorted(spans.items()):
        if start < cursor:
            raise AnnotationError(f"entities overlap at characters {start}-{end} of {example.text!r}")
        text = example.text[start:end]
        pieces.append(example.text[cursor:start])
        pieces.append(f"[{text}]{_format_entities(text, entities)}")
        cursor = end
    pieces.append(example.text[cursor:])
    return "".join(pieces)


def _format_entities(text: str, entities: list[Entity]) -> str:
    if len(entities) > 1:
        return "[" + ", ".join(_json_of(text, entity) for entity in entities) + "]"
    entity = entities[0]
    plain_name = re.fullmatch(r"[^:)\s](?:[^:)]*[^:)\s])?", entity.entity) is not None
    if entity.role is None and entity.group is None and plain_name:
        if entity.value == text:
            return f"({entity.entity})"
        if isinstance(entity.value, str) and entity.value and ")" not in entity.value:
            return f"({entity.entity}:{entity.value})"
    return _json_of(text, entity)


def _json_of(text: str, entity: Entity) -> str:
    data: dict[str, Any] = {"entity": entity.entity}
    if entity.value != text:
        data["value"] = entity.value
    if entity.role is not None:
        data["role"] = entity.role
    if entity.group is not None:
        data["group"] = entity.group
    return json.dumps(data, ensure_ascii=False)
