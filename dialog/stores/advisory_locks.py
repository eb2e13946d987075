"""``AdvisoryLocks``: PostgreSQL's per-sender locks that also hold across server processes.

Two uvicorn workers (``--workers N``) or two servers may share one database, so an
in-process ``asyncio.Lock`` is not enough: a sender takes ``pg_try_advisory_lock`` on a
connection that the turn keeps (and reuses for its load and append) until it unlocks.
PostgreSQL releases it when the holding session dies, so a crash never leaves a
conversation locked.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from contextlib import asynccontextmanager
from functools import partial
from typing import Any, AsyncIterator, TypeVar

from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from dialog.errors import StoreError
from dialog.stores.in_process_locks import LocalLocks
from dialog.stores.lock_waiting import bucket_of, poll

__all__ = ["AdvisoryLocks"]

T = TypeVar("T")


class AdvisoryLocks:
    """Cross-process sender locks for PostgreSQL through session advisory locks.

    The connection that holds a sender's lock is kept in ``held`` so the store runs
    that turn's load and append on it: one connection per active turn, never two.
    """

    def __init__(self, engine: Engine, run: Callable[..., Any], timeout_s: float, max_holders: int) -> None:
        self._engine = engine
        self._run = run
        self._timeout_s = timeout_s
        self._local = LocalLocks()
        # Turns beyond the pool's capacity wait here, on the event loop, not in a thread
        # blocked on the pool (which could starve the turns that hold connections).
        self._holders = asyncio.Semaphore(max_holders)
        self.held: dict[str, Connection] = {}

    @staticmethod
    def _key(sender_id: str) -> int:
        return bucket_of(sender_id, 1 << 63)

    @asynccontextmanager
    async def hold(self, sender_id: str) -> AsyncIterator[None]:
        async with self._local.hold(sender_id), self._holders:
            key = self._key(sender_id)
            # One thread hop checks a connection out and tries the lock; one gives both back.
            connection, acquired = await self._checkout(key)
            unlocked = False
            try:
                if not acquired:

                    async def try_once() -> bool:
                        return await _finished(self._run(_try_advisory, connection, key))

                    await poll(try_once, self._timeout_s, f"sender '{sender_id}'")
                self.held[sender_id] = connection
                try:
                    yield
                finally:
                    del self.held[sender_id]
                    await self._run(_advisory_unlock, connection, key)
                    unlocked = True
            finally:
                # A wait that timed out or was cancelled may have won the lock in its last
                # try: end that session (which drops its locks) rather than pool it locked.
                await self._run(connection.close if unlocked else partial(_discard, connection))

    async def _checkout(self, key: int) -> tuple[Connection, bool]:
        """``_connect_and_try`` in a thread; if the turn is cancelled meanwhile, the thread
        still finishes, and its connection (maybe holding the lock) is discarded."""
        work = asyncio.ensure_future(self._run(self._connect_and_try, key))
        try:
            return await _finished(work)
        except asyncio.CancelledError:
            if not work.cancelled() and work.exception() is None:
                await self._run(_discard, work.result()[0])
            raise

    def _connect_and_try(self, key: int) -> tuple[Connection, bool]:
        try:
            connection = self._engine.connect()
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot connect for the advisory lock: {exc}") from exc
        try:
            return connection, _try_advisory(connection, key)
        except StoreError:
            connection.close()
            raise


async def _finished(work: Awaitable[T]) -> T:
    """Await thread work; when cancelled, first let the thread finish with the
    connection (closing it under a running statement would break it)."""
    task = asyncio.ensure_future(work)
    try:
        return await asyncio.shield(task)
    except asyncio.CancelledError:
        await asyncio.wait([task])
        raise


def _discard(connection: Connection) -> None:
    """Close the database session instead of pooling it: its advisory locks go with it."""
    connection.invalidate()
    connection.close()


def _try_advisory(connection: Connection, key: int) -> bool:
    try:
        acquired = connection.exec_driver_sql("SELECT pg_try_advisory_lock(%s)", (key,)).scalar()
        connection.commit()
    except SQLAlchemyError as exc:
        raise StoreError(f"could not take the advisory lock: {exc}") from exc
    return bool(acquired)


def _advisory_unlock(connection: Connection, key: int) -> None:
    try:
        connection.exec_driver_sql("SELECT pg_advisory_unlock(%s)", (key,))
        connection.commit()
    except SQLAlchemyError as exc:
        # A broken connection drops its session locks when it closes, which follows.
        connection.invalidate()
        raise StoreError(f"could not release the advisory lock: {exc}") from exc
