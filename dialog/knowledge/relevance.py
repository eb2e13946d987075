"""How relevant the best retrieved chunk is: the number ``knowledge.threshold`` is compared with.

Fused retrieval scores only rank; they say nothing absolute. The relevance is the
MiniLM cosine similarity of the question with the best chunk or with its best
sentence (whichever is higher: a one-line answer inside a long chunk counts), less a
penalty for question words the documents never use. "What is the name of ACME's
CEO?" resembles the contact page, but "CEO" appears in no document: the question is
about something the documents do not cover. A capitalised word (a name, an acronym)
the documents lack weighs three times a lower-case one, which is more often a filler
("quick question, ...") or a paraphrase the sentence vectors already bridge.
"""

from __future__ import annotations

import re

import numpy as np

from dialog.knowledge.index import KnowledgeIndex
from dialog.knowledge.retrieval import Hit
from dialog.knowledge.text import search_terms

__all__ = ["UNKNOWN_NAME_PENALTY", "UNKNOWN_WORD_PENALTY", "relevance", "unknown_share"]

_WORD = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?")

UNKNOWN_WORD_PENALTY = 0.15  # times the share of lower-case question words no document has
UNKNOWN_NAME_PENALTY = 0.45  # times the share of capitalised ones (not the first word)


def relevance(index: KnowledgeIndex, hits: list[Hit], vector: np.ndarray, question: str) -> float:
    """The best hit's similarity (chunk or sentence), less the unknown-word penalty."""
    if not hits:
        return 0.0
    best = hits[0]
    sentence_vectors = index.sentence_vectors[best.position]
    sentence = float((sentence_vectors @ np.asarray(vector, dtype=np.float32)).max()) if len(sentence_vectors) else 0.0
    similarity = max(best.similarity, sentence)
    words, names = unknown_share(question, index.vocabulary)
    return similarity - UNKNOWN_WORD_PENALTY * words - UNKNOWN_NAME_PENALTY * names


def unknown_share(question: str, vocabulary: frozenset[str]) -> tuple[float, float]:
    """The shares of the question's content words no document contains: (lower-case, capitalised)."""
    terms = []
    for position, word in enumerate(_WORD.findall(question)):
        stemmed = search_terms(word)  # [] for a stop word
        if stemmed:
            terms.append((stemmed[0], position > 0 and word[:1].isupper()))
    if not terms:
        return 0.0, 0.0
    missing = [capital for term, capital in terms if term not in vocabulary]
    return sum(not capital for capital in missing) / len(terms), sum(missing) / len(terms)

