"""Benchmark datasets (uniform JSONL, see ../shared/datasets/README.md) as dialog's NLUData."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path

from dialog.config.models import NLUData
from dialog.types import Entity, TrainingExample

__all__ = ["DATASETS", "Split", "load_split", "subsample"]

DATASETS = ("banking77", "clinc150", "hwu64", "snips")


@dataclass(frozen=True)
class Split:
    examples: tuple[TrainingExample, ...]

    @property
    def intents(self) -> tuple[str, ...]:
        return tuple(sorted({example.intent for example in self.examples}))

    @property
    def entity_types(self) -> tuple[str, ...]:
        return tuple(sorted({e.entity for example in self.examples for e in example.entities}))

    @property
    def has_entities(self) -> bool:
        return any(example.entities for example in self.examples)

    def as_nlu_data(self) -> NLUData:
        return NLUData(examples=self.examples)


def load_split(data_dir: Path, dataset: str, split: str) -> Split | None:
    """``<data_dir>/<dataset>/<split>.jsonl``, or None when the dataset has no such split."""
    path = Path(data_dir) / dataset / f"{split}.jsonl"
    if not path.exists():
        return None
    examples = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            entities = tuple(
                Entity(e["entity"], e["value"], e["start"], e["end"]) for e in record.get("entities", ())
            )
            examples.append(TrainingExample(record["text"], record["intent"], entities))
    return Split(tuple(examples))


def subsample(split: Split, per_intent: int, seed: int = 0) -> Split:
    """At most ``per_intent`` examples of each intent, chosen at random, order kept."""
    rng = random.Random(seed)
    by_intent: dict[str, list[int]] = {}
    for index, example in enumerate(split.examples):
        by_intent.setdefault(example.intent, []).append(index)
    keep: set[int] = set()
    for indices in by_intent.values():
        keep.update(rng.sample(indices, min(per_intent, len(indices))))
    return Split(tuple(example for index, example in enumerate(split.examples) if index in keep))
