"""How relevant the best retrieved chunk is: the number ``knowledge.threshold`` is compared with.

Fused retrieval scores only rank; they say nothing absolute. The relevance is the
MiniLM cosine similarity of the question with the best chunk or with its best
sentence (whichever is higher: a one-line answer inside a long chunk counts), less a
penalty for question words the documents never use. "What is the name of ACME's
CEO?" resembles the contact page, but "CEO" appears in no document: the question is
about something the documents do not cover.
"""

from __future__ import annotations

import numpy as np

from dialog.knowledge.index import KnowledgeIndex
from dialog.knowledge.retrieval import Hit
from dialog.knowledge.text import search_terms

__all__ = ["UNKNOWN_WORD_PENALTY", "relevance", "unknown_share"]

UNKNOWN_WORD_PENALTY = 0.3


def relevance(index: KnowledgeIndex, hits: list[Hit], vector: np.ndarray, question: str) -> float:
    """The best hit's similarity (chunk or sentence), less the unknown-word penalty."""
    if not hits:
        return 0.0
    best = hits[0]
    sentence_vectors = index.sentence_vectors[best.position]
    sentence = float((sentence_vectors @ np.asarray(vector, dtype=np.float32)).max()) if len(sentence_vectors) else 0.0
    similarity = max(best.similarity, sentence)
    return similarity - UNKNOWN_WORD_PENALTY * unknown_share(question, index.vocabulary)


def unknown_share(question: str, vocabulary: frozenset[str]) -> float:
    """The share of the question's content words that no document contains (0 for none)."""
    terms = search_terms(question)
    if not terms:
        return 0.0
    return sum(term not in vocabulary for term in terms) / len(terms)

