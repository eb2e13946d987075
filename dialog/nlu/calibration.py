"""Out-of-scope evidence the softmax alone does not see.

A linear model's softmax only compares intents with each other: a message
unlike anything in nlu.yml ("blah", "who is the CEO?") still lands on the
intent whose weights it brushes, sometimes with 0.7. Two measures correct that:

* ``familiarity``: the share of a message's words and character n-grams the
  model has ever seen. A message with no known word and mostly unknown
  n-grams gets no intent above the threshold (its confidence becomes 0).
* ``ClassVectors``: the cosine similarity of the sentence vector to the nearest
  training example of the predicted intent. The confidence is multiplied by
  ``min(1, exp(weight * (similarity - SIMILAR)))``: 1 for a message as close to an
  example as paraphrases are (0.8), smaller the further it is from every example
  of that intent. ``weight`` 1 and ``SIMILAR`` 0.8 gave the best out-of-scope
  recall at CLINC150's valid split (weights 0-10, and 0.6 / 0.7 / 0.8 / 1.0 tried;
  bench/RESULTS.md "Out-of-scope"). Below 0.8 only: a bot's thresholds
  (trigger 0.5, digression 0.8) keep their meaning for in-scope messages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

__all__ = ["ClassVectors", "familiarity", "is_unfamiliar"]

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)  # letters only: numbers are never "unknown words"
UNKNOWN_NGRAMS = 0.5  # above this share of unknown char n-grams (and no known word): unfamiliar
SIMILAR = 0.8  # cosine to the nearest example at which a message counts as fully in scope


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
    """No word the model knows and most of its n-grams unknown: gibberish or a new topic."""
    return known_words == 0.0 and known_grams < 1.0 - UNKNOWN_NGRAMS


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
