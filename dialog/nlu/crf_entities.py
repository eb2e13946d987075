"""``crf_entities``: linear-chain CRFs (python-crfsuite) trained on the annotated examples.

They read the tokenizer's tokens and the earlier extractors' entities as features
(see ``crf_features``). The entity CRF tags each token with its entity type or
``O`` (IO tags); a run of tokens with the same type is one entity, and its
confidence is the lowest marginal probability over the run. IO beat the BILOU
schemes we measured (bench/entities.py; micro F1 SNIPS 0.945 vs 0.912, HWU64 0.728
vs 0.700 for type-less BILOU boundaries + IO types), and a CRF's cost grows with
labels squared: typed BILOU over HWU64's 54 types (217 labels) took 11 minutes to
train and 2 ms per parse. The price is that two adjacent entities of the same
type with nothing between them come out as one.

When the examples carry roles or groups (``[Paris]{"entity": "city", "role": "to"}``),
two more CRFs tag them, as in Rasa. The model files are crfsuite's own binary
format, not pickles. From 2,000 sentences on, the CRFs train in a worker process
(``crf_training``) while the later components train; ``finish_training`` waits.
"""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Sequence

from dialog.config.models import NLUData
from dialog.errors import ComponentError, ModelError
from dialog.nlu.component import ComponentContext, build_config
from dialog.nlu.crf_features import OUTSIDE, attribute_tags, sentence_features, tag_runs
from dialog.nlu.crf_training import BackgroundFit, fit_all
from dialog.nlu.spans import add_entities, normalize, tokens_of
from dialog.types import Entity, ParseResult, TrainingExample

__all__ = ["CRFEntityExtractor"]

logger = logging.getLogger(__name__)

_META = "crf.json"
_TASKS = ("entity", "role", "group")
# Below this many sentences the CRF trains in-process: a worker process costs ~1 s to
# start, more than a small bot's whole CRF. (SNIPS, 13,784 sentences, takes ~27 s.)
_BACKGROUND_MIN_SEQUENCES = 2000


@dataclass(frozen=True)
class CRFEntitiesConfig:
    max_iterations: int = 50
    c1: float = 0.1  # L1 regularisation
    c2: float = 0.05  # L2 regularisation
    min_feature_frequency: int = 1  # drop rarer features (smaller, faster model on big data)

    def __post_init__(self) -> None:
        if self.max_iterations < 1 or self.c1 < 0 or self.c2 < 0 or self.min_feature_frequency < 0:
            raise ValueError("max_iterations must be >= 1; c1, c2 and min_feature_frequency >= 0")


class CRFEntityExtractor:
    """Tags tokens with IO entity labels (plus role and group labels when trained with them)."""

    name = "crf_entities"
    Config = CRFEntitiesConfig

    def __init__(self, config: CRFEntitiesConfig) -> None:
        self.config = config
        self._models: dict[str, bytes] = {}  # task -> crfsuite model file contents
        self._taggers: dict[str, Any] = {}
        self._lock = threading.Lock()  # a crfsuite Tagger keeps per-call state
        self._pending: BackgroundFit | None = None
        self._bare_values: dict[str, str] = {}  # a training value, normalized -> its one entity type

    @classmethod
    def from_config(cls, options: Mapping[str, Any], context: ComponentContext) -> CRFEntityExtractor:
        _import_crfsuite()
        return cls(build_config(CRFEntitiesConfig, options, cls.name))

    # training ---------------------------------------------------------------

    def train(self, examples: Sequence[TrainingExample], processed: Sequence[ParseResult], data: NLUData) -> None:
        sequences: dict[str, list[Any]] = {task: [] for task in _TASKS}
        for example, result in zip(examples, processed):
            tokens = tokens_of(result)
            if not tokens:
                continue
            features = sentence_features(result, tokens)
            for task in _TASKS:
                sequences[task].append((features, attribute_tags(example.entities, tokens, task)))
        work = {task: pairs for task, pairs in sequences.items() if any(tag != OUTSIDE for _, tags in pairs for tag in tags)}
        if "entity" not in work:
            logger.info("no annotated entities in the examples; crf_entities extracts nothing")
        self._bare_values = _bare_values(examples)
        self._models, self._taggers = {}, {}
        if sum(len(pairs) for pairs in work.values()) >= _BACKGROUND_MIN_SEQUENCES:
            self._pending = BackgroundFit(work, self._params())
        else:
            self._models = fit_all(work, self._params())
            self._open()

    def process_training_batch(self, results: Sequence[ParseResult]) -> list[ParseResult]:
        """Training data flows on without CRF predictions: no later component learns
        from them, and on large data the CRF is still training in another process."""
        return list(results)

    def _params(self) -> dict[str, Any]:
        return {
            "c1": self.config.c1,
            "c2": self.config.c2,
            "max_iterations": self.config.max_iterations,
            "feature.possible_transitions": True,
            "feature.minfreq": float(self.config.min_feature_frequency),
        }

    def finish_training(self) -> None:
        """Wait for a training in the worker process and load its models."""
        pending, self._pending = self._pending, None
        if pending is None:
            return
        try:
            self._models = pending.result()
        except (OSError, RuntimeError) as exc:
            raise ComponentError(self.name, f"training in a worker process failed: {exc}") from exc
        self._open()

    def _open(self) -> None:
        pycrfsuite = _import_crfsuite()
        self._taggers = {}
        for task, model in self._models.items():
            tagger = pycrfsuite.Tagger()
            tagger.open_inmemory(model)
            self._taggers[task] = tagger

    # prediction -------------------------------------------------------------

    def __call__(self, result: ParseResult) -> ParseResult:
        if self._pending is not None:
            self.finish_training()
        if "entity" not in self._taggers:
            return result
        tokens = tokens_of(result)
        if not tokens:
            return result
        features = sentence_features(result, tokens)
        with self._lock:
            tags, marginals = _tag(self._taggers["entity"], features)
            runs = tag_runs(tags)
            if not runs:
                return self._bare_value(result)
            extra = {task: _tag(self._taggers[task], features)[0] for task in ("role", "group") if task in self._taggers}
        found = []
        for entity, first, last in runs:
            start, end = tokens[first].start, tokens[last].end
            found.append(
                Entity(
                    entity,
                    result.text[start:end],
                    start,
                    end,
                    extractor=self.name,
                    confidence=min(marginals[first : last + 1]),
                    role=_majority(extra.get("role"), first, last),
                    group=_majority(extra.get("group"), first, last),
                )
            )
        return add_entities(result, found)

    def _bare_value(self, result: ParseResult) -> ParseResult:
        """A message that is nothing but a value annotated in training ("process", answering
        "which topic?"): the CRF, which learnt it inside sentences, may find no entity alone."""
        text = result.text.strip().rstrip(".!?")
        entity = self._bare_values.get(normalize(text))
        if entity is None or not text:
            return result
        start = len(result.text) - len(result.text.lstrip())
        return add_entities(result, [Entity(entity, text, start, start + len(text), extractor=self.name, confidence=1.0)])

    def process_batch(self, results: Sequence[ParseResult]) -> list[ParseResult]:
        return [self(result) for result in results]

    # persistence ------------------------------------------------------------

    def save(self, directory: Path) -> None:
        self.finish_training()
        for task, model in self._models.items():
            (directory / f"{task}.crfsuite").write_bytes(model)
        (directory / _META).write_text(json.dumps({"tasks": sorted(self._models), "bare_values": self._bare_values}), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path, options: Mapping[str, Any], context: ComponentContext) -> CRFEntityExtractor:
        extractor = cls.from_config(options, context)
        try:
            meta = json.loads((directory / _META).read_text(encoding="utf-8"))
            tasks, extractor._bare_values = meta["tasks"], dict(meta.get("bare_values", {}))
            extractor._models = {task: (directory / f"{task}.crfsuite").read_bytes() for task in tasks if task in _TASKS}
            extractor._open()
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ModelError(f"cannot read the CRF model in {directory}: {exc}") from exc
        return extractor


def _bare_values(examples: Sequence[TrainingExample]) -> dict[str, str]:
    """Each annotated value (normalized) that names one entity type only in the training data."""
    types: dict[str, set[str]] = {}
    for example in examples:
        for entity in example.entities:
            value = normalize(example.text[entity.start : entity.end])
            if value:
                types.setdefault(value, set()).add(entity.entity)
    return {value: next(iter(found)) for value, found in types.items() if len(found) == 1}


def _tag(tagger: Any, features: list[dict[str, object]]) -> tuple[list[str], list[float]]:
    tagger.set(features)
    tags = tagger.tag()
    return tags, [tagger.marginal(tag, index) for index, tag in enumerate(tags)]


def _majority(tags: Sequence[str] | None, first: int, last: int) -> str | None:
    if tags is None:
        return None
    labels = [tag for tag in tags[first : last + 1] if tag != OUTSIDE]
    return max(set(labels), key=labels.count) if labels else None


def _import_crfsuite() -> Any:
    try:
        import pycrfsuite
    except ImportError as exc:
        raise ComponentError(CRFEntityExtractor.name, "needs python-crfsuite; install it with: pip install sklearn-crfsuite") from exc
    return pycrfsuite
