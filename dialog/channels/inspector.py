"""The inspector's JSON API under ``/inspect/api/`` (the page is ``web_pages``).

    GET /inspect/api/conversations               stored conversation ids (the tracker store's)
    GET /inspect/api/conversations/{id}[?last=N] one conversation, turn by turn (``turn_view``); the last N turns
    GET /inspect/api/conversations/{id}/export   the conversation as a story test (YAML download)
    GET /inspect/api/status                      the bot's status and the last reload's outcome
    GET /inspect/api/live                        server-sent events: a notice per turn and reload

Everything here is behind ``TokenAuth`` like the REST API.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import AsyncIterator
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from dialog.channels.payloads import check_sender
from dialog.channels.sse import sse_event
from dialog.channels.story_export import conversation_test_yaml
from dialog.channels.turn_log import TurnLog
from dialog.channels.turn_view import conversation_view
from dialog.errors import ChannelError

__all__ = ["MAX_LISTED", "InspectorApi"]

logger = logging.getLogger(__name__)

MAX_LISTED = 500
# A live stream ends after this long and the page reconnects (and refreshes): the
# server cannot tell an open stream that it is shutting down, and a stream that never
# ended would hold the shutdown until uvicorn's grace period ran out.
LIVE_WINDOW_S = 5.0
RECONNECT_MS = 300
_FILE_NAME_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


class InspectorApi:
    def __init__(self, bot: Any, log: TurnLog, reload_status: Any = None) -> None:
        self.bot = bot
        self.log = log
        self.reload_status = reload_status  # a callable -> dict, when the server reloads

    def routes(self) -> list[Route]:
        return [
            Route("/inspect/api/conversations", self.conversations, methods=["GET"]),
            Route("/inspect/api/conversations/{sender_id:path}/export", self.export, methods=["GET"]),
            Route("/inspect/api/conversations/{sender_id:path}", self.conversation, methods=["GET"]),
            Route("/inspect/api/status", self.status, methods=["GET"]),
            Route("/inspect/api/live", self.live, methods=["GET"]),
        ]

    async def conversations(self, request: Request) -> Response:
        senders = sorted(await self.bot.store.senders())
        return JSONResponse({"conversations": senders[:MAX_LISTED], "total": len(senders)})

    async def conversation(self, request: Request) -> Response:
        sender = check_sender(request.path_params["sender_id"], "conversation id")
        events = await self.bot.store.load(sender)
        engine = self.bot.engine
        view = conversation_view(
            sender, events, engine.runtime.initial_slots, self.log, self.bot.config.settings.trigger_threshold
        )
        last = request.query_params.get("last")
        if last is not None:
            if not last.isdigit() or int(last) < 1:
                raise ChannelError(f"'last' must be a positive number of turns, not {last!r}", 400)
            view["turn_count"] = len(view["turns"])
            view["turns"] = view["turns"][-int(last):]
        return JSONResponse(view)

    async def export(self, request: Request) -> Response:
        sender = check_sender(request.path_params["sender_id"], "conversation id")
        events = await self.bot.store.load(sender)
        file_name = (_FILE_NAME_UNSAFE.sub("_", sender).strip("_") or "conversation")[:80] + ".yml"
        return Response(
            conversation_test_yaml(sender, events),
            media_type="application/x-yaml; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{file_name}"'},
        )

    async def status(self, request: Request) -> Response:
        return JSONResponse({"bot": _plain(self.bot.status()), "reload": self.reload_status() if self.reload_status else None})

    async def live(self, request: Request) -> Response:
        queue = self.log.subscribe()

        async def notices() -> AsyncIterator[str]:
            ends = asyncio.get_running_loop().time() + LIVE_WINDOW_S
            try:
                yield f"retry: {RECONNECT_MS}\n" + sse_event("hello", {"bot": self.bot.config.name})
                while (left := ends - asyncio.get_running_loop().time()) > 0:
                    try:
                        notice = await asyncio.wait_for(queue.get(), left)
                    except TimeoutError:
                        break
                    yield sse_event(str(notice.get("type", "notice")), notice)
            finally:
                self.log.unsubscribe(queue)

        headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
        return StreamingResponse(notices(), media_type="text/event-stream", headers=headers)


def _plain(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))
