"""``GroupWriter``: SQLite group commit, so ``synchronous=FULL`` stays fast under load.

With FULL every commit waits for an fsync (about 1 ms of disk and kernel time
here). One writer thread takes every turn that is waiting and commits them in one
transaction: one fsync for the whole group, and no turn's ``append`` returns
before its group is durable. Alone, a turn is committed at once (no batching
delay). If one turn spoils a group (say a constraint fails), each turn of that
group is retried in its own transaction, so only the bad one fails.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import sqlite3
import threading
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from dialog.errors import StoreError
from dialog.stores.sqlite_statements import in_transaction, insert_turn

__all__ = ["GroupWriter"]

logger = logging.getLogger(__name__)

@dataclass
class _Job:
    sender_id: str
    rows: list[str]
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[int]


def _settle(future: asyncio.Future[int], outcome: int | StoreError) -> None:
    if future.done():  # the caller stopped waiting; the turn is stored all the same
        return
    if isinstance(outcome, StoreError):
        future.set_exception(outcome)
    else:
        future.set_result(outcome)


class GroupWriter:
    def __init__(self, engine: Engine, name: str) -> None:
        self._engine = engine
        self._name = name
        self._queue: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()

    async def write(self, sender_id: str, rows: list[str]) -> int:
        """Store one turn's rows durably; returns the position of its first event."""
        self._start()
        loop = asyncio.get_running_loop()
        future: asyncio.Future[int] = loop.create_future()
        self._queue.put(_Job(sender_id, rows, loop, future))
        return await future

    def _start(self) -> None:
        with self._start_lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._work, name=f"dialog-sql-writer:{self._name}", daemon=True)
                self._thread.start()

    def _work(self) -> None:
        pooled: Any = None
        stopping = False
        while not stopping:
            job = self._queue.get()
            if job is None:
                break
            batch = [job]
            while True:
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    stopping = True
                    break
                batch.append(more)
            try:
                if pooled is None:
                    pooled = self._engine.raw_connection()
                outcomes = self._commit(pooled.driver_connection, batch)
            except SQLAlchemyError as exc:  # cannot even connect
                outcomes = [StoreError(f"cannot open the conversation store {self._name}: {exc}")] * len(batch)
            for job, outcome in zip(batch, outcomes):
                try:
                    job.loop.call_soon_threadsafe(_settle, job.future, outcome)
                except RuntimeError:  # that event loop is closed: nobody is waiting any more
                    logger.debug("turn of '%s' stored after its caller's event loop closed", job.sender_id)
        if pooled is not None:
            pooled.close()

    def _commit(self, connection: sqlite3.Connection, batch: list[_Job]) -> list[int | StoreError]:
        try:
            firsts: list[int | StoreError] = in_transaction(
                connection, lambda: [insert_turn(connection, job.sender_id, job.rows) for job in batch]
            )
            return firsts
        except sqlite3.Error as exc:
            if len(batch) == 1:
                return [StoreError(f"cannot save a turn of conversation '{batch[0].sender_id}': {exc}")]
        return [self._commit(connection, [job])[0] for job in batch]

    def close(self, timeout_s: float = 10.0) -> None:
        """Commit what is queued, then stop the thread."""
        with self._start_lock:
            thread, self._thread = self._thread, None
        if thread is not None:
            self._queue.put(None)
            thread.join(timeout_s)
