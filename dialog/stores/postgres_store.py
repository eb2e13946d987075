"""``PostgresStore``: conversations in PostgreSQL, shared by any number of server processes.

Blocking driver work runs in a small thread pool, off the event loop. A sender is
locked with ``pg_try_advisory_lock`` on a connection the turn keeps (and reuses for
its load and append) until it unlocks (``advisory_locks``), so a crashed process
never leaves a conversation locked.

URL options: ``lock_timeout_s``, ``max_connections`` (PostgreSQL connections of this
process, default 20: at most that many turns hold one, others queue for it; keep the
sum over processes under the server's ``max_connections``, 100 by default).
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractAsyncContextManager
from functools import partial
from pathlib import Path
from typing import Any, Callable

from sqlalchemy import create_engine
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError

from dialog.errors import StoreError
from dialog.stores.advisory_locks import AdvisoryLocks
from dialog.stores.conversation_store import positive_option
from dialog.stores.sql_store import SQLStore, parse_url

__all__ = ["PostgresStore"]

_SELECT = "SELECT data FROM events WHERE sender_id = %s AND position >= %s ORDER BY position"
_LAST = "SELECT MAX(position) FROM events WHERE sender_id = %s"
_INSERT = "INSERT INTO events (sender_id, position, data) VALUES (%s, %s, %s)"
_SENDERS = "SELECT DISTINCT sender_id FROM events ORDER BY sender_id"


class PostgresStore(SQLStore):
    """The conversation store for ``postgresql://...`` URLs."""

    def __init__(self, url: str, root: Path | str | None = None) -> None:
        driver_url, options = parse_url(url, "postgresql", ("max_connections",))
        connections = max(4, int(positive_option(options, "max_connections", 20, url)))
        engine = create_engine(
            driver_url.set(drivername="postgresql+psycopg"),
            pool_size=min(5, connections),
            max_overflow=connections - min(5, connections),
            pool_pre_ping=True,
        )
        super().__init__(url, engine, options)
        self._executor = ThreadPoolExecutor(max_workers=16, thread_name_prefix="dialog-pg")
        # Two connections stay free for reads outside a turn (the tracker endpoint).
        self._locks = AdvisoryLocks(self._engine, self._blocking, self._lock_timeout_s, connections - 2)

    async def _blocking(self, function: Callable[..., Any], *args: Any) -> Any:
        """Run blocking PostgreSQL work in the store's threads, off the event loop."""
        return await asyncio.get_running_loop().run_in_executor(self._executor, partial(function, *args))

    async def _on_connection(self, sender_id: str, work: Callable[..., Any], *args: Any) -> Any:
        """``work(connection, ...)`` in a thread, on the connection holding this sender's
        advisory lock or on a pooled one (checked out and back in the same hop)."""
        held = self._locks.held.get(sender_id)
        if held is not None:
            return await self._blocking(work, held, *args)
        return await self._blocking(self._pooled, work, *args)

    def _pooled(self, work: Callable[..., Any], *args: Any) -> Any:
        try:
            with self._engine.connect() as connection:
                return work(connection, *args)
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot use the conversation store {self.url}: {exc}") from exc

    async def _rows(self, sender_id: str, first_position: int) -> list[str]:
        return await self._on_connection(sender_id, _select, sender_id, first_position)

    async def _insert(self, sender_id: str, rows: list[str]) -> int:
        return await self._on_connection(sender_id, _insert_alone, sender_id, rows)

    async def _senders(self) -> list[str]:
        return await self._on_connection("", _select_senders)

    def lock(self, sender_id: str) -> AbstractAsyncContextManager[None]:
        return self._locks.hold(sender_id)

    async def close(self) -> None:
        await self._blocking(self._engine.dispose)
        self._executor.shutdown(wait=True)


def _select(connection: Connection, sender_id: str, first_position: int) -> list[str]:
    rows = connection.exec_driver_sql(_SELECT, (sender_id, first_position)).scalars().all()
    connection.rollback()  # end the read transaction (an open one would pin an old snapshot)
    return list(rows)


def _insert_turn(connection: Connection, sender_id: str, rows: list[str]) -> int:
    """Insert a turn's rows after the conversation's last event, inside the caller's
    transaction; returns the position of the first."""
    last = connection.exec_driver_sql(_LAST, (sender_id,)).scalar()
    first = 0 if last is None else last + 1
    connection.exec_driver_sql(_INSERT, [(sender_id, first + index, row) for index, row in enumerate(rows)])
    return first


def _insert_alone(connection: Connection, sender_id: str, rows: list[str]) -> int:
    try:
        with connection.begin():
            return _insert_turn(connection, sender_id, rows)
    except SQLAlchemyError as exc:
        raise StoreError(f"cannot save a turn of conversation '{sender_id}': {exc}") from exc


def _select_senders(connection: Connection) -> list[str]:
    senders = list(connection.exec_driver_sql(_SENDERS).scalars())
    connection.rollback()
    return senders
