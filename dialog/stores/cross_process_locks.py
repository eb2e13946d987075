"""Per-sender locks for the SQL store that also hold across server processes.

Two uvicorn workers (``--workers N``) or two servers may share one database, so an
in-process ``asyncio.Lock`` is not enough. Both lock kinds here are released by the
operating system or the database when the holding process dies, so a crash never
leaves a conversation locked:

- ``FileLocks`` (SQLite): a byte-range lock on ``<db>.locks``, one byte per hash
  bucket of the sender id.
- ``AdvisoryLocks`` (PostgreSQL): ``pg_try_advisory_lock`` on a connection that the
  turn keeps (and reuses for its load and append) until it unlocks.

Waiting polls with a short backoff and gives up after ``timeout_s`` with StoreError.
"""

from __future__ import annotations

import asyncio
import fcntl
import hashlib
import os
import struct
import time
from collections.abc import Awaitable, Callable
from contextlib import asynccontextmanager
from functools import partial
from pathlib import Path
from typing import Any, AsyncIterator, TypeVar

from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from dialog.errors import StoreError
from dialog.stores.in_process_locks import LocalLocks

__all__ = ["AdvisoryLocks", "FileLocks", "bucket_of"]

BUCKETS = 1 << 16
_FIRST_WAIT_S = 0.001
_MAX_WAIT_S = 0.02

T = TypeVar("T")


def bucket_of(sender_id: str, buckets: int = BUCKETS) -> int:
    """A stable small number for a sender id (the same in every process)."""
    digest = hashlib.blake2b(sender_id.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % buckets


async def _poll(try_once: Callable[[], Any], timeout_s: float, what: str) -> None:
    """Call the (async) ``try_once`` until it returns True, backing off, until timeout."""
    deadline = time.monotonic() + timeout_s
    wait = _FIRST_WAIT_S
    while not await try_once():
        if time.monotonic() > deadline:
            raise StoreError(f"timed out after {timeout_s:g} s waiting for the lock of {what}")
        await asyncio.sleep(wait)
        wait = min(wait * 2, _MAX_WAIT_S)


def _byte_lock(fd: int, kind: int, offset: int) -> None:
    """Lock or unlock one byte; raises BlockingIOError/PermissionError when taken.

    On Linux these are open-file-description locks (``F_OFD_SETLK``): owned by this
    store's file descriptor, not by the process, so two stores in one process exclude
    each other too, and closing one never drops the other's locks (the POSIX pitfall).
    Elsewhere, classic per-process ``lockf`` locks.
    """
    ofd_setlk = getattr(fcntl, "F_OFD_SETLK", None)
    if ofd_setlk is None:
        lockf_kind = fcntl.LOCK_UN if kind == fcntl.F_UNLCK else fcntl.LOCK_EX | fcntl.LOCK_NB
        fcntl.lockf(fd, lockf_kind, 1, offset)
        return
    # struct flock: short l_type, short l_whence, off_t l_start, off_t l_len, pid_t l_pid (0 for OFD).
    fcntl.fcntl(fd, ofd_setlk, struct.pack("hhqqi4x", kind, os.SEEK_SET, offset, 1, 0))


class FileLocks:
    """Cross-process sender locks for SQLite through byte-range locks on ``<db>.locks``.

    Senders of this store that hash to the same bucket are serialised by an
    in-process lock on the bucket first (byte locks of one owner never conflict).
    """

    def __init__(self, path: Path, timeout_s: float) -> None:
        self._path = path
        self._timeout_s = timeout_s
        self._fd: int | None = None
        self._local = LocalLocks()

    def _file(self) -> int:
        if self._fd is None:
            self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
        return self._fd

    @asynccontextmanager
    async def hold(self, sender_id: str) -> AsyncIterator[None]:
        bucket = bucket_of(sender_id)
        async with self._local.hold(bucket):
            fd = self._file()

            async def try_once() -> bool:
                try:
                    _byte_lock(fd, fcntl.F_WRLCK, bucket)
                except (BlockingIOError, PermissionError):
                    return False
                return True

            await _poll(try_once, self._timeout_s, f"sender '{sender_id}'")
            try:
                yield
            finally:
                _byte_lock(fd, fcntl.F_UNLCK, bucket)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


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

                    await _poll(try_once, self._timeout_s, f"sender '{sender_id}'")
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
