"""The Socket.IO channel, compatible with Rasa's ``socketio`` channel (and so Rasa Webchat).

python-socketio speaks the protocol (Engine.IO 4, long-polling and websocket);
this module only maps Rasa's events onto the bot:

* ``session_request`` (``{"session_id": ...}`` or nothing) -> ``session_confirm``
  with the session id (a new one when none was given). With
  ``session_persistence`` the socket joins a room named after the session, and the
  session id is the conversation id, so a page reload continues the conversation.
* ``user_uttered`` (``{"message": ..., "session_id": ..., "metadata": {...}}``) ->
  one ``bot_uttered`` per reply, in Rasa's shapes: ``{"text"}``, ``{"text",
  "quick_replies": [...]}``, ``{"attachment": {"type": "image", ...}}`` or the
  custom payload. Without persistence the conversation id is the socket's id.

A message that is not what Rasa sends (not an object, no text, too long, no
session id under persistence) gets an ``error`` event naming the problem and
changes no conversation. With an auth token, connecting needs it
(``auth: {token}`` or ``?token=``).
"""

from __future__ import annotations

import hmac
import logging
import uuid
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl

import socketio
from starlette.routing import Mount

from dialog.channels.credentials import SocketIOOptions
from dialog.channels.payloads import MAX_ID_CHARS, check_sender
from dialog.channels.turns import TurnRunner
from dialog.config.models import Settings
from dialog.errors import ChannelError, DialogError
from dialog.types import Reply

__all__ = ["SocketIOChannel", "rasa_messages"]

logger = logging.getLogger(__name__)

CHANNEL = "socketio"


def rasa_messages(reply: Reply) -> list[dict[str, Any]]:
    """The ``bot_uttered`` payloads Rasa's ``SocketIOOutput`` sends for one reply."""
    messages: list[dict[str, Any]] = []
    parts = [part for part in reply.text.strip().split("\n\n") if part] if reply.text else []
    if reply.buttons:
        parts = parts or [""]
        messages += [{"text": part} for part in parts[:-1]]
        quick_replies = [{"content_type": "text", "title": b.title, "payload": b.payload} for b in reply.buttons]
        messages.append({"text": parts[-1], "quick_replies": quick_replies})
    else:
        messages += [{"text": part} for part in parts]
    if reply.image:
        messages.append({"attachment": {"type": "image", "payload": {"src": reply.image}}})
    if reply.custom:
        # Rasa emits a custom payload's ``data`` (Rasa Webchat's convention: ``custom: {data: ...}``)
        custom = dict(reply.custom)
        messages.append(custom["data"] if set(custom) <= {"data", "room"} and "data" in custom else custom)
    return messages


class SocketIOChannel:
    def __init__(
        self, settings: Settings, turns: TurnRunner, options: SocketIOOptions, auth_token: str | None = None
    ) -> None:
        self.settings = settings
        self.turns = turns
        self.options = options
        self._token = auth_token.encode("utf-8") if auth_token else None
        # Rasa Webchat is embedded on other sites: any origin, unless config.yml's cors_origins
        # restricts them; then the app's CORS middleware answers (an empty list turns
        # python-engineio's own CORS headers off, which would otherwise come twice).
        origins: Any = [] if settings.cors_origins else "*"
        self.server = socketio.AsyncServer(
            async_mode="asgi",
            cors_allowed_origins=origins,
            max_http_buffer_size=settings.max_body_bytes,
            logger=False,
            engineio_logger=False,
        )
        self.server.on("connect", self.connect)
        self.server.on("session_request", self.session_request)
        self.server.on(options.user_message_evt, self.user_message)

    def routes(self) -> list[Mount]:
        return [Mount(self.options.socketio_path, app=socketio.ASGIApp(self.server, socketio_path=None))]

    async def connect(self, sid: str, environ: Mapping[str, Any], auth: Any = None) -> bool:
        if self._token is None:
            return True
        offered = [auth.get("token")] if isinstance(auth, dict) else []
        offered += [value for key, value in parse_qsl(str(environ.get("QUERY_STRING", ""))) if key == "token"]
        ok = sum(isinstance(t, str) and hmac.compare_digest(t.encode("utf-8"), self._token) for t in offered) > 0
        if not ok:
            logger.info("socket.io connection refused: missing or wrong token")
            raise socketio.exceptions.ConnectionRefusedError("missing or wrong token: connect with auth {token} or ?token=")
        return True

    async def session_request(self, sid: str, data: Any = None) -> None:
        session_id = data.get("session_id") if isinstance(data, dict) else None
        if not isinstance(session_id, str) or not session_id.strip() or len(session_id) > MAX_ID_CHARS:
            session_id = uuid.uuid4().hex
        if self.options.session_persistence:
            await self.server.enter_room(sid, session_id)
        await self.server.emit("session_confirm", session_id, to=sid)

    async def user_message(self, sid: str, data: Any = None) -> None:
        try:
            sender, text, metadata = self._read(sid, data)
        except ChannelError as exc:
            await self.server.emit("error", {"error": "bad_message", "detail": str(exc)}, to=sid)
            return
        try:
            replies = await self.turns.message(sender, text, metadata, CHANNEL)
        except DialogError as exc:
            logger.error("socket.io turn of '%s' failed: %s", sender, exc)
            await self.server.emit("error", {"error": "internal_error", "detail": str(exc)}, to=sid)
            return
        room = sender if self.options.session_persistence else sid
        for reply in replies:
            for message in rasa_messages(reply):
                await self.server.emit(self.options.bot_message_evt, message, room=room)

    def _read(self, sid: str, data: Any) -> tuple[str, str, dict[str, Any]]:
        if not isinstance(data, dict):
            raise ChannelError(f"'{self.options.user_message_evt}' needs an object with 'message'", 400)
        text = data.get("message")
        if not isinstance(text, str) or not text.strip():
            raise ChannelError("field 'message' must be a non-empty string", 400)
        if len(text) > self.settings.max_message_chars:
            raise ChannelError(f"field 'message' has {len(text)} characters; the limit is {self.settings.max_message_chars}", 413)
        metadata = data.get(self.options.metadata_key)
        if metadata is None:
            metadata = {}
        if not isinstance(metadata, dict):
            raise ChannelError(f"field '{self.options.metadata_key}' must be an object", 400)
        if not self.options.session_persistence:
            return sid, text, metadata
        session_id = data.get("session_id")
        if not isinstance(session_id, str):
            raise ChannelError("session_persistence is on: the message needs its 'session_id' from session_confirm", 400)
        return check_sender(session_id, "field 'session_id'"), text, metadata
