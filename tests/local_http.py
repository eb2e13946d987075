"""A stdlib HTTP server on a free loopback port, run in a thread for one test or module.

Tests that need a real peer (a Rasa SDK action server, say) give it their handler and
get its base URL; the server is shut down and its socket closed afterwards. Handlers
answer with ``send_json``."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any


@contextmanager
def serving(server: HTTPServer) -> Iterator[str]:
    """``http://127.0.0.1:PORT`` while ``server`` answers in a daemon thread."""
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def send_json(handler: BaseHTTPRequestHandler, data: Any, status: int = 200) -> None:
    """Answer a request with ``data`` as JSON, as an action server does."""
    send_body(handler, json.dumps(data).encode(), status)


def send_body(handler: BaseHTTPRequestHandler, body: bytes, status: int = 200) -> None:
    """Answer with raw bytes labelled as JSON (a test may send broken JSON on purpose)."""
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)
