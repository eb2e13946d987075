"""Out-of-scope evidence the softmax alone does not see.

A linear model's softmax only compares intents with each other: a message
unlike anything in nlu.yml ("blah", "who is the CEO?") still lands on the
intent whose weights it brushes, sometimes with 0.7. Two measures correct that:

* ``familiarity``: the share of a message's words and character n-grams the
  model has ever seen. A message with no known word and at least half of its
  n-grams unknown gets no intent above the threshold (its confidence becomes 0).
* ``ClassVectors``: the cosine similarity of the sentence vector to the nearest
  training example of the predicted intent. The confidence is multiplied by
  ``min(1, exp(weight * (similarity - SIMILAR)))``: 1 for a message as close to an
  example as paraphrases are (0.8), smaller the further it is from every example
  of that intent. ``weight`` 1 and ``SIMILAR`` 0.8 gave the best out-of-scope
  recall at CLINC150's valid split (weights 0-10, and 0.6 / 0.7 / 0.8 / 1.0 tried;
  bench/RESULTS.md "Out-of-scope"). Below 0.8 only: a bot's thresholds
  (trigger 0.5, digression 0.8) keep their meaning for in-scope messages.
* ``IntentDensity``: how far the sentence vector lies from the predicted intent's
  centre, in units of how spread the intents' own examples are (a Mahalanobis
  distance with one covariance shared by all intents, shrunk towards a sphere so
  that a bot with fewer examples than dimensions still has one). The nearest
  example says "like one sentence of this intent"; the centre says "like this
  intent as a whole", and off-topic messages fail the second more often. The
  confidence is multiplied by ``min(1, exp(-weight * (distance / typical - SPREAD)))``
  where ``typical`` is the median distance of the training examples, each measured
  against centres fitted on the other half of the examples:
  messages up to twice as far as a typical example keep their confidence. On
  CLINC150 trained without out-of-scope examples this raised valid out-of-scope
  recall from 76 to 78.5 points at the same in-scope accuracy, and left HWU64's
  fallback rate and calibration unchanged on its dev split (bench/RESULTS.md).
  ``sklearn_intent`` also measures it in a space learned from the intents
  (intent_space.py), where off-topic questions lie further away.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

__all__ = ["ClassVectors", "IntentDensity", "alternate_halves", "centres_and_whitening", "familiarity", "held_out_distances", "is_unfamiliar", "unit_rows"]

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)  # letters only: numbers are never "unknown words"
UNKNOWN_NGRAMS = 0.5  # at least this share of unknown char n-grams (and no known word): unfamiliar
SIMILAR = 0.8  # cosine to the nearest example at which a message counts as fully in scope
SPREAD = 2.0  # squared distance to the intent's centre, in typical units, up to which nothing changes
SHRINKAGE = 0.9  # share of the covariance replaced by its average variance (0.3 / 0.6 / 0.9 tried)


def familiarity(
    words: Sequence[str], char_grams: Sequence[str], word_vocab: Mapping[str, int], char_vocab: Mapping[str, int]
) -> tuple[float, float]:
    """(share of known alphabetic words, share of known char n-grams); 1.0 for a share of nothing."""
    alphabetic = [word for word in words if _WORD.fullmatch(word)]
    known_words = sum(word in word_vocab for word in alphabetic) / len(alphabetic) if alphabetic else 1.0
    grams = [gram for gram in char_grams if len(gram.strip()) >= 3]
    known_grams = sum(gram in char_vocab for gram in grams) / len(grams) if grams else 1.0
    return known_words, known_grams


def is_unfamiliar(known_words: float, known_grams: float) -> bool:
    """No word the model knows and at least half of its n-grams unknown: gibberish or a new
    topic ("foo": " fo" and "oo " are known from "for" and "too", "foo" and " foo" are not)."""
    return known_words == 0.0 and known_grams <= 1.0 - UNKNOWN_NGRAMS


@dataclass
class ClassVectors:
    """Unit-length training sentence vectors grouped by intent (float16 to keep models small)."""

    vectors: Any  # (n_examples, dims) float16, rows of one intent together
    offsets: Any  # (n_classes + 1,) int64: intent i owns rows offsets[i]:offsets[i+1]
    weight: float = 1.0

    @classmethod
    def fit(cls, embeddings: Any, labels: Sequence[str], classes: Sequence[str], weight: float) -> ClassVectors:
        import numpy as np

        matrix = np.asarray(embeddings, dtype=np.float32)
        matrix /= np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12)
        index = {name: position for position, name in enumerate(classes)}
        order = np.argsort([index[label] for label in labels], kind="stable")
        counts = np.bincount([index[label] for label in labels], minlength=len(classes))
        offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        return cls(matrix[order].astype(np.float16), offsets, weight)

    def similarity(self, vector: Any, class_index: int) -> float:
        """Cosine similarity of ``vector`` to the nearest training example of that intent."""
        import numpy as np

        rows = self.vectors[self.offsets[class_index] : self.offsets[class_index + 1]]
        if not len(rows):
            return 0.0
        unit = np.asarray(vector, dtype=np.float32)
        unit = unit / max(float(np.linalg.norm(unit)), 1e-12)
        return float((rows.astype(np.float32) @ unit).max())

    def factor(self, vector: Any, class_index: int) -> float:
        """What the intent's confidence is multiplied by (1 for a close paraphrase of an example)."""
        import math

        return min(1.0, math.exp(self.weight * (self.similarity(vector, class_index) - SIMILAR)))


@dataclass
class IntentDensity:
    """Intent centres and a whitening matrix of the sentence-vector space."""

    centres: Any  # (n_classes, dims) float32: the mean unit vector of each intent's examples
    whitening: Any  # (dims, dims) float32: ||(v - centre) @ whitening||^2 is the Mahalanobis distance^2
    typical: float  # median squared distance of the training examples, cross-fitted on halves
    weight: float = 1.0

    @classmethod
    def fit(cls, embeddings: Any, labels: Sequence[str], classes: Sequence[str], weight: float) -> IntentDensity | None:
        """None when the examples cannot show a spread (no intent has two examples, or all are alike).

        ``typical`` is cross-fitted: each half of every intent's examples is measured against
        centres and a covariance fitted on the other half. Measured in-sample it would be far
        too small for a bot with fewer examples than dimensions, whose covariance then
        covers only the directions its few examples happen to vary in, and every new
        message would look far away."""
        import numpy as np

        matrix = unit_rows(np.asarray(embeddings, dtype=np.float64))
        index = {name: position for position, name in enumerate(classes)}
        rows = np.array([index[label] for label in labels])
        shape = centres_and_whitening(matrix, rows, len(classes))
        if shape is None:
            return None
        half = alternate_halves(rows)
        distances = []
        for fitted, measured in ((~half, half), (half, ~half)):
            other = centres_and_whitening(matrix[fitted], rows[fitted], len(classes))
            if other is not None:
                distances.append(held_out_distances(matrix, rows, other, measured))
        typical = float(np.median(np.concatenate(distances))) if distances else 0.0
        if typical <= 1e-9:
            return None
        centres, whitening, _ = shape
        return cls(centres.astype(np.float32), whitening.astype(np.float32), typical, weight)

    def distance(self, vector: Any, class_index: int) -> float:
        """Squared Mahalanobis distance to the intent's centre, in typical units (1 = a typical example)."""
        import numpy as np

        unit = np.asarray(vector, dtype=np.float32)
        unit = unit / max(float(np.linalg.norm(unit)), 1e-12)
        whitened = (unit - self.centres[class_index]) @ self.whitening
        return float(whitened @ whitened) / self.typical

    def factor(self, vector: Any, class_index: int) -> float:
        """What the intent's confidence is multiplied by (1 up to SPREAD typical distances)."""
        import math

        return min(1.0, math.exp(-self.weight * (self.distance(vector, class_index) - SPREAD)))


def unit_rows(matrix: Any) -> Any:
    """``matrix`` with every row scaled to length 1 (all-zero rows stay zero)."""
    import numpy as np

    return matrix / np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12)


def alternate_halves(rows: Any) -> Any:
    """A boolean mask putting every other example of each intent in the second half."""
    import numpy as np

    half = np.zeros(len(rows), dtype=bool)
    for intent in np.unique(rows):
        members = np.flatnonzero(rows == intent)
        half[members[1::2]] = True
    return half


def held_out_distances(matrix: Any, rows: Any, shape: tuple[Any, Any, Any], measured: Any) -> Any:
    """Squared Mahalanobis distances of the ``measured`` examples (a mask) whose intent has a
    centre in ``shape`` (``centres_and_whitening`` of other examples), each to its own intent's centre."""
    centres, whitening, counts = shape
    measurable = measured & (counts[rows] > 0)
    residuals = matrix[measurable] - centres[rows[measurable]]
    return ((residuals @ whitening) ** 2).sum(axis=1)


def centres_and_whitening(matrix: Any, rows: Any, n_classes: int) -> tuple[Any, Any, Any] | None:
    """(centres, whitening matrix, examples per intent) of unit vectors labelled ``rows``;
    None when no intent varies. The shared covariance is shrunk towards its average
    variance (SHRINKAGE), so it can be inverted with fewer examples than dimensions."""
    import numpy as np

    counts = np.bincount(rows, minlength=n_classes)
    centres = np.zeros((n_classes, matrix.shape[1]))
    np.add.at(centres, rows, matrix)
    centres /= np.maximum(counts, 1)[:, None]
    residuals = matrix - centres[rows]
    covariance = residuals.T @ residuals / max(len(residuals), 1)
    average = float(np.trace(covariance)) / len(covariance)
    if average <= 1e-9:
        return None
    covariance = (1 - SHRINKAGE) * covariance + SHRINKAGE * average * np.eye(len(covariance))
    values, vectors = np.linalg.eigh(covariance)
    return centres, vectors / np.sqrt(np.maximum(values, 1e-12)), counts
