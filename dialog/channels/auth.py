"""``TokenAuth``: a bearer token protects every endpoint but ``/health``.

``open_prefixes`` are paths that check the token themselves (the Socket.IO
channel, on connect) or hold no data (the web pages' static files).

The token comes as ``Authorization: Bearer <token>`` or ``?token=<token>`` (Rasa's
way) and is compared in constant time. A pure ASGI middleware, so a rejected
request never reaches a route or reads its body.
"""

from __future__ import annotations

import hmac
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Receive, Scope, Send

from dialog.channels.http_errors import error_response

__all__ = ["TokenAuth"]

OPEN_PATHS = frozenset({"/health"})


class TokenAuth:
    def __init__(self, app: ASGIApp, token: str | None, open_prefixes: tuple[str, ...] = ()) -> None:
        self.app = app
        self._token = token.encode("utf-8") if token else None
        self._open_prefixes = open_prefixes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            self._token is None
            or scope["type"] != "http"
            or scope["path"] in OPEN_PATHS
            or scope["path"].startswith(self._open_prefixes)
        ):
            await self.app(scope, receive, send)
            return
        if self._allowed(scope):
            await self.app(scope, receive, send)
            return
        response = error_response(
            401, "missing or wrong token: send 'Authorization: Bearer <token>' or '?token=<token>'",
            headers={"WWW-Authenticate": "Bearer"},
        )
        await response(scope, receive, send)

    def _allowed(self, scope: Scope) -> bool:
        assert self._token is not None
        offered: list[bytes] = []
        for name, value in scope.get("headers", []):
            if name == b"authorization" and value[:7].lower() == b"bearer ":
                offered.append(value[7:].strip())
        query = scope.get("query_string", b"").decode("latin-1")
        offered += [value.encode("utf-8", "surrogateescape") for key, value in parse_qsl(query) if key == "token"]
        # Compare every candidate so the time does not depend on which one matched.
        return sum(hmac.compare_digest(candidate, self._token) for candidate in offered) > 0
