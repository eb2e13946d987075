"""``ServerMetrics``: what ``GET /metrics`` reports, in Prometheus text format 0.0.4.

Counters and one latency histogram kept in plain Python (one process's view; with
``--workers N`` each worker counts its own requests, as with any Prometheus client
without multiprocess mode). ``MetricsMiddleware`` counts every 4xx/5xx answer,
including the 401s that never reach a route.
"""

from __future__ import annotations

import bisect
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["LATENCY_BUCKETS", "MetricsMiddleware", "ServerMetrics"]

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class ServerMetrics:
    def __init__(self) -> None:
        self.turns: dict[str, int] = {}
        self.fallbacks = 0
        self.errors: dict[int, int] = {}
        self._bucket_counts = [0] * (len(LATENCY_BUCKETS) + 1)
        self._latency_sum = 0.0
        self._started = time.time()

    def observe_turn(self, channel: str, seconds: float, fallback: bool) -> None:
        self.turns[channel] = self.turns.get(channel, 0) + 1
        self._bucket_counts[bisect.bisect_left(LATENCY_BUCKETS, seconds)] += 1
        self._latency_sum += seconds
        if fallback:
            self.fallbacks += 1

    def count_error(self, status: int) -> None:
        self.errors[status] = self.errors.get(status, 0) + 1

    def render(self) -> str:
        lines = [
            "# HELP dialog_turns_total User turns handled, by channel.",
            "# TYPE dialog_turns_total counter",
            *(f'dialog_turns_total{{channel="{name}"}} {count}' for name, count in sorted(self.turns.items())),
            "# HELP dialog_turn_latency_seconds Time from a turn's start to its stored replies.",
            "# TYPE dialog_turn_latency_seconds histogram",
        ]
        cumulative = 0
        for bound, count in zip(LATENCY_BUCKETS, self._bucket_counts):
            cumulative += count
            lines.append(f'dialog_turn_latency_seconds_bucket{{le="{bound:g}"}} {cumulative}')
        cumulative += self._bucket_counts[-1]
        lines += [
            f'dialog_turn_latency_seconds_bucket{{le="+Inf"}} {cumulative}',
            f"dialog_turn_latency_seconds_sum {self._latency_sum:.6f}",
            f"dialog_turn_latency_seconds_count {cumulative}",
            "# HELP dialog_llm_fallbacks_total Turns that nothing handled, answered by the LLM fallback.",
            "# TYPE dialog_llm_fallbacks_total counter",
            f"dialog_llm_fallbacks_total {self.fallbacks}",
            "# HELP dialog_http_errors_total Answers with an error status, by status.",
            "# TYPE dialog_http_errors_total counter",
            *(f'dialog_http_errors_total{{status="{status}"}} {count}' for status, count in sorted(self.errors.items())),
            "# HELP dialog_process_start_time_seconds When this server process started.",
            "# TYPE dialog_process_start_time_seconds gauge",
            f"dialog_process_start_time_seconds {self._started:.3f}",
        ]
        return "\n".join(lines) + "\n"


class MetricsMiddleware:
    """Counts error answers by status as they are sent."""

    def __init__(self, app: ASGIApp, metrics: ServerMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def counting_send(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] >= 400:
                self.metrics.count_error(message["status"])
            await send(message)

        await self.app(scope, receive, counting_send)
