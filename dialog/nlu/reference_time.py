"""The moment relative dates are read against ("tomorrow" depends on when it was said).

The bot sets it around each parse from its clock, so a story test that freezes "now"
also freezes what "tomorrow" means; outside a turn it is the current time. A context
variable carries it because the pipeline's ``parse(text)`` has no place for it, and
``asyncio.to_thread`` copies context variables into the parsing thread.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Iterator

__all__ = ["reference_timestamp", "use_reference_time"]

_REFERENCE: ContextVar[float | None] = ContextVar("dialog_reference_time", default=None)


def reference_timestamp() -> float:
    """Seconds since the epoch: the time set by ``use_reference_time``, else now."""
    value = _REFERENCE.get()
    return time.time() if value is None else value


@contextmanager
def use_reference_time(timestamp: float | None) -> Iterator[None]:
    token = _REFERENCE.set(timestamp)
    try:
        yield
    finally:
        _REFERENCE.reset(token)
