"""``MetricsMiddleware``: counts every 4xx/5xx answer, including the 401s that never reach a route.

The metrics themselves (and multiprocess mode for ``--workers N``) are in
``dialog/metrics.py``; ``ServerMetrics`` is their name on the HTTP side.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dialog.metrics import LATENCY_BUCKETS, Metrics

__all__ = ["LATENCY_BUCKETS", "MetricsMiddleware", "ServerMetrics"]

ServerMetrics = Metrics


class MetricsMiddleware:
    """Counts error answers by status as they are sent."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
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
