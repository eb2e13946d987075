"""Hybrid retrieval: BM25 over stemmed words fused with MiniLM cosine similarity.

BM25 finds the chunk that shares the question's rare words ("Klarna", "warranty"),
the sentence vectors find the one that means the same in other words ("send it
back" for "return"). The fused score mixes the cosine of the chunk's closest
sentence (the precise answer) with a little of the whole chunk's cosine (its topic,
headings included), plus a small weight times the BM25 score divided by the query's
best one. On the DEV half of ``bench/data/knowledge`` (bench/RESULTS.md,
"knowledge-choices") that ranks gold sections into the first three more often than
the closer of the two cosines did, and better than reciprocal rank fusion
(``fusion="rrf"``, kept for comparison). The closer of the
two cosines stays available as an absolute relevance: the answer step compares it
with ``knowledge.threshold`` to decide between answering and "I don't know".

Everything is in memory and numpy: no server, no network. A query costs one MiniLM
encoding (3-8 ms), one matrix-vector product over the chunks, one sparse BM25 lookup,
and a product over the sentences of the best 100-200 candidates.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from dialog.knowledge.documents import Chunk
from dialog.knowledge.index import KnowledgeIndex
from dialog.knowledge.text import search_terms

__all__ = ["FUSIONS", "Hit", "Retriever"]

RRF_K = 60  # the constant of the original RRF paper; rankings beyond ~60 barely count
CANDIDATES = 100  # from each ranking: the chunks whose sentences are compared too
FUSIONS = ("rrf", "score", "closest")  # "closest": the closer of the two cosines + BM25 (for comparison)
# score fusion: CHUNK_WEIGHT * chunk cosine + (1 - CHUNK_WEIGHT) * closest-sentence cosine
# + LEXICAL_WEIGHT * BM25 / best BM25, chosen on the DEV half (bench/RESULTS.md, "knowledge-choices")
LEXICAL_WEIGHT = 0.1
CHUNK_WEIGHT = 0.2

QueryEncoder = Callable[[str], np.ndarray]


@dataclass(frozen=True)
class Hit:
    """One retrieved chunk; ``similarity``: the cosine of the question with the chunk or its closest sentence."""

    position: int  # in the index
    chunk: Chunk
    score: float  # the fused score that ranked it
    similarity: float
    lexical: float  # BM25 score, divided by the best BM25 score of this query (0..1)


class Retriever:
    """Searches one ``KnowledgeIndex``; ``encode`` embeds the question (one vector)."""

    def __init__(
        self,
        index: KnowledgeIndex,
        encode: QueryEncoder,
        fusion: str = "score",
        lexical_weight: float = LEXICAL_WEIGHT,
        chunk_weight: float = CHUNK_WEIGHT,
    ) -> None:
        import bm25s

        logging.getLogger("bm25s").setLevel(logging.WARNING)  # it sets DEBUG on import
        if fusion not in FUSIONS:
            raise ValueError(f"fusion must be one of {', '.join(FUSIONS)}, got {fusion!r}")
        self.index = index
        self.encode = encode
        self.fusion = fusion
        self.lexical_weight = lexical_weight
        self.chunk_weight = chunk_weight
        self._bm25 = bm25s.BM25()
        # every sentence's vector in one matrix, and where each chunk's sentences start in it
        self._sentence_vectors = np.concatenate(index.sentence_vectors) if len(index) else np.zeros((0, 1), np.float32)
        self._sentence_counts = np.array([len(v) for v in index.sentence_vectors], dtype=np.int64)
        self._sentence_starts = np.concatenate(([0], np.cumsum(self._sentence_counts)[:-1])) if len(index) else np.zeros(0, np.int64)
        if len(index):
            # bm25s needs one term per document at least; a chunk of stop words gets a placeholder
            self._bm25.index([search_terms(chunk.search_text()) or ["\0"] for chunk in index.chunks], show_progress=False)

    def search(self, question: str, top_k: int = 3, vector: np.ndarray | None = None) -> list[Hit]:
        """The ``top_k`` best chunks for ``question``, best first ([] for an empty index)."""
        if not len(self.index):
            return []
        query = np.asarray(self.encode(question) if vector is None else vector, dtype=np.float32)
        similarity = _times(self.index.chunk_vectors, query)
        terms = search_terms(question)
        lexical = np.asarray(self._bm25.get_scores(terms), dtype=np.float32) if terms else np.zeros(len(self.index), np.float32)
        best_lexical = float(lexical.max())
        lexical_norm = lexical / best_lexical if best_lexical > 0 else lexical
        candidates = self._candidates(similarity + self.lexical_weight * lexical_norm, lexical)
        # the closest sentence of each chunk: computed for the candidates only
        chunk_similarity = similarity
        sentence_similarity = similarity.copy()
        sentence_similarity[candidates] = self._closest_sentences(candidates, query)
        # a chunk is as close as its closest sentence (the absolute relevance)
        similarity = np.maximum(chunk_similarity, sentence_similarity)
        fused = self._fuse(chunk_similarity, sentence_similarity, similarity, lexical, lexical_norm)
        order = candidates[np.argsort(-fused[candidates], kind="stable")][:top_k]
        return [
            Hit(int(i), self.index.chunks[int(i)], float(fused[i]), float(similarity[i]), float(lexical_norm[i])) for i in order
        ]

    def _candidates(self, rough: np.ndarray, lexical: np.ndarray) -> np.ndarray:
        """The chunks worth a closer look: the best by chunk vector and words, and the best by words alone."""
        picks = [_top(rough, CANDIDATES)]
        if lexical.max() > 0:
            picks.append(_top(lexical, CANDIDATES))
        return np.unique(np.concatenate(picks))

    def _closest_sentences(self, chunks: np.ndarray, query: np.ndarray) -> np.ndarray:
        starts = self._sentence_starts[chunks]
        counts = self._sentence_counts[chunks]
        rows = np.concatenate([np.arange(start, start + count) for start, count in zip(starts, counts)])
        scores = _times(self._sentence_vectors[rows], query)
        return np.maximum.reduceat(scores, np.concatenate(([0], np.cumsum(counts)[:-1])))

    def _fuse(
        self, chunk: np.ndarray, sentence: np.ndarray, similarity: np.ndarray, lexical: np.ndarray, lexical_norm: np.ndarray
    ) -> np.ndarray:
        if self.fusion == "score":
            meaning = self.chunk_weight * chunk + (1.0 - self.chunk_weight) * sentence
            return meaning + self.lexical_weight * lexical_norm
        if self.fusion == "closest":
            return similarity + self.lexical_weight * lexical_norm
        fused = np.zeros(len(similarity), dtype=np.float32)
        for scores in (similarity, lexical):
            top = _top(scores, CANDIDATES)
            top = top[np.argsort(-scores[top], kind="stable")]
            top = top[scores[top] > 0] if scores is lexical else top
            fused[top] += 1.0 / (RRF_K + 1 + np.arange(len(top)))
        return fused


def _top(scores: np.ndarray, count: int) -> np.ndarray:
    """The positions of the ``count`` highest scores (unordered)."""
    count = min(count, len(scores))
    return np.argpartition(-scores, count - 1)[:count]


def _times(matrix: np.ndarray, vector: np.ndarray) -> np.ndarray:
    """``matrix @ vector`` in this thread: BLAS would start threads that, on a busy 2-core
    machine, wait for each other (22 ms instead of 2 ms for 10,000 x 384, bench/RESULTS.md)."""
    return np.einsum("ij,j->i", matrix, vector)
