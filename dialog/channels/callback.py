"""Rasa's callback channel: the turn runs, ``"success"`` is answered, and the replies
are POSTed one by one to ``settings.callback_url`` in the background.

Delivery retries with exponential backoff on connection errors and 5xx answers, and
keeps each sender's replies in order across turns (each delivery waits for that
sender's previous one). The turn is stored before ``"success"`` goes out, so a
delivery that finally fails never loses the conversation.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any

import httpx
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from dialog.channels.payloads import message_payload, read_json
from dialog.channels.turns import TurnRunner
from dialog.config.models import Settings
from dialog.errors import ChannelError

__all__ = ["CallbackChannel", "CallbackDelivery"]

logger = logging.getLogger(__name__)


@dataclass
class CallbackDelivery:
    """POSTs reply JSON to one URL with retries; ``drain`` waits for what is queued."""

    url: str
    attempts: int = 4
    first_backoff_s: float = 0.2
    timeout_s: float = 5.0
    transport: httpx.AsyncBaseTransport | None = None
    failed: int = 0
    _client: httpx.AsyncClient | None = None
    _last: dict[str, asyncio.Task[None]] = field(default_factory=dict)

    def client(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(timeout=self.timeout_s, transport=self.transport)
        return self._client

    def send(self, sender: str, messages: list[dict[str, Any]]) -> asyncio.Task[None]:
        previous = self._last.get(sender)
        task = asyncio.create_task(self._deliver(sender, messages, previous))
        self._last[sender] = task
        task.add_done_callback(lambda done: self._forget(sender, done))
        return task

    def _forget(self, sender: str, task: asyncio.Task[None]) -> None:
        if self._last.get(sender) is task:
            del self._last[sender]

    async def _deliver(self, sender: str, messages: list[dict[str, Any]], previous: asyncio.Task[None] | None) -> None:
        if previous is not None:
            await asyncio.wait([previous])
        for message in messages:
            if not await self._post(message):
                self.failed += 1
                logger.error("callback: gave up delivering a reply for '%s' to %s", sender, self.url)
                return

    async def _post(self, message: dict[str, Any]) -> bool:
        backoff = self.first_backoff_s
        for attempt in range(1, self.attempts + 1):
            try:
                response = await self.client().post(self.url, json=message)
                if response.status_code < 500:
                    if response.status_code >= 400:
                        logger.warning("callback: %s refused a reply with %s", self.url, response.status_code)
                    return response.status_code < 400
                problem = f"status {response.status_code}"
            except httpx.HTTPError as exc:
                problem = f"{type(exc).__name__}: {exc}"
            logger.warning("callback: attempt %d/%d to %s failed (%s)", attempt, self.attempts, self.url, problem)
            if attempt < self.attempts:
                await asyncio.sleep(backoff)
                backoff *= 2
        return False

    async def drain(self, timeout_s: float = 5.0) -> None:
        pending = list(self._last.values())
        if pending:
            await asyncio.wait(pending, timeout=timeout_s)

    async def close(self, timeout_s: float = 5.0) -> None:
        await self.drain(timeout_s)
        for task in list(self._last.values()):
            task.cancel()
        if self._client is not None:
            await self._client.aclose()


@dataclass
class CallbackChannel:
    settings: Settings
    turns: TurnRunner
    delivery: CallbackDelivery | None

    def routes(self) -> list[Route]:
        return [Route("/webhooks/callback/webhook", self.webhook, methods=["POST"])]

    async def webhook(self, request: Request) -> Response:
        if self.delivery is None:
            raise ChannelError("the callback channel is off: set callback_url in config.yml", 404)
        payload = message_payload(await read_json(request, self.settings.max_body_bytes), self.settings.max_message_chars)
        replies = await self.turns.message(payload.sender, payload.message, payload.metadata, "callback")
        self.delivery.send(payload.sender, [reply.as_json(payload.sender) for reply in replies])
        return PlainTextResponse("success")
