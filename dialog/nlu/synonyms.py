"""``synonyms``: maps extracted entity values to their canonical value.

The table is nlu.yml's ``synonym:`` items plus every annotation whose value differs
from its text (``[earbuds](product:wireless headphones)``), as in Rasa's
EntitySynonymMapper. Keys are compared lower-cased; it runs after the extractors.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Mapping, Sequence

from dialog.config.models import NLUData
from dialog.errors import ModelError
from dialog.nlu.component import ComponentContext, build_config
from dialog.types import ParseResult, TrainingExample

__all__ = ["SynonymMapper"]

_FILE = "synonyms.json"


@dataclass(frozen=True)
class SynonymsConfig:
    pass


class SynonymMapper:
    """Replaces ``Entity.value`` when its lower-cased text is a known variant."""

    name = "synonyms"
    Config = SynonymsConfig

    def __init__(self, config: SynonymsConfig) -> None:
        self.config = config
        self.synonyms: dict[str, str] = {}

    @classmethod
    def from_config(cls, options: Mapping[str, Any], context: ComponentContext) -> SynonymMapper:
        return cls(build_config(SynonymsConfig, options, cls.name))

    def train(self, examples: Sequence[TrainingExample], processed: Sequence[ParseResult], data: NLUData) -> None:
        synonyms = {variant.lower(): canonical for variant, canonical in data.synonyms.items()}
        for example in examples:
            for entity in example.entities:
                written = example.text[entity.start : entity.end]
                if isinstance(entity.value, str) and entity.value != written:
                    synonyms.setdefault(written.lower(), entity.value)
        self.synonyms = synonyms

    def __call__(self, result: ParseResult) -> ParseResult:
        if not self.synonyms or not result.entities:
            return result
        entities = []
        changed = False
        for entity in result.entities:
            canonical = self.synonyms.get(str(entity.value).lower()) if isinstance(entity.value, str) else None
            if canonical is not None and canonical != entity.value:
                entity = replace(entity, value=canonical)
                changed = True
            entities.append(entity)
        return result.replace(entities=tuple(entities)) if changed else result

    def process_batch(self, results: Sequence[ParseResult]) -> list[ParseResult]:
        return [self(result) for result in results]

    def save(self, directory: Path) -> None:
        (directory / _FILE).write_text(json.dumps(self.synonyms, indent=1, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path, options: Mapping[str, Any], context: ComponentContext) -> SynonymMapper:
        mapper = cls.from_config(options, context)
        try:
            mapper.synonyms = dict(json.loads((directory / _FILE).read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError) as exc:
            raise ModelError(f"cannot read {directory / _FILE}: {exc}") from exc
        return mapper

