"""Test seams that stand in for a trained NLU model.

``TableParser`` answers ``parse(text)`` from a fixed table, so bot and engine
tests run in milliseconds without training. It understands the same payloads a
real pipeline does (``/intent{"entity": "value"}``, ``/restart``), so button
payloads behave as in production.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Mapping

from dialog.types import NLU_FALLBACK, Entity, IntentScore, ParseResult

__all__ = ["TableParser", "parse_payload"]

_PAYLOAD = re.compile(r"^/(?P<intent>[A-Za-z_][\w\-.]*)(?P<entities>\{.*\})?\s*$", re.DOTALL)


def parse_payload(text: str) -> ParseResult | None:
    """``/intent{"entity": "value"}`` as a parse with confidence 1.0; None if not a payload."""
    match = _PAYLOAD.match(text.strip())
    if match is None:
        return None
    entities: tuple[Entity, ...] = ()
    if match.group("entities"):
        try:
            data = json.loads(match.group("entities"))
        except json.JSONDecodeError:
            return None
        if not isinstance(data, dict):
            return None
        entities = tuple(Entity(str(name), value, 0, 0, extractor="payload") for name, value in data.items())
    intent = match.group("intent")
    return ParseResult(text, intent, 1.0, entities, (IntentScore(intent, 1.0),))


@dataclass
class TableParser:
    """``table``: lower-cased text -> intent; ``entity_patterns``: entity -> regex found in any text.

    The lookup ignores the found entities' text ("where is my order 123456" finds
    "where is my order"). Text not in the table gets ``default_intent``
    (``nlu_fallback``) with confidence 0.
    """

    table: Mapping[str, str] = field(default_factory=dict)
    entity_patterns: Mapping[str, str] = field(default_factory=dict)
    confidence: float = 0.95
    default_intent: str = NLU_FALLBACK
    calls: list[str] = field(default_factory=list)

    def parse(self, text: str) -> ParseResult:
        self.calls.append(text)
        payload = parse_payload(text)
        if payload is not None:
            return payload
        entities = self._entities(text)
        intent = self.table.get(text.strip().lower())
        if intent is None and entities:
            rest = text
            for entity in sorted(entities, key=lambda e: -e.start):
                rest = rest[: entity.start] + rest[entity.end :]
            intent = self.table.get(" ".join(rest.split()).lower())
        if intent is None:
            return ParseResult(text, self.default_intent, 0.0, entities, (IntentScore(self.default_intent, 0.0),))
        return ParseResult(text, intent, self.confidence, entities, (IntentScore(intent, self.confidence),))

    def _entities(self, text: str) -> tuple[Entity, ...]:
        found: list[Entity] = []
        for name, pattern in self.entity_patterns.items():
            for match in re.finditer(pattern, text):
                value: Any = match.group(1) if match.groups() else match.group(0)
                found.append(Entity(name, value, match.start(), match.end(), extractor="table"))
        return tuple(found)
