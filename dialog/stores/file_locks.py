"""``FileLocks``: SQLite's per-sender locks that also hold across server processes.

Two uvicorn workers (``--workers N``) or two servers may share one database file, so
an in-process ``asyncio.Lock`` is not enough: a sender takes a byte-range lock on
``<db>.locks``, one byte per hash bucket of the sender id. The operating system
releases it when the holding process dies, so a crash never leaves a conversation
locked.
"""

from __future__ import annotations

import fcntl
import os
import struct
from contextlib import asynccontextmanager
from pathlib import Path
from typing import AsyncIterator

from dialog.stores.in_process_locks import LocalLocks
from dialog.stores.lock_waiting import bucket_of, poll

__all__ = ["FileLocks"]


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

            await poll(try_once, self._timeout_s, f"sender '{sender_id}'")
            try:
                yield
            finally:
                _byte_lock(fd, fcntl.F_UNLCK, bucket)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
