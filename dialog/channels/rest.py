"""The Rasa-compatible JSON endpoints: REST webhook, parse, tracker, trigger_intent,
health, status and metrics.

Each handler checks its input completely (``payloads``) before it touches the bot,
so a rejected request never changes a conversation.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from dialog.channels.bot_api import ChannelBot
from dialog.channels.metrics import ServerMetrics
from dialog.channels.payloads import check_sender, message_payload, read_json, text_field
from dialog.channels.response_selector import with_response_selector
from dialog.channels.turns import TurnRunner
from dialog.config.models import Settings
from dialog.errors import ChannelError

__all__ = ["RestEndpoints", "mask_password"]

PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8"
_URL_PASSWORD = re.compile(r"(//[^:/@]*):[^@/]*@")


def mask_password(url: str) -> str:
    """``postgresql://user:secret@host/db`` -> ``postgresql://user:***@host/db``."""
    return _URL_PASSWORD.sub(r"\1:***@", url)


@dataclass
class RestEndpoints:
    bot: ChannelBot
    settings: Settings
    turns: TurnRunner
    metrics: ServerMetrics

    def routes(self) -> list[Route]:
        return [
            Route("/webhooks/rest/webhook", self.webhook, methods=["POST"]),
            Route("/model/parse", self.parse, methods=["POST"]),
            Route("/conversations/{sender_id:path}/tracker", self.tracker, methods=["GET"]),
            Route("/conversations/{sender_id:path}/trigger_intent", self.trigger_intent, methods=["POST"]),
            Route("/health", self.health, methods=["GET"]),
            Route("/status", self.status, methods=["GET"]),
            Route("/metrics", self.prometheus, methods=["GET"]),
        ]

    async def webhook(self, request: Request) -> Response:
        payload = message_payload(await read_json(request, self.settings.max_body_bytes), self.settings.max_message_chars)
        replies = await self.turns.message(payload.sender, payload.message, payload.metadata, "rest")
        return JSONResponse([reply.as_json(payload.sender) for reply in replies])

    async def parse(self, request: Request) -> Response:
        text = text_field(await read_json(request, self.settings.max_body_bytes), "text", self.settings.max_message_chars)
        result = await asyncio.to_thread(self.bot.parse, text)  # may run the sentence encoder
        config = self.bot.config
        return JSONResponse(with_response_selector(result, config.domain, config.nlu.intents))

    async def tracker(self, request: Request) -> Response:
        sender = check_sender(request.path_params["sender_id"], "conversation id")
        return JSONResponse(await self.bot.tracker(sender))

    async def trigger_intent(self, request: Request) -> Response:
        sender = check_sender(request.path_params["sender_id"], "conversation id")
        data = await read_json(request, self.settings.max_body_bytes)
        intent = text_field(data, "name", 200)
        entities = data.get("entities")
        if entities is None:
            entities = {}
        if not isinstance(entities, dict):
            raise ChannelError("field 'entities' must be an object mapping entity names to values", 400)
        known = set(self.bot.config.domain.intents) | set(self.bot.config.nlu.intents)
        if intent not in known:
            raise ChannelError(f"the intent '{intent}' does not exist in the domain", 404)
        replies = await self.turns.intent(sender, intent, entities)
        return JSONResponse(
            {"tracker": await self.bot.tracker(sender), "messages": [reply.as_json(sender) for reply in replies]}
        )

    async def health(self, request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def status(self, request: Request) -> Response:
        status = dict(self.bot.status())
        status.setdefault("model_file", status.get("model"))
        if isinstance(status.get("tracker_store"), str):
            status["tracker_store"] = mask_password(status["tracker_store"])
        return JSONResponse(status)

    async def prometheus(self, request: Request) -> Response:
        return PlainTextResponse(self.metrics.render(), media_type=PROMETHEUS_TEXT)
