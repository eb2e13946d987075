"""The SQLite hot path of ``SQLStore``: plain ``sqlite3`` statements on connections
from the SQLAlchemy pool.

A turn reads its conversation and appends its events; through SQLAlchemy's
execution layer that cost several times what SQLite itself spends, so these few
statements go straight to the driver. Connections come from the engine (its
``connect`` hook sets WAL, ``synchronous`` and autocommit mode), so a read is its
own snapshot and a write is an explicit ``BEGIN IMMEDIATE`` ... ``COMMIT``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any, TypeVar, cast

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from dialog.errors import StoreError

__all__ = ["SQLiteIO", "in_transaction", "insert_turn"]

T = TypeVar("T")

SELECT = "SELECT data FROM events WHERE sender_id = ? AND position >= ? ORDER BY position"
LAST = "SELECT MAX(position) FROM events WHERE sender_id = ?"
INSERT = "INSERT INTO events (sender_id, position, data) VALUES (?, ?, ?)"
SENDERS = "SELECT DISTINCT sender_id FROM events ORDER BY sender_id"


def insert_turn(connection: sqlite3.Connection, sender_id: str, rows: list[str]) -> int:
    """Insert a turn's rows after the conversation's last event (inside the caller's
    transaction); returns the position of the first."""
    last = connection.execute(LAST, (sender_id,)).fetchone()[0]
    first = 0 if last is None else last + 1
    connection.executemany(INSERT, [(sender_id, first + index, row) for index, row in enumerate(rows)])
    return first


def in_transaction(connection: sqlite3.Connection, work: Callable[[], T]) -> T:
    """``work()`` inside ``BEGIN IMMEDIATE`` ... ``COMMIT``; rolled back if it raises."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        result = work()
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")
    return result


class SQLiteIO:
    """One read connection and one write connection, used from the event loop thread."""

    def __init__(self, engine: Engine, name: str) -> None:
        self._engine = engine
        self._name = name
        self._pooled: dict[str, Any] = {}

    def _connection(self, role: str) -> sqlite3.Connection:
        pooled = self._pooled.get(role)
        if pooled is None:
            try:
                pooled = self._pooled[role] = self._engine.raw_connection()
            except SQLAlchemyError as exc:
                raise StoreError(f"cannot open the conversation store {self._name}: {exc}") from exc
        return cast(sqlite3.Connection, pooled.driver_connection)

    def _failed(self, role: str) -> None:
        pooled = self._pooled.pop(role, None)
        if pooled is not None:  # start over on a fresh connection
            pooled.invalidate()

    def select(self, sender_id: str, first_position: int) -> list[str]:
        try:
            return [row[0] for row in self._connection("read").execute(SELECT, (sender_id, first_position))]
        except sqlite3.Error as exc:
            self._failed("read")
            raise StoreError(f"cannot load conversation '{sender_id}' from {self._name}: {exc}") from exc

    def senders(self) -> list[str]:
        try:
            return [row[0] for row in self._connection("read").execute(SENDERS)]
        except sqlite3.Error as exc:
            self._failed("read")
            raise StoreError(f"cannot list conversations in {self._name}: {exc}") from exc

    def insert(self, sender_id: str, rows: list[str]) -> int:
        """One turn in its own transaction (``synchronous=normal``: no fsync to wait for)."""
        connection = self._connection("write")
        try:
            return in_transaction(connection, lambda: insert_turn(connection, sender_id, rows))
        except sqlite3.Error as exc:
            raise StoreError(f"cannot save a turn of conversation '{sender_id}': {exc}") from exc

    def close(self) -> None:
        for pooled in self._pooled.values():
            pooled.close()
        self._pooled.clear()
