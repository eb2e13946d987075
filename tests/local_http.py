"""A stdlib HTTP server on a free loopback port, run in a thread for one test or module.

Tests that need a real peer (a Rasa SDK action server, say) give it their handler and
get its base URL; the server is shut down and its socket closed afterwards."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import HTTPServer


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
