"""``LocalLocks``: in-process ``asyncio.Lock``s by key, kept only while in use.

The durable stores queue a process's own turns of one sender here before they ask
the shared backend (a file lock, PostgreSQL, Redis), so only contention between
processes costs a round trip or a poll.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

__all__ = ["LocalLocks"]


class LocalLocks:
    """``asyncio.Lock``s keyed by any hashable, dropped when nobody holds or waits."""

    def __init__(self) -> None:
        self._locks: dict[Any, asyncio.Lock] = {}
        self._users: dict[Any, int] = {}

    @asynccontextmanager
    async def hold(self, key: Any) -> AsyncIterator[None]:
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._users[key] = self._users.get(key, 0) + 1
        try:
            async with lock:
                yield
        finally:
            self._users[key] -= 1
            if not self._users[key]:
                del self._users[key]
                del self._locks[key]
