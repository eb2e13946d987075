"""The knowledge index: chunks, their sentence vectors, stored next to the NLU model.

``<bot>/.dialog/models/knowledge/<fingerprint>/`` holds ``chunks.json`` (the chunks
and their sentences) and ``vectors.npy`` (one MiniLM vector per chunk, then one per
sentence). The fingerprint hashes every document's path and bytes and the encoder's
options, so ``dialog train`` re-indexes only when a document changed, as with the
NLU. The BM25 tables are rebuilt when the index loads: that takes milliseconds for a
bot's documents (about 0.5 s for 10,000 chunks) and keeps the stored format to plain
JSON and numpy (nothing that runs code when it loads).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from dialog import __version__
from dialog.config.models import BotConfig
from dialog.knowledge.documents import (
    Chunk,
    Documents,
    document_files,
    read_documents,
    split_sentences,
)
from dialog.knowledge.encoder import encoder_options
from dialog.knowledge.text import search_terms

__all__ = ["INDEX_GENERATION", "KnowledgeIndex", "TextEncoder", "build_index", "ensure_index", "index_dir", "knowledge_fingerprint"]

logger = logging.getLogger(__name__)

INDEX_GENERATION = 6  # raise when what an index holds changes: old indexes are rebuilt
KEEP_INDEXES = 3
_CHUNKS = "chunks.json"
_VECTORS = "vectors.npy"


class TextEncoder(Protocol):
    """What indexing needs from the sentence encoder (``MiniLMEmbedder``)."""

    def embed(self, texts: Sequence[str]) -> Any: ...

    def embed_batched(self, texts: Sequence[str]) -> Any: ...


@dataclass
class KnowledgeIndex:
    """Chunks, each chunk's sentences, and the vectors of both (L2-normalised rows)."""

    chunks: list[Chunk]
    sentences: list[list[str]]  # per chunk
    chunk_vectors: np.ndarray  # (chunks, dim)
    sentence_vectors: list[np.ndarray]  # per chunk: (its sentences, dim)
    path: Path | None = None

    def __len__(self) -> int:
        return len(self.chunks)

    @cached_property
    def chunk_terms(self) -> list[frozenset[str]]:
        return [frozenset(search_terms(chunk.search_text())) for chunk in self.chunks]

    @cached_property
    def document_frequency(self) -> dict[str, int]:
        """term -> how many chunks use it (which question words the documents use at all, and how often)."""
        counts: dict[str, int] = {}
        for terms in self.chunk_terms:
            for term in terms:
                counts[term] = counts.get(term, 0) + 1
        return counts

    @property
    def vocabulary(self) -> dict[str, int]:
        return self.document_frequency

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        payload = {
            "format": INDEX_GENERATION,
            "chunks": [{**chunk.as_json(), "sentences": sentences} for chunk, sentences in zip(self.chunks, self.sentences)],
        }
        (directory / _CHUNKS).write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
        stacked = np.concatenate([self.chunk_vectors, *self.sentence_vectors]) if self.chunks else self.chunk_vectors
        np.save(directory / _VECTORS, stacked.astype(np.float32), allow_pickle=False)

    @classmethod
    def load(cls, directory: Path) -> KnowledgeIndex:
        payload = json.loads((directory / _CHUNKS).read_text(encoding="utf-8"))
        vectors = np.load(directory / _VECTORS, allow_pickle=False)
        chunks = [Chunk(item["file"], tuple(item["headings"]), item["text"]) for item in payload["chunks"]]
        sentences = [list(item["sentences"]) for item in payload["chunks"]]
        count = len(chunks)
        per_chunk, start = [], count
        for chunk_sentences in sentences:
            per_chunk.append(vectors[start : start + len(chunk_sentences)])
            start += len(chunk_sentences)
        return cls(chunks, sentences, vectors[:count], per_chunk, directory)


def knowledge_fingerprint(config: BotConfig) -> str:
    """A short hash of the documents (paths and bytes) and of how they are embedded."""
    digest = hashlib.sha256()
    header = {"dialog": __version__, "generation": INDEX_GENERATION, "encoder": encoder_options(config)}
    digest.update(json.dumps(header, sort_keys=True, default=str).encode("utf-8"))
    for path in document_files(config.root):
        digest.update(path.relative_to(config.root).as_posix().encode("utf-8") + b"\0")
        try:
            digest.update(hashlib.sha256(path.read_bytes()).digest())
        except OSError:
            digest.update(b"<unreadable>")
    return digest.hexdigest()[:16]


def index_dir(config: BotConfig) -> Path:
    return config.root / ".dialog" / "models" / "knowledge" / knowledge_fingerprint(config)


def build_index(documents: Documents, encoder: TextEncoder) -> KnowledgeIndex:
    """Embed every chunk (with its headings) and every sentence of it."""
    chunks = documents.chunks
    sentences = [split_sentences(chunk.text) or [chunk.text] for chunk in chunks]
    # a sentence is embedded with its headings: "Refunds: The money goes back to your original
    # payment method." is about refunds, not about how to pay
    flat = [f"{chunk.title}: {sentence}" for chunk, chunk_sentences in zip(chunks, sentences) for sentence in chunk_sentences]
    if not chunks:
        return KnowledgeIndex([], [], np.zeros((0, 384), dtype=np.float32), [])
    vectors = np.asarray(encoder.embed_batched([chunk.search_text() for chunk in chunks] + flat), dtype=np.float32)
    chunk_vectors, sentence_rows = vectors[: len(chunks)], vectors[len(chunks) :]
    per_chunk, start = [], 0
    for chunk_sentences in sentences:
        per_chunk.append(sentence_rows[start : start + len(chunk_sentences)])
        start += len(chunk_sentences)
    return KnowledgeIndex(chunks, sentences, chunk_vectors, per_chunk)


@dataclass(frozen=True)
class IndexResult:
    index: KnowledgeIndex
    skipped: bool  # an up-to-date index was reused
    documents: Documents | None  # None when skipped (nothing was read)


def ensure_index(config: BotConfig, encoder: TextEncoder, force: bool = False) -> IndexResult:
    """The index of the bot's current documents: loaded when it exists, else built and stored.

    Writes into a temporary folder renamed into place (a reader never sees half an index)."""
    target = index_dir(config)
    if not force and (target / _VECTORS).is_file():
        try:
            return IndexResult(KnowledgeIndex.load(target), True, None)
        except (OSError, ValueError, KeyError) as exc:
            logger.warning("knowledge index %s is unreadable (%s); rebuilding it", target, exc)
    documents = read_documents(config.root)
    for problem in documents.errors:
        logger.warning("%s (the file is left out of the knowledge index)", problem)
    index = build_index(documents, encoder)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".tmp-{target.name}-", dir=target.parent))
    try:
        index.save(staging)
        if target.exists():
            shutil.rmtree(target, ignore_errors=True)
        os.replace(staging, target)
    except OSError as exc:
        if not (target / _VECTORS).is_file():
            raise
        logger.info("knowledge index %s appeared while indexing (%s); keeping it", target, exc)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    index.path = target
    _prune(target)
    return IndexResult(index, False, documents)


def _prune(keep: Path) -> None:
    indexes = [p for p in keep.parent.iterdir() if p.is_dir() and not p.name.startswith(".")]
    indexes.sort(key=lambda p: (p == keep, p.stat().st_mtime), reverse=True)
    for old in indexes[KEEP_INDEXES:]:
        shutil.rmtree(old, ignore_errors=True)
