"""``SQLStore``: what the SQLite and PostgreSQL stores share, through SQLAlchemy core.

One table, ``events(id, sender_id, position, data)``, unique on ``(sender_id,
position)`` so a conversation's order is explicit and two writers can never
interleave one. A turn's events are one transaction. Both stores keep the
already-read prefix of recent conversations in an ``EventCache`` and ask the
database only for newer events.

``SQLiteStore`` (``sqlite_store``) and ``PostgresStore`` (``postgres_store``) say how
rows are read and written, how senders are locked and where blocking work runs.
The hot statements skip SQLAlchemy's execution layer (``sqlite_statements``: plain
sqlite3; PostgreSQL: ``exec_driver_sql``): it cost several times what the database did.

URL options (removed before the URL reaches the driver): ``lock_timeout_s`` (how
long a turn waits for a sender's lock, default 30), and the ones of each store.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from contextlib import AbstractAsyncContextManager
from typing import Any, Callable

from sqlalchemy import Column, Index, Integer, MetaData, Table, Text
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from dialog.errors import ConfigError, StoreError
from dialog.events import Event
from dialog.stores.conversation_store import event_rows, positive_option
from dialog.stores.event_cache import EventCache

__all__ = ["SQLStore", "parse_url"]


def _events_table(metadata: MetaData) -> Table:
    return Table(
        "events",
        metadata,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("sender_id", Text, nullable=False),
        Column("position", Integer, nullable=False),
        Column("data", Text, nullable=False),
        Index("events_sender_position", "sender_id", "position", unique=True),
    )


def parse_url(url: str, backend: str, own_options: tuple[str, ...]) -> tuple[URL, dict[str, str]]:
    """The driver URL without our options, and our options (``own_options`` plus ``lock_timeout_s``)."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ConfigError(f"tracker_store: cannot parse URL '{url}': {exc}") from exc
    if parsed.get_backend_name() != backend:
        raise ConfigError(f"tracker_store: this store needs a {backend}:// URL, not '{url}'")
    names = ("lock_timeout_s", *own_options)
    options = {key: str(parsed.query[key]) for key in names if key in parsed.query}
    return parsed.difference_update_query(names), options


class SQLStore(ABC):
    """The ``ConversationStore`` over one SQL ``events`` table; subclasses bring the database."""

    def __init__(self, url: str, engine: Engine, options: dict[str, str]) -> None:
        self.url = url
        self._engine = engine
        self._lock_timeout_s = positive_option(options, "lock_timeout_s", 30.0, url)
        self._metadata = MetaData()
        _events_table(self._metadata)
        self._ready = False
        self._schema_lock = threading.Lock()
        self._cache = EventCache()

    # -- what a database adds ---------------------------------------------------------

    @abstractmethod
    async def _blocking(self, function: Callable[..., Any], *args: Any) -> Any:
        """Run blocking database work where this store runs it (inline or in its threads)."""

    @abstractmethod
    async def _rows(self, sender_id: str, first_position: int) -> list[str]:
        """The JSON rows of a conversation from ``first_position`` on."""

    @abstractmethod
    async def _insert(self, sender_id: str, rows: list[str]) -> int:
        """Commit one turn's rows after the conversation's last; the position of the first."""

    @abstractmethod
    async def _senders(self) -> list[str]: ...

    @abstractmethod
    def lock(self, sender_id: str) -> AbstractAsyncContextManager[None]:
        """Serialise turns of one sender, across processes."""

    @abstractmethod
    async def close(self) -> None: ...

    # -- the schema -------------------------------------------------------------------

    async def _ensure_schema(self) -> None:
        if not self._ready:
            await self._blocking(self._create_schema)

    def _create_schema(self) -> None:
        """Create the table once per store; two processes racing to create it are fine."""
        with self._schema_lock:
            for attempt in range(2):
                if self._ready:
                    return
                try:
                    with self._engine.connect() as connection:
                        connection.execution_options(dialog_write=True)
                        with connection.begin():
                            self._metadata.create_all(connection)
                    self._ready = True
                except SQLAlchemyError as exc:
                    if attempt:  # the second failure is real, not a lost creation race
                        raise StoreError(f"cannot open the conversation store {self.url}: {exc}") from exc

    # -- the store protocol -----------------------------------------------------------

    async def load(self, sender_id: str) -> list[Event]:
        await self._ensure_schema()
        return await self._cache.read_through(sender_id, lambda start: self._rows(sender_id, start))

    async def append(self, sender_id: str, events: list[Event]) -> None:
        if not events:
            return
        rows = event_rows(sender_id, events)
        await self._ensure_schema()
        first = await self._insert(sender_id, rows)
        self._cache.remember(sender_id, first, rows)

    async def senders(self) -> list[str]:
        await self._ensure_schema()
        return await self._senders()
