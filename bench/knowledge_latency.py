"""Knowledge retrieval latency on a synthetic corpus of 10,000 chunks.

    nice -n 10 python -m bench.knowledge_latency          # writes the "knowledge-latency" section

The chunks are generated sentences over a shop vocabulary (3 sentences, ~35 words
each), so BM25 sees a realistic vocabulary and document lengths. Their vectors are
random unit vectors of MiniLM's shape (384): the matrix products cost the same
whatever the values, and embedding 40,000 texts would take minutes of the shared
CPU. The question is encoded for real by the bundled MiniLM, inside the timing. A
search = encode the question + BM25 + cosine over every chunk and sentence + fusion
+ the relevance score, i.e. all of ``KnowledgeBase.search``.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

import numpy as np

from bench._results import write_section

WORDS = ["order", "delivery", "shipping", "return", "refund", "warranty", "payment", "card", "gift", "voucher", "discount", "code", "account", "password", "email", "address", "parcel", "carrier", "tracking", "customs", "invoice", "price", "product", "item", "size", "colour", "battery", "charger", "headphones", "watch", "shoes", "backpack", "lamp", "coffee", "maker", "bottle", "mat", "store", "support", "hours", "phone", "chat", "complaint", "privacy", "data", "cookie", "newsletter", "student", "sale", "exchange", "damage", "repair", "replacement", "label", "courier", "express"]
FILLER = ["the", "a", "your", "our", "we", "you", "can", "will", "is", "are", "within", "days", "business", "after", "before", "for", "with", "to", "of", "and", "on"]
QUESTIONS = [
    "how long does delivery take?", "can I return opened headphones?", "what payment methods do you accept?",
    "do gift cards expire?", "how do I reset my password?", "is there a student discount?",
    "what does the warranty cover?", "how much is express shipping?", "when is my card charged?",
    "how do I contact support?",
]


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS if rng.random() < 0.45 else FILLER) for _ in range(rng.randint(8, 16))]
    return " ".join(words).capitalize() + "."


def synthetic_index(chunks: int, seed: int = 7):  # -> KnowledgeIndex
    from dialog.knowledge.documents import Chunk
    from dialog.knowledge.index import KnowledgeIndex

    rng = random.Random(seed)
    np_rng = np.random.default_rng(seed)
    items, sentences, sentence_vectors = [], [], []
    for number in range(chunks):
        texts = [sentence(rng) for _ in range(3)]
        items.append(Chunk(f"doc{number // 20}.md", (f"Topic {number // 20}", f"Section {number}"), " ".join(texts)))
        sentences.append(texts)
        sentence_vectors.append(_unit(np_rng.standard_normal((3, 384), dtype=np.float32)))
    return KnowledgeIndex(items, sentences, _unit(np_rng.standard_normal((chunks, 384), dtype=np.float32)), sentence_vectors)


def _unit(matrix: np.ndarray) -> np.ndarray:
    return matrix / np.linalg.norm(matrix, axis=1, keepdims=True)


def main(argv: list[str] | None = None) -> None:
    from dialog.knowledge.relevance import relevance
    from dialog.knowledge.retrieval import Retriever
    from dialog.nlu.sentence_embeddings import MiniLMEmbedder, SentenceEmbeddingsConfig

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chunks", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    index = synthetic_index(args.chunks)
    encoder = MiniLMEmbedder(SentenceEmbeddingsConfig())
    encoder.warm_up()
    started = time.perf_counter()
    retriever = Retriever(index, lambda text: encoder.embed([text])[0])
    bm25_seconds = time.perf_counter() - started
    _ = index.document_frequency  # built once per index, like the BM25 tables
    for question in QUESTIONS:  # warm-up: first calls allocate
        retriever.search(question)
    timings = []
    for number in range(args.queries):
        question = QUESTIONS[number % len(QUESTIONS)] + ("" if number < len(QUESTIONS) else f" {WORDS[number % len(WORDS)]}")
        started = time.perf_counter()
        vector = retriever.encode(question)
        hits = retriever.search(question, 3, vector=vector)
        relevance(index, hits, vector, question)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()

    def p(share: float) -> float:
        return timings[min(len(timings) - 1, round(share * (len(timings) - 1)))]

    report = "\n".join([
        "## knowledge-latency",
        "",
        f"`nice -n 10 python -m bench.knowledge_latency` ({args.chunks:,} synthetic chunks, {3 * args.chunks:,} sentences, {args.queries} searches, one thread)",
        "",
        "| search (encode + BM25 + cosine + fusion + relevance) | p50 | p95 | p99 | mean |",
        "|---|---|---|---|---|",
        f"| {args.chunks:,} chunks | {p(0.5):.1f} ms | {p(0.95):.1f} ms | {p(0.99):.1f} ms | {statistics.mean(timings):.1f} ms |",
        "",
        f"Building the BM25 tables for the corpus (done once when the index loads): {bm25_seconds:.1f} s.",
        "Vectors of the corpus are random unit vectors of MiniLM's shape (the cost of the products does not depend on",
        "their values); the question is encoded by the bundled MiniLM inside the timing.",
    ])
    print(report)
    if not args.no_write:
        write_section("knowledge-latency", report)


if __name__ == "__main__":
    main()
