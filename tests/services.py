"""Fixtures with real redis-server and PostgreSQL on 127.0.0.1 (``dialog.testing.services``).

Session fixtures start each server once and stop it at the end; a test that needs
one is skipped, with the reason, only when the binaries are not installed
(``make services`` installs them). Each test gets its own Redis key prefix /
PostgreSQL database.

Use: ``from tests.services import collect_leaks, postgres_server, postgres_url, redis_server, redis_url``
(import ``collect_leaks`` too: it makes a leaked connection fail the test that leaked it).
"""

from __future__ import annotations

import gc
import uuid
from collections.abc import Callable, Iterator

import pytest

from dialog.testing.services import RunningService, ServiceMissing, create_database, free_port, start_postgres, start_redis

__all__ = ["collect_leaks", "create_database", "free_port", "postgres_server", "postgres_url", "redis_server", "redis_url"]


@pytest.fixture(autouse=True)
def collect_leaks() -> Iterator[None]:
    """Collect garbage after each test (autouse where imported), so a connection or
    socket the test leaked warns, and fails it, here, not in some later unrelated test."""
    yield
    gc.collect()


def _serve(start: Callable[[], RunningService]) -> Iterator[str]:
    """Start a server for the session (or skip, saying why) and stop it at the end."""
    try:
        service = start()
    except ServiceMissing as missing:
        pytest.skip(str(missing))
    try:
        yield service.url
    finally:
        service.stop()


@pytest.fixture(scope="session")
def redis_server() -> Iterator[str]:
    """``redis://127.0.0.1:<port>/0`` of a private redis-server."""
    yield from _serve(start_redis)


@pytest.fixture
def redis_url(redis_server: str) -> str:
    """The shared server with a key prefix of this test's own."""
    return f"{redis_server}?prefix=t{uuid.uuid4().hex[:12]}"


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """``postgresql://dialog@127.0.0.1:<port>`` (no database part) of a private server."""
    yield from _serve(start_postgres)


@pytest.fixture
def postgres_url(postgres_server: str) -> str:
    """A fresh database of this test's own."""
    return create_database(postgres_server)
