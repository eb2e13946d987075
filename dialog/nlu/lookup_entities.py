"""``lookup_entities``: entities from the ``lookup:`` tables of nlu.yml.

Matching is case-insensitive and only on token boundaries ("mat" never matches
inside "format"). Entries and candidate spans are compared after ``normalize``,
so spacing and case do not matter. With ``fuzzy: true``, spans that match no entry
exactly are compared to the entries with rapidfuzz's ratio; a score of at least
``fuzzy_threshold``, with the same first letter (a typo keeps it: "bike" is no
misspelt "ebike"), is a match whose value is the table's spelling and whose
confidence is the score. Exact matches keep the text as written, as in Rasa.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Mapping, NamedTuple, Sequence

from dialog.config.models import NLUData
from dialog.errors import ComponentError, ModelError
from dialog.nlu.component import ComponentContext, build_config
from dialog.nlu.spans import add_entities, normalize, tokens_of
from dialog.types import Entity, ParseResult, Token, TrainingExample

__all__ = ["LookupEntityExtractor"]

_FILE = "lookups.json"


@dataclass(frozen=True)
class LookupEntitiesConfig:
    fuzzy: bool = False
    fuzzy_threshold: float = 0.85  # rapidfuzz ratio / 100
    fuzzy_min_chars: int = 4  # shorter spans only match exactly

    def __post_init__(self) -> None:
        if not 0.0 < self.fuzzy_threshold <= 1.0:
            raise ValueError(f"fuzzy_threshold must be in (0, 1], got {self.fuzzy_threshold}")


class _Match(NamedTuple):
    first: int  # token indexes, inclusive
    last: int
    entity: str
    value: str
    score: float


class LookupEntityExtractor:
    """Token n-grams looked up in a dict of normalized entries (then fuzzily, if enabled)."""

    name = "lookup_entities"
    Config = LookupEntitiesConfig

    def __init__(self, config: LookupEntitiesConfig, context: ComponentContext) -> None:
        self.config = config
        self.context = context
        self.tables: dict[str, tuple[str, ...]] = {}
        self._index: dict[str, list[tuple[str, str]]] = {}  # normalized entry -> [(entity, entry)]
        self._choices: dict[str, list[str]] = {}  # entity -> normalized entries (fuzzy)
        self._originals: dict[tuple[str, str], str] = {}  # (entity, normalized) -> entry
        self._max_words = 0

    @classmethod
    def from_config(cls, options: Mapping[str, Any], context: ComponentContext) -> LookupEntityExtractor:
        return cls(build_config(LookupEntitiesConfig, options, cls.name), context)

    def train(self, examples: Sequence[TrainingExample], processed: Sequence[ParseResult], data: NLUData) -> None:
        declared = set(self.context.entities)
        self.set_tables({name: entries for name, entries in data.lookups.items() if not declared or name in declared})

    def set_tables(self, tables: Mapping[str, Sequence[str]]) -> None:
        if self.config.fuzzy:
            _require_rapidfuzz()
        self.tables = {name: tuple(entries) for name, entries in tables.items()}
        self._index, self._choices, self._originals, self._max_words = {}, {}, {}, 0
        for name, entries in self.tables.items():
            keys = []
            for entry in entries:
                key = normalize(entry)
                if not key or (name, key) in self._originals:
                    continue
                self._originals[(name, key)] = entry
                self._index.setdefault(key, []).append((name, entry))
                keys.append(key)
                self._max_words = max(self._max_words, key.count(" ") + 1)
            self._choices[name] = keys

    def __call__(self, result: ParseResult) -> ParseResult:
        if not self._index:
            return result
        tokens = tokens_of(result)
        matches = self._exact(result.text, tokens)
        if self.config.fuzzy:
            matches += self._fuzzy(result.text, tokens, {(m.first, m.last) for m in matches})
        return add_entities(result, self._entities(_select(matches), tokens))

    def process_batch(self, results: Sequence[ParseResult]) -> list[ParseResult]:
        return [self(result) for result in results]

    def _spans(self, text: str, tokens: Sequence[Token]) -> Iterator[tuple[int, int, str]]:
        """``(first, last, normalized text)`` of every token n-gram as long as the longest entry."""
        for first in range(len(tokens)):
            for last in range(first, min(first + self._max_words, len(tokens))):
                yield first, last, normalize(text[tokens[first].start : tokens[last].end])

    def _exact(self, text: str, tokens: Sequence[Token]) -> list[_Match]:
        matches = []
        for first, last, key in self._spans(text, tokens):
            for name, _ in self._index.get(key, ()):
                matches.append(_Match(first, last, name, text[tokens[first].start : tokens[last].end], 1.0))
        return matches

    def _fuzzy(self, text: str, tokens: Sequence[Token], exact: set[tuple[int, int]]) -> list[_Match]:
        from rapidfuzz import fuzz, process

        cutoff = self.config.fuzzy_threshold * 100
        matches = []
        for first, last, key in self._spans(text, tokens):
            if (first, last) in exact or len(key) < self.config.fuzzy_min_chars:
                continue
            if not (tokens[first].text[0].isalnum() and tokens[last].text[-1].isalnum()):
                continue
            for name, choices in self._choices.items():
                # a typo keeps the first letter: "bike" is no misspelt "ebike"
                close = process.extract(key, choices, scorer=fuzz.ratio, score_cutoff=cutoff, limit=5)
                best = next((choice for choice in close if choice[0][:1] == key[:1]), None)
                if best is not None:
                    matches.append(_Match(first, last, name, self._originals[(name, best[0])], best[1] / 100))
        return matches

    def _entities(self, matches: Sequence[_Match], tokens: Sequence[Token]) -> list[Entity]:
        return [
            Entity(m.entity, m.value, tokens[m.first].start, tokens[m.last].end, extractor=self.name, confidence=m.score)
            for m in matches
        ]

    def save(self, directory: Path) -> None:
        payload = {name: list(entries) for name, entries in self.tables.items()}
        (directory / _FILE).write_text(json.dumps(payload, indent=1, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path, options: Mapping[str, Any], context: ComponentContext) -> LookupEntityExtractor:
        extractor = cls.from_config(options, context)
        try:
            payload = json.loads((directory / _FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ModelError(f"cannot read {directory / _FILE}: {exc}") from exc
        extractor.set_tables(payload)
        return extractor


def _select(matches: list[_Match]) -> list[_Match]:
    """Best non-overlapping matches per entity: exact before fuzzy, longer before shorter."""
    chosen: list[_Match] = []
    for match in sorted(matches, key=lambda m: (-m.score, -(m.last - m.first), m.first)):
        if any(c.entity == match.entity and c.first <= match.last and match.first <= c.last for c in chosen):
            continue
        chosen.append(match)
    return sorted(chosen, key=lambda m: m.first)


def _require_rapidfuzz() -> None:
    try:
        import rapidfuzz  # noqa: F401
    except ImportError as exc:
        raise ComponentError(LookupEntityExtractor.name, "fuzzy matching needs rapidfuzz; install it with: pip install rapidfuzz") from exc
