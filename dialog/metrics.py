"""The server's Prometheus metrics, and the small API the rest of dialog counts with.

Why prometheus-client: with ``dialog serve --workers N`` every worker is its own
process, and a plain in-memory counter only knew its own turns (20 turns showed as
10 with two workers). In multiprocess mode (``PROMETHEUS_MULTIPROC_DIR`` set before
the workers start, which ``dialog serve`` does) each process writes its values to
small files in that folder and ``/metrics`` sums them, so any worker answers with
the totals. Without that variable the values live in this process only.

Code outside the HTTP layer (repair patterns, knowledge answers) counts through
``count_pattern`` and ``count_knowledge_answer``; they go to the metrics of the
running server, or to a process-wide instance when there is none (console, tests).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

__all__ = [
    "LATENCY_BUCKETS",
    "MULTIPROC_ENV",
    "Metrics",
    "activate",
    "active",
    "count_knowledge_answer",
    "count_pattern",
    "multiprocess_enabled",
    "release_process",
    "shared_across_processes",
]

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


def multiprocess_enabled() -> bool:
    """True when values are shared through files (the variable is read once per process by prometheus-client)."""
    return bool(os.environ.get(MULTIPROC_ENV))


@contextmanager
def shared_across_processes() -> Iterator[Path]:
    """A fresh, empty metrics folder in ``PROMETHEUS_MULTIPROC_DIR`` for the worker processes
    started inside the block; removed afterwards. Fresh per server start, because values
    left by an earlier run would be added to the new totals."""
    folder = Path(tempfile.mkdtemp(prefix="dialog-metrics-"))
    previous = os.environ.get(MULTIPROC_ENV)
    os.environ[MULTIPROC_ENV] = str(folder)
    try:
        yield folder
    finally:
        if previous is None:
            os.environ.pop(MULTIPROC_ENV, None)
        else:
            os.environ[MULTIPROC_ENV] = previous
        shutil.rmtree(folder, ignore_errors=True)


def release_process() -> None:
    """A worker that stops drops its live-only values (prometheus-client's ``mark_process_dead``)."""
    if multiprocess_enabled():
        from prometheus_client.multiprocess import mark_process_dead

        mark_process_dead(os.getpid())  # type: ignore[no-untyped-call]  # prometheus-client leaves it unannotated


class Metrics:
    """One server's counters, latency histogram and start time, rendered in Prometheus text format."""

    def __init__(self) -> None:
        self._multiprocess = multiprocess_enabled()
        self.registry = CollectorRegistry(auto_describe=True)
        registry = self.registry
        self.turns = Counter("dialog_turns", "User turns handled, by channel.", ["channel"], registry=registry)
        self.latency = Histogram(
            "dialog_turn_latency_seconds", "Time from a turn's start to its stored replies.", buckets=LATENCY_BUCKETS, registry=registry
        )
        self.fallbacks = Counter("dialog_llm_fallbacks", "Turns that nothing handled, answered by the LLM fallback.", registry=registry)
        self.errors = Counter("dialog_http_errors", "Answers with an error status, by status.", ["status"], registry=registry)
        self.patterns = Counter("dialog_repair_patterns", "Conversation repair patterns that ran, by pattern.", ["pattern"], registry=registry)
        self.knowledge = Counter(
            "dialog_knowledge_answers", "Turns answered from the knowledge base, by retrieval mode and outcome.", ["mode", "outcome"], registry=registry
        )
        # With several workers the earliest start is the server's start.
        self.started = Gauge(
            "dialog_process_start_time_seconds", "When this server process started.", multiprocess_mode="min", registry=registry
        )
        self.started.set(time.time())

    def observe_turn(self, channel: str, seconds: float, fallback: bool) -> None:
        self.turns.labels(channel=channel).inc()
        self.latency.observe(seconds)
        if fallback:
            self.fallbacks.inc()

    def count_error(self, status: int) -> None:
        self.errors.labels(status=str(status)).inc()

    def count_pattern(self, pattern: str) -> None:
        self.patterns.labels(pattern=pattern).inc()

    def count_knowledge_answer(self, mode: str, outcome: str) -> None:
        self.knowledge.labels(mode=mode, outcome=outcome).inc()

    def render(self) -> str:
        """Every worker's values summed in multiprocess mode, else this process's."""
        if not self._multiprocess:
            return generate_latest(self.registry).decode("utf-8")
        from prometheus_client.multiprocess import MultiProcessCollector

        combined = CollectorRegistry()
        MultiProcessCollector(combined)  # type: ignore[no-untyped-call]  # registers itself; unannotated
        return generate_latest(combined).decode("utf-8")


_lock = threading.Lock()
_active: Metrics | None = None


def activate(metrics: Metrics) -> None:
    """Make ``metrics`` the one ``count_*`` calls go to (a server does this when it builds its app)."""
    global _active
    with _lock:
        _active = metrics


def active() -> Metrics:
    """The running server's metrics, or a process-wide instance created on first use."""
    global _active
    with _lock:
        if _active is None:
            _active = Metrics()
        return _active


def count_pattern(pattern: str) -> None:
    """One run of a conversation repair pattern (``cancel``, ``digression``, ``clarify``...)."""
    active().count_pattern(pattern)


def count_knowledge_answer(mode: str, outcome: str) -> None:
    """One turn answered from knowledge: ``mode`` the retrieval (``bm25``, ``llm``...), ``outcome``
    what came of it (``answered``, ``not_found``...)."""
    active().count_knowledge_answer(mode, outcome)
