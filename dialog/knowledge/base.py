"""``KnowledgeBase``: what the bot asks when a question is not a task (``answer``).

One per bot process. ``load`` reads (or builds) the index and wires the retriever;
``answer`` searches, decides whether anything is relevant enough, and writes the
reply in the configured mode. It never raises for a question: a failing LLM or a
generated answer that fails the grounding check falls back to the extractive one.
"""

from __future__ import annotations

import asyncio
import logging
import re
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from dialog.config.models import BotConfig, KnowledgeSettings
from dialog.errors import LLMError
from dialog.knowledge.answers import (
    answer_prompt,
    answers_the_kind,
    closest_sentences,
    extractive_answer,
    sources_text,
)
from dialog.knowledge.documents import document_files
from dialog.knowledge.encoder import knowledge_encoder
from dialog.knowledge.grounding import supported, ungrounded
from dialog.knowledge.index import ensure_index
from dialog.knowledge.relevance import relevance
from dialog.knowledge.retrieval import Hit, Retriever
from dialog.knowledge.text import normalise_question
from dialog.llm.cleaning import ReplyCleaner

__all__ = ["MAX_QUESTION_CHARS", "KnowledgeAnswer", "KnowledgeBase"]

logger = logging.getLogger(__name__)

# A question is cut to this before it is searched: the encoder reads 128 tokens anyway,
# and a 1 MB message must not cost a 1 MB BM25 lookup.
MAX_QUESTION_CHARS = 1000
_GENERATED_MAX_TOKENS = 60  # two short sentences; every token costs ~40 ms on a busy CPU
_TITLE_PREFIX = re.compile(r"^\[[^\]]{0,200}\]\s*")  # the model copying a chunk's "[title]"


@dataclass(frozen=True)
class KnowledgeAnswer:
    """``text`` is None when nothing in the documents is relevant enough."""

    text: str | None
    sources: list[dict[str, str]] = field(default_factory=list)  # [{"file": ..., "heading": ...}]
    mode: str = "none"  # extractive | generative | none
    relevance: float = 0.0
    similarity: float = 0.0  # the best chunk's cosine similarity (how close the question is to the documents at all)
    latency_ms: int = 0
    note: str = ""  # why generative fell back, when it did

    def metadata(self) -> dict[str, Any]:
        """What the bot event carries (``metadata.knowledge``)."""
        data: dict[str, Any] = {"sources": self.sources, "mode": self.mode, "relevance": round(self.relevance, 3)}
        if self.note:
            data["note"] = self.note
        return data


class KnowledgeBase:
    """The bot's documents, searchable; shared by every conversation of the process."""

    def __init__(self, config: BotConfig, nlu: Any = None, generator: Any = None) -> None:
        self.config = config
        self.settings: KnowledgeSettings = config.settings.knowledge
        self.generator = generator
        self._nlu = nlu
        self._retriever: Retriever | None = None
        self._encoder: Any = None
        self._documents_text: str | None = None  # every chunk's text, for unbacked_facts
        self._loading = threading.Lock()
        self._topics: dict[str, frozenset[str]] = {}  # a flow's description -> its sections (sections_about)

    @classmethod
    def from_config(cls, config: BotConfig, nlu: Any = None, generator: Any = None) -> KnowledgeBase | None:
        """None when the bot has no documents (no ``knowledge/`` or ``docs/``, or empty ones)."""
        if not document_files(config.root):
            return None
        return cls(config, nlu, generator)

    def use_nlu(self, nlu: Any) -> None:
        """Share the loaded NLU's sentence encoder (call before ``load``)."""
        self._nlu = nlu

    @property
    def loaded(self) -> bool:
        return self._retriever is not None

    def load(self) -> None:
        """Load the index, building it first when a document changed (thread-safe, idempotent)."""
        if self._retriever is not None:
            return
        with self._loading:
            if self._retriever is None:
                encoder = knowledge_encoder(self.config, self._nlu)
                result = ensure_index(self.config, encoder)
                self._encoder = encoder
                self._retriever = Retriever(result.index, lambda text: encoder.embed([text])[0])
                logger.info("knowledge: %d chunks from %s", len(result.index), result.index.path)

    def start_loading(self) -> None:
        """Load (or build) the index in a background thread; a question meanwhile waits for it."""

        def load() -> None:
            try:
                self.load()
            except Exception as exc:  # noqa: BLE001 - reported again by the first question that needs it
                logger.warning("knowledge: the index could not load: %s", exc)

        if self._retriever is None:
            threading.Thread(target=load, name="knowledge-load").start()

    def search(self, question: str, top_k: int | None = None) -> tuple[list[Hit], np.ndarray, float]:
        """The best chunks, the question's vector and the relevance of the best chunk."""
        self.load()
        assert self._retriever is not None
        question = normalise_question(question[:MAX_QUESTION_CHARS])
        vector = self._retriever.encode(question)
        hits = self._retriever.search(question, top_k or self.settings.top_k, vector=vector)
        return hits, vector, relevance(self._retriever.index, hits, vector, question)

    async def answer(self, question: str, threshold: float | None = None, focus: str | None = None) -> KnowledgeAnswer:
        """The answer from the documents, or ``text=None`` when none is relevant enough.

        ``threshold``: instead of ``knowledge.threshold`` (a flow that searches on purpose).
        ``focus``: the words that choose the answer's sentences, when ``question`` carries
        context for the search ("how much is Premium? and the cheapest one?": the cheapest)."""
        started = time.monotonic()
        question = question[:MAX_QUESTION_CHARS]
        hits, vector, score = await asyncio.to_thread(self.search, question)
        if focus is not None and self._retriever is not None:
            question = normalise_question(focus[:MAX_QUESTION_CHARS])
            vector = await asyncio.to_thread(self._retriever.encode, question)
            hits = _refocused(self._retriever.index, hits, vector)
        similarity = hits[0].similarity if hits else 0.0
        bar = self.settings.threshold if threshold is None else threshold
        if not hits or score < bar:
            return KnowledgeAnswer(None, relevance=score, similarity=similarity, latency_ms=_ms(started))
        assert self._retriever is not None
        best = hits[0]
        closest = closest_sentences(self._retriever.index, best, vector, question)
        extractive = extractive_answer(self._retriever.index, best, closest)
        if not answers_the_kind(question, closest):
            return KnowledgeAnswer(None, relevance=score, similarity=similarity, latency_ms=_ms(started), note="no quantity")
        sources = [{"file": best.chunk.file, "heading": " > ".join(best.chunk.headings)}]
        if self.settings.mode != "generative" or self.generator is None:
            return KnowledgeAnswer(extractive, sources, "extractive", score, similarity, _ms(started))
        generated, note = await self._generate(question, hits, extractive)
        if generated is None:
            return KnowledgeAnswer(extractive, sources, "extractive", score, similarity, _ms(started), note)
        used = [{"file": hit.chunk.file, "heading": " > ".join(hit.chunk.headings)} for hit in hits]
        return KnowledgeAnswer(generated, used, "generative", score, similarity, _ms(started))

    async def _generate(self, question: str, hits: list[Hit], extractive: str) -> tuple[str | None, str]:
        """The LLM's answer from the hits, or None and why it is not used."""
        context = sources_text(hits)
        messages = answer_prompt(self.config.domain.assistant_name, context, question)
        # no echo check against the prompt: a faithful answer repeats the documents' words
        cleaner = ReplyCleaner("", 600, (self.config.domain.assistant_name,), None, 2)
        try:
            async with asyncio.timeout(self.config.settings.llm.timeout_s):
                generation = await self.generator.generate(messages, _GENERATED_MAX_TOKENS)
        except TimeoutError:
            return None, "timeout"
        except LLMError as exc:
            logger.warning("knowledge: the LLM failed (%s); answering with the document's sentences", exc)
            return None, "error"
        cleaner.feed(_TITLE_PREFIX.sub("", generation.text.strip()))
        cleaner.finish()
        text = cleaner.text
        if not text:
            return None, "empty"
        missing = ungrounded(text, context)
        if missing:
            logger.info("knowledge: generated answer not in the documents (%s); answering extractively", ", ".join(missing))
            return None, "ungrounded: " + ", ".join(missing[:5])
        if _says_unknown(text):
            return None, "model did not answer"
        if not supported(text, extractive, context):
            return None, "not supported by the documents"
        return text, ""

    def sections_about(self, topic: str, count: int = 3) -> frozenset[str]:
        """The sources (``file > heading``) of the ``count`` chunks closest to ``topic`` (cached)."""
        found = self._topics.get(topic)
        if found is None:
            hits, _, _ = self.search(topic, count)
            found = self._topics[topic] = frozenset(hit.chunk.source for hit in hits)
        return found

    def unbacked_facts(self, text: str, also_allowed: str = "") -> list[str]:
        """The numbers, addresses and names of ``text`` that neither ``also_allowed`` nor any
        document contains: a reply stating them answers from the model's memory."""
        self.load()
        assert self._retriever is not None
        if self._documents_text is None:
            self._documents_text = " ".join(chunk.text for chunk in self._retriever.index.chunks)
        return ungrounded(text, f"{also_allowed}\n{self._documents_text}")

    def status(self) -> dict[str, Any]:
        return {"loaded": self.loaded, "chunks": len(self._retriever.index) if self._retriever else None, "mode": self.settings.mode}


def _refocused(index: Any, hits: list[Hit], focus: np.ndarray) -> list[Hit]:
    """``hits`` ranked by their search score plus their closest sentence's cosine with the
    ``focus`` words: "how long is the warranty on electronics? and on shoes?" finds the
    extended warranty for electronics first, the warranty periods (shoes among them) with
    the follow-up's own words."""

    def closeness(hit: Hit) -> float:
        vectors = index.sentence_vectors[hit.position]
        return hit.score + (float((vectors @ focus).max()) if len(vectors) else 0.0)

    return sorted(hits, key=closeness, reverse=True)


def _says_unknown(text: str) -> bool:
    """A generated "I don't know" although a chunk passed the threshold: the verbatim answer is better."""
    lowered = text.lower()
    return any(phrase in lowered for phrase in ("don't know", "do not know", "not sure", "no information", "doesn't say", "does not say"))


def _ms(started: float) -> int:
    return round((time.monotonic() - started) * 1000)
