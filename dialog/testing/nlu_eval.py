"""``dialog test-nlu``: how well the NLU does on examples it was not trained on.

Two setups, both stratified by intent so every intent is tested: a held-out split
(``test_fraction`` of each intent's examples) or K-fold cross-validation (each
example is predicted once, by the model of the fold that held it out). Scores:

* intents: per-intent precision, recall, F1 and support; accuracy; macro and
  weighted averages; the confusion matrix; the misclassified examples.
* entities: precision, recall and F1 per entity type, counting a prediction as
  right only with the exact span (start, end) and type of a gold annotation.

Training is passed in as ``train(examples) -> parser`` (``parser.parse_batch(texts)``),
so this module scores any NLU and tests need no real pipeline.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Protocol, Sequence

from dialog.types import ParseResult, TrainingExample

__all__ = [
    "Evaluation",
    "Prediction",
    "cross_validate",
    "evaluate",
    "format_report",
    "held_out",
    "kfold_split",
    "scores",
    "stratified_split",
]


class _Parser(Protocol):
    def parse_batch(self, texts: list[str]) -> list[ParseResult]: ...


Trainer = Callable[[list[TrainingExample]], _Parser]


@dataclass(frozen=True)
class Prediction:
    """One test example and what the NLU said about it."""

    example: TrainingExample
    parse: ParseResult
    fold: int = 0

    @property
    def correct(self) -> bool:
        return self.parse.intent == self.example.intent


@dataclass
class Evaluation:
    """Predictions on held-out examples plus how they were split, for the report."""

    predictions: list[Prediction]
    setup: dict[str, Any] = field(default_factory=dict)


def stratified_split(
    examples: Sequence[TrainingExample], test_fraction: float = 0.2, seed: int = 0
) -> tuple[list[TrainingExample], list[TrainingExample]]:
    """Per intent, ``test_fraction`` of the examples (at least one when it has two) go to test."""
    if not 0.0 < test_fraction < 1.0:
        raise ValueError(f"test_fraction must be between 0 and 1, not {test_fraction}")
    rng = random.Random(seed)
    train: list[TrainingExample] = []
    test: list[TrainingExample] = []
    for _, group in sorted(_by_intent(examples).items()):
        rng.shuffle(group)
        count = round(len(group) * test_fraction)
        count = min(max(count, 1 if len(group) >= 2 else 0), len(group) - 1)
        test.extend(group[:count])
        train.extend(group[count:])
    return train, test


def kfold_split(
    examples: Sequence[TrainingExample], folds: int = 5, seed: int = 0
) -> list[tuple[list[TrainingExample], list[TrainingExample]]]:
    """K stratified (train, test) pairs; every example is in exactly one test part."""
    if folds < 2:
        raise ValueError(f"cross-validation needs at least 2 folds, not {folds}")
    rng = random.Random(seed)
    parts: list[list[TrainingExample]] = [[] for _ in range(folds)]
    offset = 0
    for _, group in sorted(_by_intent(examples).items()):
        rng.shuffle(group)
        for index, example in enumerate(group):
            parts[(index + offset) % folds].append(example)
        offset += len(group)  # small intents do not all land in fold 0
    return [([e for j, part in enumerate(parts) if j != i for e in part], parts[i]) for i in range(folds)]


def _by_intent(examples: Iterable[TrainingExample]) -> dict[str, list[TrainingExample]]:
    groups: dict[str, list[TrainingExample]] = defaultdict(list)
    for example in examples:
        groups[example.intent].append(example)
    return groups


def _predict(train: Trainer, train_part: list[TrainingExample], test_part: list[TrainingExample], fold: int) -> list[Prediction]:
    parser = train(train_part)
    parses = parser.parse_batch([example.text for example in test_part])
    return [Prediction(example, parse, fold) for example, parse in zip(test_part, parses)]


def held_out(examples: Sequence[TrainingExample], train: Trainer, test_fraction: float = 0.2, seed: int = 0) -> Evaluation:
    """One stratified train/test split: quicker than cross-validation, noisier."""
    train_part, test_part = stratified_split(examples, test_fraction, seed)
    setup = {"mode": "held_out", "test_fraction": test_fraction, "seed": seed, "train_examples": len(train_part), "test_examples": len(test_part)}
    return Evaluation(_predict(train, train_part, test_part, 0), setup)


def cross_validate(
    examples: Sequence[TrainingExample],
    train: Trainer,
    folds: int = 5,
    seed: int = 0,
    on_fold: Callable[[int], None] | None = None,
) -> Evaluation:
    """Stratified K-fold: every example is predicted once by a model that never saw it."""
    predictions: list[Prediction] = []
    for fold, (train_part, test_part) in enumerate(kfold_split(examples, folds, seed)):
        predictions.extend(_predict(train, train_part, test_part, fold))
        if on_fold:
            on_fold(fold)
    setup = {"mode": "cross_validation", "folds": folds, "seed": seed, "test_examples": len(predictions)}
    return Evaluation(predictions, setup)


def evaluate(examples: Sequence[TrainingExample], train: Trainer, folds: int | None = None, test_fraction: float = 0.2, seed: int = 0) -> Evaluation:
    """Cross-validation when ``folds`` is given, else a held-out split."""
    if folds:
        return cross_validate(examples, train, folds, seed)
    return held_out(examples, train, test_fraction, seed)


# -- scores ------------------------------------------------------------------------------


def _prf(true_positive: int, predicted: int, actual: int) -> dict[str, float]:
    precision = true_positive / predicted if predicted else 0.0
    recall = true_positive / actual if actual else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def _averages(per_label: dict[str, dict[str, Any]]) -> dict[str, dict[str, float]]:
    labels = [scores for scores in per_label.values() if scores["support"]]
    total = sum(scores["support"] for scores in labels)
    result = {}
    for name, weight in (("macro_avg", lambda s: 1.0 / len(labels)), ("weighted_avg", lambda s: s["support"] / total)):
        result[name] = {
            metric: round(sum(weight(s) * s[metric] for s in labels), 4) if labels else 0.0 for metric in ("precision", "recall", "f1")
        }
    return result


def intent_scores(predictions: Sequence[Prediction]) -> dict[str, Any]:
    gold = Counter(p.example.intent for p in predictions)
    predicted = Counter(p.parse.intent or "None" for p in predictions)
    hits = Counter(p.example.intent for p in predictions if p.correct)
    per_intent = {
        intent: {**_prf(hits[intent], predicted[intent], gold[intent]), "support": gold[intent]}
        for intent in sorted(gold)
    }
    labels = sorted(set(gold) | set(predicted))
    index = {label: i for i, label in enumerate(labels)}
    matrix = [[0] * len(labels) for _ in labels]
    for p in predictions:
        matrix[index[p.example.intent]][index[p.parse.intent or "None"]] += 1
    accuracy = sum(hits.values()) / len(predictions) if predictions else 0.0
    return {
        "accuracy": round(accuracy, 4),
        **_averages(per_intent),
        "per_intent": per_intent,
        "confusion_matrix": {"labels": labels, "matrix": matrix},
    }


def _spans(entities: Iterable[Any]) -> set[tuple[str, int, int]]:
    return {(entity.entity, int(entity.start), int(entity.end)) for entity in entities}


def entity_scores(predictions: Sequence[Prediction]) -> dict[str, Any]:
    """Exact span and type; ``micro_avg`` pools every entity, ``per_entity`` splits by type."""
    hits: Counter[str] = Counter()
    gold: Counter[str] = Counter()
    found: Counter[str] = Counter()
    for p in predictions:
        expected, got = _spans(p.example.entities), _spans(p.parse.entities)
        gold.update(name for name, _, _ in expected)
        found.update(name for name, _, _ in got)
        hits.update(name for name, _, _ in expected & got)
    per_entity = {name: {**_prf(hits[name], found[name], gold[name]), "support": gold[name]} for name in sorted(set(gold) | set(found))}
    micro = {**_prf(sum(hits.values()), sum(found.values()), sum(gold.values())), "support": sum(gold.values())}
    return {"micro_avg": micro, **_averages(per_entity), "per_entity": per_entity}


def misclassified(predictions: Sequence[Prediction]) -> list[dict[str, Any]]:
    """Wrong intents, most confident mistakes first (those hurt most in a conversation)."""
    wrong = [p for p in predictions if not p.correct]
    wrong.sort(key=lambda p: (-p.parse.confidence, p.example.intent, p.example.text))
    return [
        {
            "text": p.example.text,
            "intent": p.example.intent,
            "predicted": p.parse.intent,
            "confidence": round(float(p.parse.confidence), 4),
            "fold": p.fold,
        }
        for p in wrong
    ]


def _show_spans(text: str, spans: set[tuple[str, int, int]]) -> list[str]:
    return [f"{name} {text[start:end]!r} at {start}-{end}" for name, start, end in sorted(spans, key=lambda span: span[1])]


def entity_errors(predictions: Sequence[Prediction]) -> list[dict[str, Any]]:
    """Examples whose predicted entity spans differ from the annotated ones."""
    errors = []
    for p in predictions:
        expected, got = _spans(p.example.entities), _spans(p.parse.entities)
        if expected != got:
            text = p.example.text
            errors.append({"text": text, "missed": _show_spans(text, expected - got), "wrong": _show_spans(text, got - expected)})
    return errors


def scores(evaluation: Evaluation) -> dict[str, Any]:
    """The whole report (what ``report.json`` holds)."""
    predictions = evaluation.predictions
    return {
        "setup": evaluation.setup,
        "intent": intent_scores(predictions),
        "entity": entity_scores(predictions),
        "misclassified": misclassified(predictions),
        "entity_errors": entity_errors(predictions),
        "confidences": [{"confidence": round(float(p.parse.confidence), 4), "correct": p.correct} for p in predictions],
    }


def _table(title: str, rows: dict[str, dict[str, Any]], name_width: int) -> list[str]:
    lines = [f"{title:<{name_width}}  precision  recall     f1  support"]
    for name, s in rows.items():
        support = s.get("support", "")
        lines.append(f"{name:<{name_width}}  {s['precision']:9.3f}  {s['recall']:6.3f}  {s['f1']:5.3f}  {support:>7}")
    return lines


def format_report(report: dict[str, Any], top: int = 10) -> str:
    """The report as a person reads it in a terminal."""
    intent, entity = report["intent"], report["entity"]
    names = list(intent["per_intent"]) + list(entity["per_entity"]) + ["weighted avg"]
    width = max(len(name) for name in names)
    lines = _table("intent", intent["per_intent"], width)
    lines += _table("", {"macro avg": intent["macro_avg"], "weighted avg": intent["weighted_avg"]}, width)[1:]
    lines.append(f"intent accuracy: {intent['accuracy']:.3f} on {len(report['confidences'])} examples")
    lines.append("")
    if entity["per_entity"]:
        lines.append("entities (right only with the exact span and type):")
        lines += _table("entity", entity["per_entity"], width)
        lines += _table("", {"micro avg": entity["micro_avg"]}, width)[1:]
    else:
        lines.append("entities: none annotated and none predicted")
    entity_wrong = report.get("entity_errors") or []
    if entity_wrong:
        lines += ["", f"entity errors: {len(entity_wrong)} examples{'' if len(entity_wrong) <= top else f' (first {top})'}"]
        for item in entity_wrong[:top]:
            missed = ", ".join(item["missed"]) or "-"
            wrong_spans = ", ".join(item["wrong"]) or "-"
            lines.append(f"  {item['text']!r}: missed {missed}; wrong {wrong_spans}")
    wrong = report["misclassified"]
    if wrong:
        lines += ["", f"misclassified: {len(wrong)} (most confident first{'' if len(wrong) <= top else f', top {top}'})"]
        for item in wrong[:top]:
            lines.append(f"  {item['confidence']:.2f}  {item['intent']} -> {item['predicted']}: {item['text']!r}")
    return "\n".join(lines)
