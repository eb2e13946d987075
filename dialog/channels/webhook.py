"""``create_app``: the bot's HTTP server as a Starlette ASGI app (README.md, "HTTP API").

Assembled from explicit lists: the endpoint groups (``rest``, ``callback``,
``sse``), then the middleware, outermost first: error counting (``metrics``),
CORS (only when origins are configured: closed by default), token auth (``auth``).
Every error answer is JSON (``http_errors``). The lifespan starts the bot (NLU
model; the LLM loads in the background) and closes it after in-flight callback
deliveries and streamed turns finish.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware

from dialog.channels.auth import TokenAuth
from dialog.channels.bot_api import ChannelBot
from dialog.channels.callback import CallbackChannel, CallbackDelivery
from dialog.channels.http_errors import exception_handlers
from dialog.channels.metrics import MetricsMiddleware, ServerMetrics
from dialog.channels.rest import RestEndpoints
from dialog.channels.sse import StreamChannel
from dialog.channels.turns import TurnRunner
from dialog.config.models import Settings
from dialog.metrics import activate, release_process

__all__ = ["create_app"]

logger = logging.getLogger(__name__)


def create_app(
    bot: ChannelBot,
    settings: Settings | None = None,
    *,
    auth_token: str | None = None,
    start_bot: bool = True,
    callback_transport: httpx.AsyncBaseTransport | None = None,
    callback_backoff_s: float = 0.2,
) -> Starlette:
    """The ASGI app serving ``bot``. ``settings`` default to the bot's config.yml.

    ``start_bot=False`` when the caller already started the bot; the app still
    closes it on shutdown. ``callback_transport`` is the httpx test seam.
    """
    settings = settings or bot.config.settings
    metrics = ServerMetrics()
    activate(metrics)  # repair patterns and knowledge answers count here too
    turns = TurnRunner(bot, metrics)
    delivery = (
        CallbackDelivery(settings.callback_url, transport=callback_transport, first_backoff_s=callback_backoff_s)
        if settings.callback_url
        else None
    )
    stream = StreamChannel(settings, turns)
    routes = [
        *RestEndpoints(bot, settings, turns, metrics).routes(),
        *CallbackChannel(settings, turns, delivery).routes(),
        *stream.routes(),
    ]

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if start_bot:
            await bot.start()
        logger.info("bot '%s' ready", bot.config.name)
        try:
            yield
        finally:
            await stream.wait()
            if delivery is not None:
                await delivery.close()
            await bot.close()
            release_process()

    middleware = [Middleware(MetricsMiddleware, metrics=metrics)]
    if settings.cors_origins:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=list(settings.cors_origins),
                allow_methods=["GET", "POST", "OPTIONS"],
                allow_headers=["Authorization", "Content-Type"],
            )
        )
    middleware.append(Middleware(TokenAuth, token=auth_token))
    app = Starlette(routes=routes, middleware=middleware, exception_handlers=exception_handlers(), lifespan=lifespan)
    app.state.metrics = metrics
    app.state.bot = bot
    return app
