"""The moment relative dates are read against ("tomorrow" depends on when it was said).

The bot sets it for each turn from its clock, with the bot's time zone, so a story
test that freezes "now" also freezes what "tomorrow" means to the NLU, to date slots
and to ``now``/``today`` in conditions. Outside a turn it is the current time in UTC.
A context variable carries it because ``parse(text)`` and slot coercion have no place
for it, and ``asyncio.to_thread`` copies context variables into the parsing thread.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime, tzinfo
from typing import Iterator

__all__ = ["reference_now", "reference_timestamp", "use_reference_time"]

_REFERENCE: ContextVar[tuple[float | None, tzinfo | None]] = ContextVar("dialog_reference_time", default=(None, None))


def reference_timestamp() -> float:
    """Seconds since the epoch: the time set by ``use_reference_time``, else now."""
    value = _REFERENCE.get()[0]
    return time.time() if value is None else value


def reference_now(zone: tzinfo | None = None) -> datetime:
    """The reference time as an aware datetime in ``zone`` (default: the turn's zone, else UTC)."""
    return datetime.fromtimestamp(reference_timestamp(), zone or _REFERENCE.get()[1] or UTC)


@contextmanager
def use_reference_time(timestamp: float | None, zone: tzinfo | None = None) -> Iterator[None]:
    """Within the block, ``reference_now()`` is ``timestamp`` in ``zone``; None keeps what is set."""
    current_time, current_zone = _REFERENCE.get()
    token = _REFERENCE.set((current_time if timestamp is None else timestamp, zone or current_zone))
    try:
        yield
    finally:
        _REFERENCE.reset(token)
