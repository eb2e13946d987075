"""``SQLiteStore``: conversations in one SQLite file, the default ``tracker_store``.

SQLite runs in WAL mode with ``synchronous=FULL`` by default: every commit is
fsynced before ``append`` returns, so a turn whose reply a user saw survives not
only a killed server (which ``NORMAL`` already survives) but also a power cut or
kernel crash. The fsync costs about 1 ms here, so commits go through one writer
thread that commits all waiting turns together (``group_commit``: one fsync per
group, never a delay for a lone turn). ``?synchronous=normal`` in the URL trades
the power-cut guarantee for speed: commits then take ~50 us and run inline on the
event loop. Reads always run inline (WAL readers never wait for the writer). Writers
take the lock up front (``BEGIN IMMEDIATE``) and wait up to ``busy_timeout`` for each
other (other processes). Senders are locked across processes by byte-range locks on
``<db>.locks`` (``file_locks``).

URL options: ``synchronous`` (``full`` or ``normal``), ``lock_timeout_s``.
"""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any, Callable

from sqlalchemy import create_engine, event
from sqlalchemy.engine import URL, Connection, Engine

from dialog.errors import ConfigError, StoreError
from dialog.stores.file_locks import FileLocks
from dialog.stores.group_commit import GroupWriter
from dialog.stores.sql_store import SQLStore, parse_url
from dialog.stores.sqlite_statements import SQLiteIO

__all__ = ["SQLiteStore"]

_SYNCHRONOUS = ("full", "normal")
_BUSY_TIMEOUT_MS = 30_000


def _database_path(driver_url: URL, url: str, root: Path | None) -> Path:
    """The database file (relative paths under ``root``), its folder created."""
    if not driver_url.database or driver_url.database == ":memory:":
        raise ConfigError(f"tracker_store '{url}': SQLite needs a file path; use memory:// for conversations in memory")
    path = Path(driver_url.database).expanduser()
    if not path.is_absolute():
        path = Path(root or ".") / path
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot create the folder for the conversation database {path}: {exc}") from exc
    return path


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


class SQLiteStore(SQLStore):
    """The conversation store for ``sqlite:///path`` URLs."""

    def __init__(self, url: str, root: Path | str | None = None) -> None:
        driver_url, options = parse_url(url, "sqlite", ("synchronous",))
        path = _database_path(driver_url, url, Path(root) if root is not None else None)
        synchronous = options.get("synchronous", "full").lower()
        if synchronous not in _SYNCHRONOUS:
            raise ConfigError(f"tracker_store '{url}': synchronous must be one of {', '.join(_SYNCHRONOUS)}")
        super().__init__(url, _sqlite_engine(driver_url.set(drivername="sqlite", database=str(path)), synchronous), options)
        self._writer = GroupWriter(self._engine, url) if synchronous == "full" else None
        self._sqlite = SQLiteIO(self._engine, url)
        self._locks = FileLocks(Path(f"{path}.locks"), self._lock_timeout_s)

    async def _blocking(self, function: Callable[..., Any], *args: Any) -> Any:
        return function(*args)  # a local file: inline is cheaper than a thread hop

    async def _rows(self, sender_id: str, first_position: int) -> list[str]:
        return self._sqlite.select(sender_id, first_position)  # inline: WAL readers never wait for the writer

    async def _insert(self, sender_id: str, rows: list[str]) -> int:
        if self._writer is not None:
            return await self._writer.write(sender_id, rows)
        return self._sqlite.insert(sender_id, rows)  # without fsync a commit is ~50 us: inline

    async def _senders(self) -> list[str]:
        return self._sqlite.senders()

    def lock(self, sender_id: str) -> AbstractAsyncContextManager[None]:
        return self._locks.hold(sender_id)

    async def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
        self._sqlite.close()
        self._engine.dispose()
        self._locks.close()
