"""``POST /webhooks/rest/stream``: the REST webhook as server-sent events.

The body is the REST webhook's. Each piece of an LLM reply is sent as it is
generated (``event: token``, data ``{"text": piece}``), then ``event: replies``
carries the turn's full replies exactly as the REST webhook would return them.
A failure after the stream started is ``event: error`` (the status is already 200).
The turn runs as its own task, so a client that disconnects cannot cut a turn in
half: it still completes and is stored.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from dialog.channels.payloads import message_payload, read_json
from dialog.channels.turns import TurnRunner
from dialog.config.models import Settings
from dialog.errors import DialogError
from dialog.types import Reply

__all__ = ["StreamChannel", "sse_event"]

logger = logging.getLogger(__name__)

_DONE = object()


def sse_event(name: str, data: Any) -> str:
    return f"event: {name}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


@dataclass
class StreamChannel:
    settings: Settings
    turns: TurnRunner
    _running: set[asyncio.Task[list[Reply]]] = field(default_factory=set)

    def routes(self) -> list[Route]:
        return [Route("/webhooks/rest/stream", self.stream, methods=["POST"])]

    async def stream(self, request: Request) -> Response:
        payload = message_payload(await read_json(request, self.settings.max_body_bytes), self.settings.max_message_chars)
        queue: asyncio.Queue[Any] = asyncio.Queue()

        async def on_token(piece: str) -> None:
            queue.put_nowait(piece)

        task = asyncio.create_task(
            self.turns.message(payload.sender, payload.message, payload.metadata, "stream", on_token)
        )
        self._running.add(task)
        task.add_done_callback(self._running.discard)
        task.add_done_callback(lambda _: queue.put_nowait(_DONE))

        async def events() -> AsyncIterator[str]:
            while (item := await queue.get()) is not _DONE:
                yield sse_event("token", {"text": item})
            try:
                replies = task.result()
            except DialogError as exc:
                logger.error("streamed turn of '%s' failed: %s", payload.sender, exc)
                yield sse_event("error", {"error": "internal_error", "detail": str(exc)})
                return
            yield sse_event("replies", [reply.as_json(payload.sender) for reply in replies])

        headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
        return StreamingResponse(events(), media_type="text/event-stream", headers=headers)

    async def wait(self, timeout_s: float = 5.0) -> None:
        """Let running turns finish (server shutdown)."""
        if self._running:
            await asyncio.wait(list(self._running), timeout=timeout_s)
