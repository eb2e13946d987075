"""``create_app``: the bot's HTTP server as a Starlette ASGI app (README.md, "HTTP API").

Assembled from explicit lists: the endpoint groups (``rest``, ``callback``,
``sse``, ``socketio``, the ``web_pages`` with the ``inspector`` API), then the middleware, outermost first: error counting (``metrics``),
CORS (only when origins are configured: closed by default), token auth (``auth``).
Every error answer is JSON (``http_errors``). The lifespan starts the bot (NLU
model; the LLM loads in the background) and closes it after in-flight callback
deliveries and streamed turns finish. With ``reload`` the app serves a ``BotSwitch``
and a ``BotReloader`` swaps in a new bot when the bot folder changes.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import httpx
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware

from dialog.channels.auth import TokenAuth
from dialog.channels.bot_api import ChannelBot
from dialog.channels.callback import CallbackChannel, CallbackDelivery
from dialog.channels.credentials import SocketIOOptions, read_credentials
from dialog.channels.http_errors import exception_handlers
from dialog.channels.inspector import InspectorApi
from dialog.channels.metrics import MetricsMiddleware, ServerMetrics
from dialog.channels.rest import RestEndpoints
from dialog.channels.socketio import SocketIOChannel
from dialog.channels.sse import StreamChannel
from dialog.channels.turn_log import TurnLog
from dialog.channels.turns import TurnRunner
from dialog.channels.web_pages import STATIC_PREFIX, WebPages
from dialog.config.models import BotConfig, Settings
from dialog.metrics import activate, release_process
from dialog.reload import BotReloader, BotSwitch

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
    inspector: bool = True,
    socketio_options: SocketIOOptions | None = None,
    reload: Callable[[], BotConfig] | None = None,
    reload_interval_s: float = 0.5,
) -> Starlette:
    """The ASGI app serving ``bot``. ``settings`` default to the bot's config.yml.

    ``start_bot=False`` when the caller already started the bot; the app still
    closes it on shutdown. ``callback_transport`` is the httpx test seam.
    ``inspector=False`` leaves out ``/inspect`` and its API (production).
    ``socketio_options`` default to the bot folder's credentials.yml.
    ``reload`` (loads the bot's config afresh) turns on the reload loop.
    """
    settings = settings or bot.config.settings
    if socketio_options is None:
        socketio_options, warnings = read_credentials(bot.config.root)
        for warning in warnings:
            logger.warning("%s", warning)
    log = TurnLog() if inspector and settings.inspector else None
    reloader = None
    if reload is not None:
        bot = BotSwitch(bot)
        reloader = BotReloader(bot, bot.config.root, reload, log.publish if log else None, reload_interval_s)
    metrics = ServerMetrics()
    activate(metrics)  # repair patterns and knowledge answers count here too
    turns = TurnRunner(bot, metrics, log)
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
        *WebPages(log is not None).routes(),
        *SocketIOChannel(settings, turns, socketio_options, auth_token).routes(),
    ]
    if log is not None:
        routes += InspectorApi(bot, log, reloader.status if reloader else None).routes()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if start_bot:
            await bot.start()
        logger.info("bot '%s' ready", bot.config.name)
        if reloader is not None:
            reloader.start()
        try:
            yield
        finally:
            if reloader is not None:
                await reloader.stop()
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
    middleware.append(Middleware(TokenAuth, token=auth_token, open_prefixes=(STATIC_PREFIX, socketio_options.socketio_path + "/")))
    app = Starlette(routes=routes, middleware=middleware, exception_handlers=exception_handlers(), lifespan=lifespan)
    app.state.metrics = metrics
    app.state.bot = bot
    app.state.reloader = reloader
    app.state.turn_log = log
    return app
