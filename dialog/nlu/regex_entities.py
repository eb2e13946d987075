"""``regex_entities``: entities from the ``regex:`` patterns of nlu.yml.

A pattern named like a declared entity extracts that entity (confidence 1.0), as
Rasa's RegexEntityExtractor does. By default the whole match is the entity; a
named group ``(?P<value>...)`` or ``(?P<entity_name>...)`` narrows it, so
``order (?P<value>\\d{6})`` extracts only the digits. Regexes named after
something that is not an entity are left to other components.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Sequence

from dialog.config.models import NLUData
from dialog.errors import ComponentError, ModelError
from dialog.nlu.component import ComponentContext, build_config
from dialog.nlu.spans import add_entities
from dialog.types import Entity, ParseResult, TrainingExample

__all__ = ["RegexEntityExtractor"]

_FILE = "regexes.json"


@dataclass(frozen=True)
class RegexEntitiesConfig:
    case_sensitive: bool = False


class RegexEntityExtractor:
    """Runs each entity's patterns over the text; no learning, just compiled regexes."""

    name = "regex_entities"
    Config = RegexEntitiesConfig

    def __init__(self, config: RegexEntitiesConfig, context: ComponentContext) -> None:
        self.config = config
        self.context = context
        self.patterns: list[tuple[str, str]] = []
        self._compiled: list[tuple[str, re.Pattern[str]]] = []

    @classmethod
    def from_config(cls, options: Mapping[str, Any], context: ComponentContext) -> RegexEntityExtractor:
        return cls(build_config(RegexEntitiesConfig, options, cls.name), context)

    def train(self, examples: Sequence[TrainingExample], processed: Sequence[ParseResult], data: NLUData) -> None:
        declared = set(self.context.entities)
        self.set_patterns([(name, pattern) for name, pattern in data.regexes if not declared or name in declared])

    def set_patterns(self, patterns: Sequence[tuple[str, str]]) -> None:
        flags = 0 if self.config.case_sensitive else re.IGNORECASE
        compiled = []
        for name, pattern in patterns:
            try:
                compiled.append((name, re.compile(pattern, flags)))
            except re.error as exc:
                raise ComponentError(self.name, f"regex {name!r}: invalid pattern {pattern!r}: {exc}") from exc
        self.patterns = list(patterns)
        self._compiled = compiled

    def __call__(self, result: ParseResult) -> ParseResult:
        found = []
        for name, pattern in self._compiled:
            for match in pattern.finditer(result.text):
                entity = _entity(name, match)
                if entity is not None:
                    found.append(entity)
        return add_entities(result, found)

    def process_batch(self, results: Sequence[ParseResult]) -> list[ParseResult]:
        return [self(result) for result in results]

    def save(self, directory: Path) -> None:
        payload = [{"entity": name, "pattern": pattern} for name, pattern in self.patterns]
        (directory / _FILE).write_text(json.dumps(payload, indent=1), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path, options: Mapping[str, Any], context: ComponentContext) -> RegexEntityExtractor:
        extractor = cls.from_config(options, context)
        try:
            payload = json.loads((directory / _FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ModelError(f"cannot read {directory / _FILE}: {exc}") from exc
        extractor.set_patterns([(item["entity"], item["pattern"]) for item in payload])
        return extractor


def _entity(name: str, match: re.Match[str]) -> Entity | None:
    group: str | int = 0
    for candidate in (name, "value"):
        if candidate in match.re.groupindex:
            group = candidate
            break
    start, end = match.span(group)
    if start < 0 or start == end:
        return None
    return Entity(name, match.group(group), start, end, extractor=RegexEntityExtractor.name, confidence=1.0)
