from __future__ import annotations

from pathlib import Path

import pytest

from dialog.errors import ConfigError
from dialog.stores import MemoryStore, open_store
from dialog.stores.postgres_store import PostgresStore
from dialog.stores.redis_store import RedisStore
from dialog.stores.sqlite_store import SQLiteStore


def test_open_store_picks_the_store_by_the_url_scheme(tmp_path: Path) -> None:
    assert isinstance(open_store("memory://"), MemoryStore)
    assert isinstance(open_store("sqlite:///c.db", root=tmp_path), SQLiteStore)
    assert isinstance(open_store("postgresql://u@127.0.0.1:1/db"), PostgresStore)  # connects on first use
    assert isinstance(open_store("redis://127.0.0.1:1/0"), RedisStore)


def test_unknown_store_scheme_lists_valid_ones() -> None:
    with pytest.raises(ConfigError, match="unknown tracker_store 'mongodb://x'; valid schemes: memory, postgresql, redis, sqlite"):
        open_store("mongodb://x")
