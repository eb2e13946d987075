"""``GET /chat`` and ``GET /inspect``: the web chat and the inspector pages.

Plain HTML, CSS and JavaScript shipped in ``dialog/channels/static`` (no CDN, no
build step: they work offline). The pages hold no data; they fetch it with the
token from their own URL, so the static files are served without a token and
everything with data stays behind ``TokenAuth``. A strict Content-Security-Policy
(scripts only from this server, no inline script) backs up the pages' rule of
inserting user and bot text as text, never as HTML.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from importlib import resources

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

__all__ = ["STATIC_PREFIX", "WebPages"]

STATIC_PREFIX = "/_dialog/static/"

_TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src * data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'"
)
_HEADERS = {"Content-Security-Policy": _CSP, "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}


def _static(name: str) -> bytes | None:
    if "/" in name or name.startswith(".") or not name.endswith(tuple(_TYPES)):
        return None
    resource = resources.files("dialog.channels").joinpath("static", name)
    return resource.read_bytes() if resource.is_file() else None


class WebPages:
    def __init__(self, inspector: bool = True) -> None:
        self.inspector = inspector

    def routes(self) -> list[Route]:
        routes = [
            Route("/chat", self.page("chat.html"), methods=["GET"]),
            Route(STATIC_PREFIX + "{name}", self.asset, methods=["GET"]),
        ]
        if self.inspector:
            routes.append(Route("/inspect", self.page("inspect.html"), methods=["GET"]))
        return routes

    def page(self, name: str) -> Callable[[Request], Awaitable[Response]]:
        async def serve(request: Request) -> Response:
            body = _static(name)
            assert body is not None, f"{name} is missing from the package"
            return Response(body, media_type=_TYPES[".html"], headers={**_HEADERS, "Cache-Control": "no-store"})

        return serve

    async def asset(self, request: Request) -> Response:
        name = request.path_params["name"]
        body = _static(name)
        if body is None:
            return Response(f"no such file: {name}\n", status_code=404, media_type="text/plain")
        suffix = name[name.rfind("."):]
        return Response(body, media_type=_TYPES[suffix], headers={**_HEADERS, "Cache-Control": "no-cache"})
