"""Calls an ASGI app directly in one event loop: ~10x faster than TestClient, for the
fuzz test's many thousands of requests, and async, for concurrency tests."""

from __future__ import annotations

from typing import Any


async def call(app: Any, method: str, path: str, body: bytes = b"", headers: list[tuple[bytes, bytes]] | None = None,
               query: bytes = b"", chunk: int = 0) -> tuple[int, bytes]:
    """One request; ``chunk`` > 0 sends the body in pieces without Content-Length."""
    if chunk:
        pieces = [body[i : i + chunk] for i in range(0, len(body), chunk)] or [b""]
        headers = list(headers or [])
    else:
        pieces = [body]
        headers = [(b"content-length", str(len(body)).encode()), *(headers or [])]
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method, "scheme": "http",
        "path": path, "raw_path": path.encode(), "query_string": query, "root_path": "",
        "headers": [(b"host", b"testserver"), *headers], "client": ("127.0.0.1", 1234), "server": ("testserver", 80),
    }
    messages = [{"type": "http.request", "body": piece, "more_body": index < len(pieces) - 1} for index, piece in enumerate(pieces)]
    status = 0
    out = bytearray()

    async def receive() -> dict[str, Any]:
        if messages:
            return messages.pop(0)
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            out.extend(message.get("body", b""))

    await app(scope, receive, send)
    return status, bytes(out)
