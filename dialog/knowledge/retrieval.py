"""Hybrid retrieval: BM25 over stemmed words fused with MiniLM cosine similarity.

BM25 finds the chunk that shares the question's rare words ("Klarna", "warranty"),
the sentence vectors find the one that means the same in other words ("send it
back" for "return"). Each ranks the chunks; reciprocal rank fusion (RRF) merges the
two rankings, which measured better than fusing normalised scores on the dev half of
``bench/data/knowledge`` (bench/RESULTS.md, "knowledge"). The cosine similarity of
the best chunk stays available as an absolute relevance: the answer step compares it
with ``knowledge.threshold`` to decide between answering and "I don't know".

Everything is in memory and numpy: no server, no network. A query costs one MiniLM
encoding (3-8 ms), one matrix-vector product and one sparse BM25 lookup.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Callable

import numpy as np

from dialog.knowledge.documents import Chunk
from dialog.knowledge.index import KnowledgeIndex
from dialog.knowledge.text import search_terms

__all__ = ["FUSIONS", "Hit", "Retriever"]

RRF_K = 60  # the constant of the original RRF paper; rankings beyond ~60 barely count
CANDIDATES = 50  # from each ranking, before fusion
FUSIONS = ("rrf", "score")
LEXICAL_WEIGHT = 0.1  # score fusion: cosine + this * BM25 / best BM25

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

    def __init__(self, index: KnowledgeIndex, encode: QueryEncoder, fusion: str = "score", lexical_weight: float = LEXICAL_WEIGHT) -> None:
        import bm25s

        logging.getLogger("bm25s").setLevel(logging.WARNING)  # it sets DEBUG on import
        if fusion not in FUSIONS:
            raise ValueError(f"fusion must be one of {', '.join(FUSIONS)}, got {fusion!r}")
        self.index = index
        self.encode = encode
        self.fusion = fusion
        self.lexical_weight = lexical_weight
        self._bm25 = bm25s.BM25()
        # every sentence's vector in one matrix, and where each chunk's sentences start in it
        self._sentence_vectors = np.concatenate(index.sentence_vectors) if len(index) else np.zeros((0, 1), np.float32)
        self._sentence_starts = np.cumsum([0] + [len(v) for v in index.sentence_vectors[:-1]]) if len(index) else np.zeros(0, int)
        if len(index):
            # bm25s needs one term per document at least; a chunk of stop words gets a placeholder
            self._bm25.index([search_terms(chunk.search_text()) or ["\0"] for chunk in index.chunks], show_progress=False)

    def search(self, question: str, top_k: int = 3, vector: np.ndarray | None = None) -> list[Hit]:
        """The ``top_k`` best chunks for ``question``, best first ([] for an empty index)."""
        if not len(self.index):
            return []
        query = self.encode(question) if vector is None else vector
        query = np.asarray(query, dtype=np.float32)
        similarity = self.index.chunk_vectors @ query
        if len(self._sentence_vectors):  # a chunk is as close as its closest sentence
            sentences = np.maximum.reduceat(self._sentence_vectors @ query, self._sentence_starts)
            similarity = np.maximum(similarity, sentences)
        terms = search_terms(question)
        lexical = np.asarray(self._bm25.get_scores(terms), dtype=np.float32) if terms else np.zeros(len(self.index), np.float32)
        best_lexical = float(lexical.max()) if len(lexical) else 0.0
        lexical_norm = lexical / best_lexical if best_lexical > 0 else lexical
        fused = self._fuse(similarity, lexical, lexical_norm)
        count = min(top_k, len(fused))
        order = np.argpartition(-fused, count - 1)[:count]
        order = order[np.argsort(-fused[order], kind="stable")]
        return [
            Hit(int(i), self.index.chunks[int(i)], float(fused[i]), float(similarity[i]), float(lexical_norm[i])) for i in order
        ]

    def _fuse(self, similarity: np.ndarray, lexical: np.ndarray, lexical_norm: np.ndarray) -> np.ndarray:
        if self.fusion == "score":
            return similarity + self.lexical_weight * lexical_norm
        fused = np.zeros(len(similarity), dtype=np.float32)
        for scores in (similarity, lexical):
            count = min(CANDIDATES, len(scores))
            top = np.argpartition(-scores, count - 1)[:count]
            top = top[np.argsort(-scores[top], kind="stable")]
            top = top[scores[top] > 0] if scores is lexical else top
            fused[top] += 1.0 / (RRF_K + 1 + np.arange(len(top)))
        return fused
