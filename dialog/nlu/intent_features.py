"""Turn parsed texts into the sparse (+ dense) feature matrix the intent classifier reads.

Word n-grams come from the tokenizer's lemmas (or lower-cased token texts), char
n-grams from the lower-cased raw text, so spelling variants and unseen inflections
still share features. A sentence embedding left by ``sentence_embeddings`` in
``ParseResult.features`` is appended as dense columns; at parse time it is a
zero-argument callable that computes the vector only when the classifier asks
(``embedding_of``), so a text the TF-IDF columns already decide costs no encoder run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from dialog.nlu.ngrams import char_wb_ngrams, word_ngrams
from dialog.types import ParseResult

__all__ = ["EMBEDDING_KEY", "FeatureSettings", "IntentFeaturizer", "embedding_of", "word_text"]

EMBEDDING_KEY = "sentence_embedding"
_FALLBACK_TOKEN = re.compile(r"\w+|[^\w\s]", re.UNICODE)


@dataclass(frozen=True)
class FeatureSettings:
    word_ngrams: int = 2
    char_ngrams: tuple[int, int] = (2, 5)
    min_df: int = 1
    embedding_weight: float = 1.0


def word_text(result: ParseResult) -> str:
    """Space-joined lower-cased lemmas (token text when the tokenizer gives no lemma)."""
    if result.tokens:
        words = [(token.lemma or token.text).lower() for token in result.tokens]
    else:
        words = _FALLBACK_TOKEN.findall(result.text.lower())
    return " ".join(word for word in words if not word.isspace())


def embedding_of(result: ParseResult) -> Any:
    """The sentence vector of ``result`` (computed now if it was deferred), or None."""
    value = result.features.get(EMBEDDING_KEY)
    return value() if callable(value) else value


_MISSING_EMBEDDING = (
    "the intent model was trained with sentence embeddings; add the sentence_embeddings component before sklearn_intent"
)


class IntentFeaturizer:
    """TF-IDF vocabularies and idf weights (+ embedding width); ``row`` gives one text's
    columns. Fitted with scikit-learn, then kept as plain tables (see ``ngrams``)."""

    def __init__(self, settings: FeatureSettings) -> None:
        self.settings = settings
        self.word_vocab: dict[str, int] = {}
        self.char_vocab: dict[str, int] = {}
        self.word_idf: Any = None  # float32 arrays, one weight per vocabulary column
        self.char_idf: Any = None
        self.embedding_size = 0

    @property
    def n_features(self) -> int:
        return self.n_text_features + self.embedding_size

    @property
    def n_text_features(self) -> int:
        """The TF-IDF columns; the embedding's columns (if any) follow them."""
        return len(self.word_vocab) + len(self.char_vocab)

    def row(self, result: ParseResult) -> tuple[Any, Any]:
        """(column indices, values) of one text's TF-IDF columns: the same numbers as
        ``fit_transform`` gives its row, without sparse matrices (~0.1 ms a text).
        The embedding's columns follow them (``n_text_features`` on): ``embedding_row``."""
        import numpy as np

        low, high = self.settings.char_ngrams
        words = word_ngrams(word_text(result) or "<empty>", self.settings.word_ngrams)
        word_idx, word_val = _tfidf(words, self.word_vocab, self.word_idf, 0)
        chars = char_wb_ngrams(result.text or " ", low, high)
        char_idx, char_val = _tfidf(chars, self.char_vocab, self.char_idf, len(self.word_vocab))
        return np.concatenate([word_idx, char_idx]), np.concatenate([word_val, char_val])

    def familiarity(self, result: ParseResult) -> tuple[float, float]:
        """(share of known words, share of known char n-grams of 3+ letters): see ``calibration``."""
        from dialog.nlu.calibration import familiarity

        low, high = self.settings.char_ngrams
        words = (word_text(result) or "").split()
        chars = char_wb_ngrams(result.text or " ", max(low, 3), max(high, 3))
        return familiarity(words, chars, self.word_vocab, self.char_vocab)

    def check_embeddings(self, results: Sequence[ParseResult]) -> None:
        """ValueError if the model needs sentence vectors and a result has none, even
        deferred: a pipeline without ``sentence_embeddings`` fails on every text, not
        only on those the TF-IDF columns cannot decide."""
        if self.embedding_size and any(EMBEDDING_KEY not in result.features for result in results):
            raise ValueError(_MISSING_EMBEDDING)

    def embedding_row(self, result: ParseResult) -> Any:
        """The embedding's column values for one text (the weighted sentence vector)."""
        import numpy as np

        vector = embedding_of(result)
        if vector is None:
            raise ValueError(_MISSING_EMBEDDING)
        return np.asarray(vector, dtype=np.float32) * self.settings.embedding_weight

    def fit_transform(self, results: Sequence[ParseResult]) -> Any:
        """Fit the vectorizers; the matrix has the TF-IDF columns, then the weighted
        sentence vectors if every result has one."""
        import numpy as np
        from scipy import sparse
        from sklearn.feature_extraction.text import TfidfVectorizer

        low, high = self.settings.char_ngrams
        word_vectorizer = TfidfVectorizer(
            analyzer="word",
            token_pattern=r"\S+",
            lowercase=False,
            ngram_range=(1, self.settings.word_ngrams),
            sublinear_tf=True,
            min_df=self.settings.min_df,
            dtype=np.float32,
        )
        char_vectorizer = TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=(low, high),
            lowercase=True,
            sublinear_tf=True,
            min_df=self.settings.min_df,
            dtype=np.float32,
        )
        words = [word_text(result) or "<empty>" for result in results]
        texts = [result.text or " " for result in results]
        blocks = [word_vectorizer.fit_transform(words), char_vectorizer.fit_transform(texts)]
        self.word_vocab = {gram: int(column) for gram, column in word_vectorizer.vocabulary_.items()}
        self.char_vocab = {gram: int(column) for gram, column in char_vectorizer.vocabulary_.items()}
        self.word_idf = np.asarray(word_vectorizer.idf_, dtype=np.float32)
        self.char_idf = np.asarray(char_vectorizer.idf_, dtype=np.float32)
        embeddings = [embedding_of(result) for result in results]
        if embeddings and all(vector is not None for vector in embeddings):
            self.embedding_size = len(embeddings[0])
            blocks.append(sparse.csr_matrix(np.asarray(embeddings, dtype=np.float32) * self.settings.embedding_weight))
        return sparse.hstack(blocks, format="csr", dtype=np.float32)


def _tfidf(grams: list[str], vocab: Mapping[str, int], idf: Any, offset: int) -> tuple[Any, Any]:
    """Sublinear tf * idf, l2-normalised, as TfidfVectorizer computes it: (columns, values)."""
    import numpy as np

    counts: dict[int, int] = {}
    for gram in grams:
        column = vocab.get(gram)
        if column is not None:
            counts[column] = counts.get(column, 0) + 1
    if not counts:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    columns = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
    values = (np.log(np.fromiter(counts.values(), dtype=np.float32, count=len(counts))) + 1.0) * idf[columns]
    values /= np.sqrt(np.dot(values, values))
    return columns + offset, values
