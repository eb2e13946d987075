"""Turning retrieved chunks into a reply that cannot invent anything.

Extractive: the best chunk, verbatim. A short section (up to ``WHOLE_SECTION_CHARS``,
two or three sentences) is said whole: its sentences qualify each other ("Free: $0
for up to 3 people" is no answer to "what's the cheapest paid plan?" without the
next line), and picking one of them lost the answer for 12 of 117 DEV questions
whose section held it (bench/RESULTS.md, "knowledge-choices"). Of a longer one, the
sentences closest to the question, in document order (at most ``MAX_SENTENCES``). Generative: the LLM writes
the answer from the retrieved chunks only; the answer is kept only when every number,
address and name in it is in those chunks (``grounding``), else the extractive
answer is used. The question only ever appears as the user message, cleaned of chat
markers, and the documents as the system message: text in the question that tries to
change the instructions can at worst produce an ungrounded answer, which is dropped.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

import numpy as np

from dialog.knowledge.index import KnowledgeIndex
from dialog.knowledge.retrieval import Hit
from dialog.knowledge.text import search_terms
from dialog.llm.base import ChatMessage
from dialog.llm.prompt import sanitize_user_text

__all__ = ["MAX_SENTENCES", "WHOLE_SECTION_CHARS", "answer_prompt", "answers_the_kind", "closest_sentences", "extractive_answer", "sources_text", "statements"]

logger = logging.getLogger(__name__)

MAX_SENTENCES = 2
WHOLE_SECTION_CHARS = 350  # 350 / 500 tried on DEV: 500 answered one question more at 10% longer answers
# a second sentence joins the best one when it is nearly as close to the question
SECOND_SENTENCE_MARGIN = 0.08
MAX_CONTEXT_CHARS = 1500  # the small model's attention: more context answers worse


def extractive_answer(index: KnowledgeIndex, hit: Hit, closest: str) -> str:
    """The hit's chunk when it is short, else ``closest``, its sentences closest to the
    question (``closest_sentences``), verbatim."""
    sentences = statements(index.sentences[hit.position])
    whole = " ".join(sentences)
    return whole if len(sentences) > 1 and len(whole) <= WHOLE_SECTION_CHARS else closest


def statements(sentences: Sequence[str]) -> list[str]:
    """The sentences without the questions a FAQ asks before its answers ("How long does a
    transfer take? Transfers take 1-2 business days."): the question is never the answer."""
    statements = [sentence for sentence in sentences if not sentence.rstrip().endswith("?")]
    return statements or list(sentences)


def closest_sentences(index: KnowledgeIndex, hit: Hit, question_vector: np.ndarray, question: str) -> str:
    """The chunk's sentences closest to the question, verbatim and in their order in the document.

    ``answers_the_kind`` reads these, not the whole short section: "how much does an
    implant cost?" must not pass because the emergency section, about something
    else, names a price in another sentence."""
    sentences = index.sentences[hit.position]
    if len(sentences) <= 1:
        return sentences[0] if sentences else hit.chunk.text
    similarity = index.sentence_vectors[hit.position] @ np.asarray(question_vector, dtype=np.float32)
    answers = statements(sentences)
    similarity = np.where([sentence in answers for sentence in sentences], similarity, -1.0).astype(np.float32)
    terms = set(search_terms(question))
    if terms:  # shared words break near-ties ("Klarna", "PO boxes")
        overlap = np.array([len(terms & set(search_terms(s))) / len(terms) for s in sentences], dtype=np.float32)
        similarity = similarity + 0.15 * overlap
    ranked = [int(i) for i in np.argsort(-similarity, kind="stable")]
    chosen = [ranked[0]]
    for candidate in ranked[1:MAX_SENTENCES]:
        if similarity[candidate] < 0:
            continue  # a question of the document's own
        if similarity[candidate] >= similarity[ranked[0]] - SECOND_SENTENCE_MARGIN or len(sentences[ranked[0]].split()) < 8:
            chosen.append(candidate)
    return " ".join(sentences[i] for i in sorted(chosen))


_ASKS_QUANTITY = re.compile(r"\bhow (many|much|long|soon|often|old)\b|\bwhat (does|do|would|will) .{0,30}\bcost\b|\bhow fast\b", re.IGNORECASE)
_QUANTITY = re.compile(
    r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|once|twice|free|never|always|immediately|"
    r"right away|same day|next day|a day|an hour|a week|a month|a year|no (fee|charge|cost|limit))\b",
    re.IGNORECASE,
)


def answers_the_kind(question: str, answer: str) -> bool:
    """A "how many / how much / how long" question needs a quantity in its answer.

    "How many employees does ACME have?" is close to "ACME is an online shop only"
    in meaning, but a sentence without any number cannot be its answer."""
    return not _ASKS_QUANTITY.search(question) or bool(_QUANTITY.search(answer))


def sources_text(hits: Sequence[Hit]) -> str:
    """The retrieved chunks as the LLM sees them (and as the grounding check reads them)."""
    parts: list[str] = []
    size = 0
    for hit in hits:
        part = f"[{hit.chunk.title}] {hit.chunk.text}"
        if parts and size + len(part) > MAX_CONTEXT_CHARS:
            break
        parts.append(part)
        size += len(part)
    return "\n".join(parts)


def answer_prompt(assistant_name: str, context: str, question: str) -> list[ChatMessage]:
    """Documents in the system message; the question, sanitised, as the only user message."""
    system = (
        f"You are {assistant_name}. Answer the customer's question in one or two short sentences, "
        "using only the facts in these documents. Copy numbers, prices, names and addresses exactly. "
        "If the documents do not answer the question, say that you don't know.\n\nDocuments:\n"
        f"{context}"
    )
    return [ChatMessage("system", system), ChatMessage("user", sanitize_user_text(question) or "...")]
