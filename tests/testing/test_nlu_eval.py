"""NLU evaluation: stratified splits, intent and entity scores, the report and its pictures."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from dialog.testing.nlu_eval import (
    Evaluation,
    Prediction,
    cross_validate,
    format_report,
    held_out,
    kfold_split,
    scores,
    stratified_split,
)
from dialog.testing.nlu_plots import confidence_histogram, confused_labels, confusion_matrix
from dialog.types import Entity, ParseResult, TrainingExample


def ex(text: str, intent: str, *entities: Entity) -> TrainingExample:
    return TrainingExample(text, intent, tuple(entities))


def data(per_intent: dict[str, int]) -> list[TrainingExample]:
    return [ex(f"{intent} example {i}", intent) for intent, n in per_intent.items() for i in range(n)]


class WordOverlap:
    """A tiny trainable parser: the intent of the training example sharing most words."""

    def __init__(self, examples: list[TrainingExample]) -> None:
        self.examples = examples

    def parse_batch(self, texts: list[str]) -> list[ParseResult]:
        results = []
        for text in texts:
            words = set(text.split())
            best = max(self.examples, key=lambda e: len(words & set(e.text.split())))
            share = len(words & set(best.text.split())) / len(words)
            results.append(ParseResult(text, best.intent, share))
        return results


def test_stratified_split_keeps_every_intent_on_both_sides() -> None:
    examples = data({"a": 10, "b": 5, "c": 2, "d": 1})
    train, test = stratified_split(examples, 0.2, seed=1)
    assert Counter(e.intent for e in test) == {"a": 2, "b": 1, "c": 1}
    assert Counter(e.intent for e in train) == {"a": 8, "b": 4, "c": 1, "d": 1}
    assert stratified_split(examples, 0.2, seed=1) == (train, test)


def test_kfold_tests_every_example_once() -> None:
    examples = data({"a": 7, "b": 3, "c": 1})
    folds = kfold_split(examples, 3)
    tested = [e for _, test in folds for e in test]
    assert sorted(e.text for e in tested) == sorted(e.text for e in examples)
    for train, test in folds:
        assert not set(train) & set(test)
        assert len(train) + len(test) == len(examples)
    with pytest.raises(ValueError):
        kfold_split(examples, 1)


def test_intent_and_entity_scores() -> None:
    gold_order = Entity("order_id", "123456", 9, 15)
    predictions = [
        Prediction(ex("where is 123456", "status", gold_order), ParseResult("", "status", 0.9, (gold_order,))),
        Prediction(ex("cancel 234567", "cancel", Entity("order_id", "234567", 7, 13)), ParseResult("", "status", 0.8, (Entity("order_id", "234567", 6, 13),))),
        Prediction(ex("stop it", "cancel"), ParseResult("", "cancel", 0.7, (Entity("product", "it", 5, 7),))),
        Prediction(ex("hello", "greet"), ParseResult("", "nlu_fallback", 0.2)),
    ]
    report = scores(Evaluation(predictions, {"mode": "held_out"}))
    intent = report["intent"]
    assert intent["accuracy"] == 0.5
    assert intent["per_intent"]["status"] == {"precision": 0.5, "recall": 1.0, "f1": 0.6667, "support": 1}
    assert intent["per_intent"]["cancel"] == {"precision": 1.0, "recall": 0.5, "f1": 0.6667, "support": 2}
    assert intent["per_intent"]["greet"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 1}
    assert intent["confusion_matrix"]["labels"] == ["cancel", "greet", "nlu_fallback", "status"]
    assert intent["confusion_matrix"]["matrix"] == [[1, 0, 0, 1], [0, 0, 1, 0], [0, 0, 0, 0], [0, 0, 0, 1]]
    entity = report["entity"]
    # the off-by-one span of 234567 counts as wrong: exact span and type only
    assert entity["per_entity"]["order_id"] == {"precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 2}
    assert entity["per_entity"]["product"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 0}
    assert entity["micro_avg"] == {"precision": 0.3333, "recall": 0.5, "f1": 0.4, "support": 2}
    assert [m["text"] for m in report["misclassified"]] == ["cancel 234567", "hello"]
    assert report["misclassified"][0] == {"text": "cancel 234567", "intent": "cancel", "predicted": "status", "confidence": 0.8, "fold": 0}
    assert report["entity_errors"] == [
        {"text": "cancel 234567", "missed": ["order_id '234567' at 7-13"], "wrong": ["order_id ' 234567' at 6-13"]},
        {"text": "stop it", "missed": [], "wrong": ["product 'it' at 5-7"]},
    ]
    text = format_report(report)
    assert "  'stop it': missed -; wrong product 'it' at 5-7" in text
    assert "intent accuracy: 0.500 on 4 examples" in text
    assert "  0.80  cancel -> status: 'cancel 234567'" in text
    assert "entities (right only with the exact span and type):" in text


def test_held_out_and_cross_validation_train_on_the_right_parts() -> None:
    examples = [ex(f"{word} please {word}{i}", word) for word in ("track", "cancel", "refund") for i in range(5)]
    trained_sizes = []

    def train(part: list[TrainingExample]) -> WordOverlap:
        trained_sizes.append(len(part))
        return WordOverlap(part)

    evaluation = held_out(examples, train, 0.2)
    assert trained_sizes == [12]
    assert evaluation.setup == {"mode": "held_out", "test_fraction": 0.2, "seed": 0, "train_examples": 12, "test_examples": 3}
    assert all(p.correct for p in evaluation.predictions)
    evaluation = cross_validate(examples, train, folds=5)
    assert trained_sizes[1:] == [12] * 5
    assert len(evaluation.predictions) == 15
    assert sorted({p.fold for p in evaluation.predictions}) == [0, 1, 2, 3, 4]


def many_intents_report(n: int = 30) -> dict:
    labels = [f"intent_{i:02d}" for i in range(n)]
    predictions = []
    for i, label in enumerate(labels):
        for k in range(10):
            predicted = labels[(i + 1) % n] if (i % 5 == 0 and k < 3) else label
            predictions.append(Prediction(ex(f"{label} {k}", label), ParseResult("", predicted, 0.3 + 0.06 * k)))
    return scores(Evaluation(predictions))


def test_confused_labels_are_those_on_either_side_of_a_mistake() -> None:
    labels = ["a", "b", "c", "d"]
    matrix = [[5, 1, 0, 0], [0, 5, 0, 0], [0, 0, 5, 0], [0, 0, 2, 3]]
    assert confused_labels(labels, matrix) == ["a", "b", "c", "d"]
    assert confused_labels(labels, [[5, 0, 0, 0], [0, 5, 0, 0], [0, 0, 5, 0], [0, 0, 2, 3]]) == ["c", "d"]


def test_pictures_are_written(tmp_path: Path) -> None:
    report = many_intents_report()
    matrix = confusion_matrix(report, tmp_path / "confusion_matrix.png")
    histogram = confidence_histogram(report, tmp_path / "confidence_histogram.png", threshold=0.4)
    for path in (matrix, histogram):
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert path.stat().st_size > 10_000
