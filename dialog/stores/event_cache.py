"""``EventCache``: the already-read prefix of recent conversations, per process.

Conversations only ever grow, so a prefix read once stays true even when other
processes append to the same conversation: a durable store then asks its database
only for the events after the cached ones. That keeps a turn's load cost flat as a
conversation grows. Least recently used conversations are dropped past ``size``.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence

from dialog.events import Event

__all__ = ["EventCache"]

Rows = Sequence[str | bytes]


class EventCache:
    def __init__(self, size: int = 1024) -> None:
        self._size = size
        self._entries: OrderedDict[str, list[Event]] = OrderedDict()

    def known(self, sender_id: str) -> int:
        """How many events of this conversation are cached (read from position 0)."""
        entry = self._entries.get(sender_id)
        return len(entry) if entry is not None else 0

    def extend(self, sender_id: str, first_position: int, events: list[Event]) -> list[Event] | None:
        """Add events that start at ``first_position``; shallow copies of the whole
        conversation, or None when they do not join the cached prefix (it was dropped
        meanwhile): the caller then reads the conversation from the start.

        Events overlapping the cached prefix (a concurrent reader got there first) are
        skipped.
        """
        entry = self._entries.pop(sender_id, [])
        if first_position > len(entry):
            return None
        entry.extend(events[len(entry) - first_position :])
        self._entries[sender_id] = entry
        while len(self._entries) > self._size:
            self._entries.popitem(last=False)
        return [dict(event) for event in entry]

    def forget(self, sender_id: str) -> None:
        self._entries.pop(sender_id, None)

    async def read_through(self, sender_id: str, read: Callable[[int], Awaitable[Rows]]) -> list[Event]:
        """The whole conversation: the cached prefix plus the JSON rows ``read(position)``
        returns from that position on (shared by every durable store's ``load``).

        If the cached prefix was dropped while ``read`` ran (other conversations pushed
        it out), the rows do not join anything: the conversation is read again from 0.
        """
        known = self.known(sender_id)
        events = self.extend(sender_id, known, _decode(await read(known)))
        if events is None:
            self.forget(sender_id)
            events = self.extend(sender_id, 0, _decode(await read(0))) or []
        return events

    def remember(self, sender_id: str, first_position: int, rows: Rows) -> None:
        """Cache a turn just stored at ``first_position``; a turn that does not join
        the cached prefix drops it (the next load reads the conversation whole)."""
        if self.extend(sender_id, first_position, _decode(rows)) is None:
            self.forget(sender_id)


def _decode(rows: Rows) -> list[Event]:
    return [json.loads(row) for row in rows]
