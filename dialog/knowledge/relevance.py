"""How relevant the best retrieved chunk is: the number ``knowledge.threshold`` is compared with.

Fused retrieval scores only rank; they say nothing absolute. The relevance is the
MiniLM cosine similarity of the question with the best chunk or with its best
sentence (whichever is higher: a one-line answer inside a long chunk counts), less a
penalty for question words the documents never use. "What is the name of ACME's
CEO?" resembles the contact page, but "CEO" appears in no document: the question is
about something the documents do not cover. A capitalised word (a name, an acronym)
the documents lack weighs three times a lower-case one, which is more often a filler
("quick question, ...") or a paraphrase the sentence vectors already bridge.

A best chunk that shares no distinctive word with the question (one that at most a
fifth of the chunks use: not "ACME", which is everywhere) needs ``NO_OVERLAP_PENALTY``
more similarity: "who founded ACME?" is near the contact page in meaning only.
Both choices were made on the DEV half of ``bench/data/knowledge``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import numpy as np

from dialog.knowledge.index import KnowledgeIndex
from dialog.knowledge.retrieval import Hit
from dialog.knowledge.text import search_terms

__all__ = ["UNKNOWN_NAME_PENALTY", "UNKNOWN_WORD_PENALTY", "relevance", "unknown_share"]

_WORD = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?")

UNKNOWN_WORD_PENALTY = 0.15  # times the share of lower-case question words no document has
UNKNOWN_NAME_PENALTY = 0.45  # times the share of capitalised ones (not the first word)
NO_OVERLAP_PENALTY = 0.08
DISTINCTIVE_SHARE = 0.2  # a term in at most this share of the chunks (or 2) is distinctive


def relevance(index: KnowledgeIndex, hits: list[Hit], vector: np.ndarray, question: str) -> float:
    """The best hit's similarity (chunk or sentence), less the unknown-word penalty."""
    if not hits:
        return 0.0
    best = hits[0]
    sentence_vectors = index.sentence_vectors[best.position]
    sentence = float((sentence_vectors @ np.asarray(vector, dtype=np.float32)).max()) if len(sentence_vectors) else 0.0
    similarity = max(best.similarity, sentence)
    words, names = unknown_share(question, index.vocabulary)
    score = similarity - UNKNOWN_WORD_PENALTY * words - UNKNOWN_NAME_PENALTY * names
    if not shares_distinctive_word(index, best.position, question):
        score -= NO_OVERLAP_PENALTY
    return score


def shares_distinctive_word(index: KnowledgeIndex, position: int, question: str) -> bool:
    """Whether the chunk at ``position`` has a question word few other chunks have."""
    frequency = index.document_frequency
    common = max(2, DISTINCTIVE_SHARE * len(index))
    chunk = index.chunk_terms[position]
    return any(term in chunk and frequency.get(term, 0) <= common for term in search_terms(question))


def unknown_share(question: str, vocabulary: Mapping[str, int] | frozenset[str]) -> tuple[float, float]:
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

