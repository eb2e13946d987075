"""A linear SVM's scores turned into probabilities, for ``sklearn_intent``.

The SVM is kept as plain arrays (``LinearModel``: scores = features @ weights + bias)
so a parse gathers only the weight rows of its n-grams. Its decision scores become
probabilities through a softmax whose temperature is fitted on held-out scores of
the training data (``fit_temperature``), so that a confidence reads as a probability.
"""

from __future__ import annotations

from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

__all__ = ["LARGE_DATA", "LinearModel", "fit_svm", "fit_temperature", "softmax"]

LARGE_DATA = 5000  # examples; see fit_temperature


@dataclass(frozen=True)
class LinearModel:
    """A fitted SVM as plain arrays: scores = features @ weights + bias."""

    classes: tuple[str, ...]
    weights: Any  # (n_features, n_scores) float32: the SVM's coef_.T
    bias: Any
    temperature: float

    @classmethod
    def of(cls, svm: Any, temperature: float) -> LinearModel:
        import numpy as np

        classes = tuple(str(name) for name in svm.classes_)
        weights = np.ascontiguousarray(svm.coef_.T, dtype=np.float32)
        return cls(classes, weights, np.asarray(svm.intercept_, dtype=np.float32), temperature)

    @classmethod
    def read(
        cls, directory: Path, weights_file: str, bias_file: str, classes: tuple[str, ...], temperature: float
    ) -> LinearModel:
        import numpy as np

        weights = np.load(directory / weights_file, allow_pickle=False)
        return cls(classes, weights, np.load(directory / bias_file, allow_pickle=False), float(temperature))

    def probabilities(self, scores: Any) -> Any:
        """Row-wise probabilities (always 2-D) of decision ``scores``."""
        import numpy as np

        scores = np.asarray(scores)
        return softmax(scores.reshape(1, -1) if scores.ndim == 1 else scores, self.temperature, len(self.classes))


def softmax(scores: Any, temperature: float, n_classes: int) -> Any:
    """Row-wise softmax of decision scores (binary SVMs give one column)."""
    import numpy as np

    scores = np.asarray(scores, dtype=np.float64)
    if scores.ndim == 1 or n_classes == 2:
        scores = scores.reshape(-1, 1)
        scores = np.hstack([-scores / 2, scores / 2])
    scaled = scores / temperature
    scaled -= scaled.max(axis=1, keepdims=True)
    exp = np.exp(scaled)
    return exp / exp.sum(axis=1, keepdims=True)


def fit_svm(C: float, features: Any, labels: Sequence[str]) -> Any:
    from sklearn.svm import LinearSVC

    return LinearSVC(C=C).fit(features, labels)


def fit_temperature(C: float, features: Any, labels: list[str], pool: Executor) -> Callable[[], float]:
    """The softmax temperature that minimises log-loss on out-of-fold SVM scores.

    The folds' fits are queued on ``pool`` at once; the returned function waits for
    them and fits the temperature. Three folds for a bot's few examples per intent (on
    half of them the scores would be far less sure than the full model's). Large data
    fits one model on half and scores the other half: thousands of held-out scores
    pin down one number, and a second half-fit would cost ~13 s on CLINC150."""
    import numpy as np
    from scipy.optimize import minimize_scalar
    from sklearn.model_selection import StratifiedKFold

    counts: dict[str, int] = {}
    for label in labels:
        counts[label] = counts.get(label, 0) + 1
    folds = min(2 if len(labels) >= LARGE_DATA else 3, min(counts.values()))
    if folds < 2:
        return lambda: 0.1
    classes = sorted(counts)
    index = np.array([classes.index(label) for label in labels])
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=0)
    parts = list(splitter.split(np.zeros(len(labels)), index))
    if len(labels) >= LARGE_DATA:
        parts = parts[:1]
    fits = [pool.submit(fit_svm, C, features[train], index[train]) for train, _ in parts]

    def fitted() -> float:
        held_out = np.concatenate([rows for _, rows in parts])
        scores = np.concatenate([fit.result().decision_function(features[rows]) for (_, rows), fit in zip(parts, fits)])
        truth = index[held_out]

        def loss(log_t: float) -> float:
            probabilities = softmax(scores, float(np.exp(log_t)), len(classes))
            return float(-np.mean(np.log(probabilities[np.arange(len(truth)), truth] + 1e-12)))

        found = minimize_scalar(loss, bounds=(np.log(0.005), np.log(5.0)), method="bounded")
        return float(np.exp(found.x))

    return fitted
