"""``MemoryStore``: conversations in a dict of this process, for tests and ``memory://``.

Nothing survives a restart and nothing is shared between processes; loads return
copies, so a caller changing an event never changes the stored conversation.
"""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from typing import AsyncIterator

from dialog.events import Event

__all__ = ["MemoryStore"]


class MemoryStore:
    """Conversations in a dict; for tests and ``memory://``."""

    def __init__(self, url: str = "memory://") -> None:
        self._events: dict[str, list[Event]] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def load(self, sender_id: str) -> list[Event]:
        return [dict(event) for event in self._events.get(sender_id, [])]

    async def append(self, sender_id: str, events: list[Event]) -> None:
        self._events.setdefault(sender_id, []).extend(dict(event) for event in events)

    @asynccontextmanager
    async def lock(self, sender_id: str) -> AsyncIterator[None]:
        lock = self._locks.setdefault(sender_id, asyncio.Lock())
        async with lock:
            yield

    async def senders(self) -> list[str]:
        return sorted(self._events)

    async def close(self) -> None:
        return None
