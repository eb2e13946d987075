"""What the cross-process lock kinds share: sender ids hashed to lock numbers, and
waiting for a lock by polling with a short backoff until ``timeout_s`` (then StoreError).

Both kinds poll rather than block, so a waiting turn never holds a thread or a
database connection in a blocking call, and a cancelled turn stops waiting at once.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import Callable
from typing import Any

from dialog.errors import StoreError

__all__ = ["bucket_of", "poll"]

BUCKETS = 1 << 16
_FIRST_WAIT_S = 0.001
_MAX_WAIT_S = 0.02


def bucket_of(sender_id: str, buckets: int = BUCKETS) -> int:
    """A stable small number for a sender id (the same in every process)."""
    digest = hashlib.blake2b(sender_id.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % buckets


async def poll(try_once: Callable[[], Any], timeout_s: float, what: str) -> None:
    """Call the (async) ``try_once`` until it returns True, backing off, until timeout."""
    deadline = time.monotonic() + timeout_s
    wait = _FIRST_WAIT_S
    while not await try_once():
        if time.monotonic() > deadline:
            raise StoreError(f"timed out after {timeout_s:g} s waiting for the lock of {what}")
        await asyncio.sleep(wait)
        wait = min(wait * 2, _MAX_WAIT_S)
