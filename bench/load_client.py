"""A minimal HTTP/1.1 keep-alive client for the load benchmark.

The load generator shares the machine's cores with the server, so it must cost
little per request: one asyncio connection per simulated sender, a hand-written
request, and a response read by ``Content-Length``. It talks to 127.0.0.1 only.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from typing import Any

__all__ = ["KeepAliveClient"]


class KeepAliveClient:
    def __init__(self, port: int, host: str = "127.0.0.1") -> None:
        if host not in ("127.0.0.1", "localhost"):
            raise ValueError("the load benchmark only ever targets 127.0.0.1")
        self.host = host
        self.port = port
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def _connect(self) -> None:
        self._reader, self._writer = await asyncio.open_connection(self.host, self.port)

    async def post_json(self, path: str, body: Any) -> tuple[int, Any, float]:
        """POST ``body`` as JSON; returns (status, decoded JSON, seconds from send to last byte)."""
        if self._writer is None:
            await self._connect()
        assert self._reader is not None and self._writer is not None
        payload = json.dumps(body).encode("utf-8")
        head = (
            f"POST {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n\r\n"
        ).encode("ascii")
        started = time.perf_counter()
        self._writer.write(head + payload)
        await self._writer.drain()
        status_line = await self._reader.readline()
        if not status_line:
            raise ConnectionError("server closed the connection")
        status = int(status_line.split()[1])
        length = 0
        while (line := await self._reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            if name.lower() == "content-length":
                length = int(value)
        data = await self._reader.readexactly(length)
        elapsed = time.perf_counter() - started
        return status, json.loads(data) if data else None, elapsed

    async def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            with contextlib.suppress(ConnectionError):
                await self._writer.wait_closed()
            self._writer = None
