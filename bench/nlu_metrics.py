"""Scores for the NLU benchmark: intents, out-of-scope threshold, exact-span entities."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from dialog.types import NLU_FALLBACK, OUT_OF_SCOPE, ParseResult, TrainingExample

__all__ = [
    "OOSChoice",
    "choose_oos_threshold",
    "entity_scores",
    "expected_calibration_error",
    "intent_scores",
    "oos_scores",
    "top_intent",
]


def top_intent(result: ParseResult) -> str:
    """The classifier's best real intent (the ranking keeps it when the pipeline fell back)."""
    if result.ranking:
        return result.ranking[0].name
    return result.intent or NLU_FALLBACK


def intent_scores(gold: Sequence[TrainingExample], parsed: Sequence[ParseResult]) -> dict[str, float]:
    """Accuracy and macro F1 of the top intent, plus strict accuracy (fallback = wrong)."""
    from sklearn.metrics import f1_score

    truth = [example.intent for example in gold]
    top = [top_intent(result) for result in parsed]
    final = [result.intent for result in parsed]
    n = max(len(truth), 1)
    return {
        "accuracy": 100 * sum(t == p for t, p in zip(truth, top)) / n,
        "macro_f1": 100 * f1_score(truth, top, average="macro", labels=sorted(set(truth)), zero_division=0),
        "strict_accuracy": 100 * sum(t == p for t, p in zip(truth, final)) / n,
        "fallback_rate": 100 * sum(p == NLU_FALLBACK for p in final) / n,
    }


def _predict_oos(result: ParseResult, threshold: float) -> str:
    top = top_intent(result)
    if top == OUT_OF_SCOPE or result.confidence < threshold:
        return OUT_OF_SCOPE
    return top


def oos_scores(gold: Sequence[TrainingExample], parsed: Sequence[ParseResult], threshold: float) -> dict[str, float]:
    """CLINC150's measures: in-scope accuracy, out-of-scope recall, overall accuracy and macro F1."""
    from sklearn.metrics import f1_score

    truth = [example.intent for example in gold]
    predicted = [_predict_oos(result, threshold) for result in parsed]
    in_scope = [(t, p) for t, p in zip(truth, predicted) if t != OUT_OF_SCOPE]
    out = [(t, p) for t, p in zip(truth, predicted) if t == OUT_OF_SCOPE]
    return {
        "in_scope_accuracy": 100 * sum(t == p for t, p in in_scope) / max(len(in_scope), 1),
        "oos_recall": 100 * sum(p == OUT_OF_SCOPE for _, p in out) / max(len(out), 1),
        "accuracy": 100 * sum(t == p for t, p in zip(truth, predicted)) / max(len(truth), 1),
        "macro_f1": 100 * f1_score(truth, predicted, average="macro", labels=sorted(set(truth)), zero_division=0),
    }


@dataclass(frozen=True)
class OOSChoice:
    threshold: float
    in_scope_accuracy: float
    oos_recall: float


def choose_oos_threshold(
    gold: Sequence[TrainingExample], parsed: Sequence[ParseResult], max_drop: float = 1.0
) -> OOSChoice:
    """The threshold with the best out-of-scope recall whose in-scope accuracy stays
    within ``max_drop`` points of the no-threshold accuracy (on the valid split only)."""
    import numpy as np

    truth = np.array([example.intent for example in gold])
    top = np.array([top_intent(result) for result in parsed])
    confidence = np.array([result.confidence for result in parsed])
    in_scope = truth != OUT_OF_SCOPE
    n_in, n_out = max(int(in_scope.sum()), 1), max(int((~in_scope).sum()), 1)

    def measure(threshold: float) -> tuple[float, float]:
        keeps = confidence >= threshold
        accuracy = 100 * float((in_scope & (top == truth) & keeps).sum()) / n_in
        recall = 100 * float((~in_scope & ((top == OUT_OF_SCOPE) | ~keeps)).sum()) / n_out
        return accuracy, recall

    baseline, recall = measure(0.0)
    best = OOSChoice(0.0, baseline, recall)
    for threshold in np.unique(confidence):
        accuracy, recall = measure(float(threshold))
        if accuracy < baseline - max_drop:
            break
        if recall > best.oos_recall:
            best = OOSChoice(float(threshold), accuracy, recall)
    return best


def entity_scores(gold: Sequence[TrainingExample], parsed: Sequence[ParseResult]) -> dict[str, float]:
    """Micro precision, recall and F1 over exact (start, end, type) spans."""
    true_spans = {(i, e.start, e.end, e.entity) for i, example in enumerate(gold) for e in example.entities}
    found = {(i, e.start, e.end, e.entity) for i, result in enumerate(parsed) for e in result.entities}
    hits = len(true_spans & found)
    precision = hits / len(found) if found else 0.0
    recall = hits / len(true_spans) if true_spans else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": 100 * precision, "recall": 100 * recall, "f1": 100 * f1}


def expected_calibration_error(gold: Sequence[TrainingExample], parsed: Sequence[ParseResult], bins: int = 15) -> float:
    """ECE of the top intent's confidence (equal-width bins): the mean gap between how
    sure the model says it is and how often it is right, weighted by bin size."""
    import numpy as np

    confidence = np.array([result.ranking[0].confidence if result.ranking else 0.0 for result in parsed])
    correct = np.array([top_intent(result) == example.intent for example, result in zip(gold, parsed)], dtype=float)
    edges = np.linspace(0.0, 1.0, bins + 1)
    total = 0.0
    for index, (low, high) in enumerate(zip(edges[:-1], edges[1:])):
        inside = (confidence > low) & (confidence <= high) if index else (confidence >= low) & (confidence <= high)
        if inside.any():
            total += inside.mean() * abs(correct[inside].mean() - confidence[inside].mean())
    return float(total)
