"""``SQLStore``: conversations in SQLite (the default) or PostgreSQL via SQLAlchemy core.

One table, ``events(id, sender_id, position, data)``, unique on ``(sender_id,
position)`` so a conversation's order is explicit and two writers can never
interleave one. A turn's events are one transaction.

SQLite runs in WAL mode with ``synchronous=FULL`` by default: every commit is
fsynced before ``append`` returns, so a turn whose reply a user saw survives not
only a killed server (which ``NORMAL`` already survives) but also a power cut or
kernel crash. The fsync costs about 1 ms here, so commits go through one writer
thread that commits all waiting turns together (``group_commit``: one fsync per
group, never a delay for a lone turn). ``?synchronous=normal`` in the URL trades
the power-cut guarantee for speed: commits then take ~50 us and run inline on the
event loop. Reads always run inline (WAL readers never wait for the writer). Writers take the lock up front
(``BEGIN IMMEDIATE``) and wait up to ``busy_timeout`` for each other (other
processes). PostgreSQL work runs in a small thread pool.

The hot statements skip SQLAlchemy's execution layer (``sqlite_statements``: plain sqlite3;
PostgreSQL: ``exec_driver_sql``): it cost several times what the database did.

URL options (removed before the URL reaches the driver): ``synchronous``
(SQLite: ``full`` or ``normal``), ``lock_timeout_s`` (how long a turn waits for a
sender's lock, default 30), ``max_connections`` (PostgreSQL connections of this
process, default 20: at most that many turns hold one, others queue for it; keep
the sum over processes under the server's ``max_connections``, 100 by default).
"""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import Any, Callable

from sqlalchemy import Column, Index, Integer, MetaData, Table, Text, create_engine, event
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from dialog.errors import ConfigError, StoreError
from dialog.stores.event_cache import EventCache
from dialog.stores.cross_process_locks import AdvisoryLocks, FileLocks
from dialog.stores.group_commit import GroupWriter
from dialog.stores.sqlite_statements import SQLiteIO
from dialog.stores.conversation_store import event_rows, positive_option

__all__ = ["SQLStore"]

Event = dict[str, Any]

_OWN_OPTIONS = ("synchronous", "lock_timeout_s", "max_connections")
_SYNCHRONOUS = ("full", "normal")
_BUSY_TIMEOUT_MS = 30_000
_PG_SELECT = "SELECT data FROM events WHERE sender_id = %s AND position >= %s ORDER BY position"
_PG_LAST = "SELECT MAX(position) FROM events WHERE sender_id = %s"
_PG_INSERT = "INSERT INTO events (sender_id, position, data) VALUES (%s, %s, %s)"


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


def _parse_url(url: str, root: Path | None) -> tuple[URL, dict[str, str]]:
    """The driver URL (relative SQLite paths under ``root``) and our own options."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ConfigError(f"tracker_store: cannot parse URL '{url}': {exc}") from exc
    options = {key: str(parsed.query[key]) for key in _OWN_OPTIONS if key in parsed.query}
    parsed = parsed.difference_update_query(_OWN_OPTIONS)
    backend = parsed.get_backend_name()
    if backend == "postgresql":
        return parsed.set(drivername="postgresql+psycopg"), options
    if backend != "sqlite":
        raise ConfigError(f"tracker_store: SQLStore supports sqlite:// and postgresql:// URLs, not '{url}'")
    if not parsed.database or parsed.database == ":memory:":
        raise ConfigError(f"tracker_store '{url}': SQLite needs a file path; use memory:// for conversations in memory")
    path = Path(parsed.database).expanduser()
    if not path.is_absolute():
        path = Path(root or ".") / path
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot create the folder for the conversation database {path}: {exc}") from exc
    return parsed.set(drivername="sqlite", database=str(path)), options


def _sqlite_engine(driver_url: URL, synchronous: str) -> Engine:
    engine = create_engine(driver_url, connect_args={"check_same_thread": False, "timeout": _BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event (below) issue BEGIN, not the driver.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA synchronous={synchronous.upper()}")
        cursor.execute(f"PRAGMA busy_timeout={_BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        # Writers take the write lock up front so two never deadlock upgrading.
        write = connection.get_execution_options().get("dialog_write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


class SQLStore:
    """The conversation store for ``sqlite:///path`` and ``postgresql://...`` URLs."""

    def __init__(self, url: str, root: Path | str | None = None) -> None:
        driver_url, options = _parse_url(url, Path(root) if root is not None else None)
        self.url = url
        self.dialect = driver_url.get_backend_name()
        lock_timeout_s = positive_option(options, "lock_timeout_s", 30.0, url)
        self._metadata = MetaData()
        _events_table(self._metadata)
        self._locks: FileLocks | AdvisoryLocks
        self._writer: GroupWriter | None = None
        self._executor: ThreadPoolExecutor | None = None
        self._sqlite: SQLiteIO | None = None
        if self.dialect == "postgresql":
            connections = max(4, int(positive_option(options, "max_connections", 20, url)))
            self._engine = create_engine(
                driver_url, pool_size=min(5, connections), max_overflow=connections - min(5, connections), pool_pre_ping=True
            )
            self._executor = ThreadPoolExecutor(max_workers=16, thread_name_prefix="dialog-pg")
            # Two connections stay free for reads outside a turn (the tracker endpoint).
            self._locks = AdvisoryLocks(self._engine, self._run, lock_timeout_s, connections - 2)
        else:
            synchronous = options.get("synchronous", "full").lower()
            if synchronous not in _SYNCHRONOUS:
                raise ConfigError(f"tracker_store '{url}': synchronous must be one of {', '.join(_SYNCHRONOUS)}")
            self._engine = _sqlite_engine(driver_url, synchronous)
            if synchronous == "full":
                self._writer = GroupWriter(self._engine, url)
            self._sqlite = SQLiteIO(self._engine, url)
            self._locks = FileLocks(Path(str(driver_url.database) + ".locks"), lock_timeout_s)
        self._ready = False
        self._schema_lock = threading.Lock()
        self._cache = EventCache()

    # -- plumbing --------------------------------------------------------------------

    async def _run(self, function: Callable[..., Any], *args: Any) -> Any:
        """Run blocking PostgreSQL work in the store's threads, off the event loop."""
        assert self._executor is not None
        return await asyncio.get_running_loop().run_in_executor(self._executor, partial(function, *args))

    async def _ensure_schema(self) -> None:
        if self._ready:
            return
        if self._executor is None:
            self._create_schema()
        else:
            await self._run(self._create_schema)

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

    async def _read(self, sender_id: str, work: Callable[..., Any], *args: Any) -> Any:
        """PostgreSQL: ``work(connection, ...)`` in a thread, on the connection holding this
        sender's advisory lock or on a pooled one (checked out and back in the same hop)."""
        assert isinstance(self._locks, AdvisoryLocks)
        held = self._locks.held.get(sender_id)
        if held is not None:
            return await self._run(work, held, *args)
        return await self._run(self._pooled, work, *args)

    def _pooled(self, work: Callable[..., Any], *args: Any) -> Any:
        try:
            with self._engine.connect() as connection:
                return work(connection, *args)
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot use the conversation store {self.url}: {exc}") from exc

    def _select(self, connection: Connection, sender_id: str, first_position: int) -> list[str]:
        rows = connection.exec_driver_sql(_PG_SELECT, (sender_id, first_position)).scalars().all()
        connection.rollback()  # end the read transaction (an open one would pin an old snapshot)
        return list(rows)

    def _insert_turn(self, connection: Connection, sender_id: str, rows: list[str]) -> int:
        """Insert a turn's rows after the conversation's last event, inside the caller's
        transaction; returns the position of the first."""
        last = connection.exec_driver_sql(_PG_LAST, (sender_id,)).scalar()
        first = 0 if last is None else last + 1
        connection.exec_driver_sql(_PG_INSERT, [(sender_id, first + index, row) for index, row in enumerate(rows)])
        return first

    def _insert_alone(self, connection: Connection, sender_id: str, rows: list[str]) -> int:
        try:
            with connection.begin():
                return self._insert_turn(connection, sender_id, rows)
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot save a turn of conversation '{sender_id}': {exc}") from exc

    # -- the store protocol --------------------------------------------------------

    async def load(self, sender_id: str) -> list[Event]:
        await self._ensure_schema()
        return await self._cache.read_through(sender_id, lambda start: self._rows(sender_id, start))

    async def _rows(self, sender_id: str, first_position: int) -> list[str]:
        if self._sqlite is not None:  # inline: WAL readers never wait for the writer
            return self._sqlite.select(sender_id, first_position)
        return await self._read(sender_id, self._select, sender_id, first_position)

    async def append(self, sender_id: str, events: list[Event]) -> None:
        if not events:
            return
        rows = event_rows(sender_id, events)
        await self._ensure_schema()
        if self._writer is not None:
            first = await self._writer.write(sender_id, rows)
        elif self._sqlite is not None:  # SQLite without fsync: a commit is ~50 us, do it inline
            first = self._sqlite.insert(sender_id, rows)
        else:
            first = await self._read(sender_id, self._insert_alone, sender_id, rows)
        self._cache.remember(sender_id, first, rows)

    def lock(self, sender_id: str) -> Any:
        return self._locks.hold(sender_id)

    async def senders(self) -> list[str]:
        await self._ensure_schema()
        if self._sqlite is not None:
            return self._sqlite.senders()
        return await self._read("", self._select_senders)

    @staticmethod
    def _select_senders(connection: Connection) -> list[str]:
        senders = list(connection.exec_driver_sql("SELECT DISTINCT sender_id FROM events ORDER BY sender_id").scalars())
        connection.rollback()
        return senders

    async def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
        if self._sqlite is not None:
            self._sqlite.close()
        if self._executor is not None:
            await self._run(self._engine.dispose)
            self._executor.shutdown(wait=True)
        else:
            self._engine.dispose()
        if isinstance(self._locks, FileLocks):
            self._locks.close()
