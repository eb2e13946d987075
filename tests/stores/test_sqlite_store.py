from __future__ import annotations

import asyncio
import multiprocessing
import sqlite3
import time
from contextlib import closing
from pathlib import Path

import pytest

from dialog.errors import ConfigError, StoreError
from dialog.stores import open_store
from dialog.stores.sqlite_store import SQLiteStore

pytestmark = pytest.mark.usefixtures("collect_leaks")


def run(coroutine):
    return asyncio.run(coroutine)


async def _roundtrip(store) -> list[dict]:
    try:
        await store.append("u1", [{"event": "user", "text": "hi"}, {"event": "bot", "text": "hello"}])
        await store.append("u2", [{"event": "user", "text": "other"}])
        await store.append("u1", [{"event": "slot", "name": "order_id", "value": "123456"}])
        return await store.load("u1")
    finally:
        await store.close()


def test_sqlite_url_is_resolved_under_the_root_and_creates_the_folder(tmp_path: Path) -> None:
    store = open_store("sqlite:///.dialog/conversations.db", root=tmp_path)
    events = run(_roundtrip(store))
    assert [e["event"] for e in events] == ["user", "bot", "slot"]
    assert events[2] == {"event": "slot", "name": "order_id", "value": "123456"}
    assert (tmp_path / ".dialog" / "conversations.db").exists()


def test_absolute_sqlite_path_ignores_the_root(tmp_path: Path) -> None:
    target = tmp_path / "abs" / "c.db"
    run(_roundtrip(open_store(f"sqlite:///{target}", root=tmp_path / "elsewhere")))
    assert target.exists()


def test_sqlite_runs_in_wal_mode_with_full_sync_by_default(tmp_path: Path) -> None:
    async def pragmas(url: str) -> tuple[str, int]:
        store = SQLiteStore(url, root=tmp_path)
        await store.append("u1", [{"event": "user", "text": "hi"}])
        with store._engine.connect() as connection:
            mode = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
            sync = connection.exec_driver_sql("PRAGMA synchronous").scalar()
        await store.close()
        return mode, sync

    assert run(pragmas("sqlite:///a.db")) == ("wal", 2)
    assert run(pragmas("sqlite:///b.db?synchronous=normal")) == ("wal", 1)


def test_events_come_back_in_order_for_each_sender(tmp_path: Path) -> None:
    async def scenario() -> tuple[list[dict], list[dict], list[str]]:
        store = SQLiteStore("sqlite:///c.db", root=tmp_path)
        for index in range(30):
            await store.append("a", [{"event": "user", "text": f"a{index}"}, {"event": "bot", "text": f"ra{index}"}])
            await store.append("b", [{"event": "user", "text": f"b{index}"}])
        result = await store.load("a"), await store.load("b"), await store.senders()
        await store.close()
        return result

    a, b, senders = run(scenario())
    assert [e["text"] for e in a[:4]] == ["a0", "ra0", "a1", "ra1"]
    assert len(a) == 60 and [e["text"] for e in b] == [f"b{i}" for i in range(30)]
    assert senders == ["a", "b"]


def test_unknown_sender_loads_empty_and_unicode_survives(tmp_path: Path) -> None:
    async def scenario() -> tuple[list[dict], list[dict]]:
        store = SQLiteStore("sqlite:///d.db", root=tmp_path)
        empty = await store.load("nobody")
        await store.append("ü-1", [{"event": "user", "text": "Grüße 👋", "parse_data": {"x": [1, 2.5, None]}}])
        loaded = await store.load("ü-1")
        await store.close()
        return empty, loaded

    empty, loaded = run(scenario())
    assert empty == []
    assert loaded == [{"event": "user", "text": "Grüße 👋", "parse_data": {"x": [1, 2.5, None]}}]


def test_data_survives_reopening(tmp_path: Path) -> None:
    run(_roundtrip(SQLiteStore("sqlite:///e.db", root=tmp_path)))

    async def reopen() -> list[dict]:
        store = SQLiteStore("sqlite:///e.db", root=tmp_path)
        events = await store.load("u1")
        await store.close()
        return events

    assert len(run(reopen())) == 3


def test_a_failed_append_writes_nothing(tmp_path: Path) -> None:
    async def scenario() -> list[dict]:
        store = SQLiteStore("sqlite:///f.db", root=tmp_path)
        await store.append("u1", [{"event": "user", "text": "hi"}])
        with pytest.raises(StoreError, match="not JSON"):
            await store.append("u1", [{"event": "bot", "text": "ok"}, {"event": "bad", "value": object()}])
        events = await store.load("u1")
        await store.close()
        return events

    assert [e["text"] for e in run(scenario())] == ["hi"]


def test_a_turn_is_one_transaction(tmp_path: Path) -> None:
    """When the database rejects one event of a turn, none of the turn is kept."""

    async def scenario() -> list[dict]:
        store = SQLiteStore("sqlite:///g.db", root=tmp_path)
        await store.append("u1", [{"event": "user", "text": "hi"}])
        with closing(sqlite3.connect(tmp_path / "g.db")) as raw:  # sqlite3's own `with` only commits
            raw.execute(
                "CREATE TRIGGER refuse BEFORE INSERT ON events WHEN NEW.data LIKE '%boom%' "
                "BEGIN SELECT RAISE(ABORT, 'refused'); END"
            )
        with pytest.raises(StoreError, match="cannot save a turn of conversation 'u1'"):
            await store.append("u1", [{"event": "bot", "text": "fine"}, {"event": "bot", "text": "boom"}])
        await store.append("u1", [{"event": "bot", "text": "after"}])
        events = await store.load("u1")
        await store.close()
        return events

    assert [e["text"] for e in run(scenario())] == ["hi", "after"]


def test_lock_serialises_one_sender_and_not_others(tmp_path: Path) -> None:
    order: list[str] = []

    async def turn(store: SQLiteStore, sender: str, name: str) -> None:
        async with store.lock(sender):
            order.append(f"{name}-start")
            await asyncio.sleep(0.02)
            order.append(f"{name}-end")

    async def scenario() -> None:
        store = SQLiteStore("sqlite:///h.db", root=tmp_path)
        await asyncio.gather(turn(store, "u1", "a"), turn(store, "u1", "b"), turn(store, "u2", "c"))
        await store.close()

    run(scenario())
    assert order.index("a-end") < order.index("b-start")
    assert order.index("c-start") < order.index("a-end")


def _hold_lock_in_another_process(db: str, ready, release) -> None:
    async def hold() -> None:
        store = SQLiteStore(f"sqlite:///{db}")
        async with store.lock("shared"):
            ready.set()
            while not release.is_set():
                await asyncio.sleep(0.01)
        await store.close()

    asyncio.run(hold())


def test_lock_holds_across_processes(tmp_path: Path) -> None:
    context = multiprocessing.get_context("spawn")
    ready, release = context.Event(), context.Event()
    db = str(tmp_path / "p.db")
    child = context.Process(target=_hold_lock_in_another_process, args=(db, ready, release))
    child.start()
    try:
        assert ready.wait(30)

        async def contend() -> tuple[float, bool]:
            store = SQLiteStore(f"sqlite:///{db}?lock_timeout_s=0.2")
            started = time.monotonic()
            with pytest.raises(StoreError, match="timed out"):
                async with store.lock("shared"):
                    pass
            waited = time.monotonic() - started
            async with store.lock("another-sender"):
                other_free = True
            release.set()
            async with store.lock("shared"):
                pass
            await store.close()
            return waited, other_free

        waited, other_free = run(contend())
        assert waited >= 0.2 and other_free
    finally:
        release.set()
        child.join(10)


def test_bad_urls_and_options_are_config_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="synchronous must be one of full, normal"):
        SQLiteStore("sqlite:///x.db?synchronous=off", root=tmp_path)
    with pytest.raises(ConfigError, match="lock_timeout_s must be a number"):
        SQLiteStore("sqlite:///x.db?lock_timeout_s=soon", root=tmp_path)
    with pytest.raises(ConfigError, match="needs a sqlite:// URL, not 'mysql://x/y'"):
        SQLiteStore("mysql://x/y", root=tmp_path)


def test_in_memory_sqlite_points_to_memory_store() -> None:
    with pytest.raises(ConfigError, match="use memory:// for conversations in memory"):
        SQLiteStore("sqlite:///:memory:")


def test_two_stores_on_one_database_see_each_others_turns(tmp_path: Path) -> None:
    """Two server processes share a database; each one's cached prefix stays right."""

    async def scenario() -> tuple[list[str], list[str]]:
        first = SQLiteStore("sqlite:///shared.db", root=tmp_path)
        second = SQLiteStore("sqlite:///shared.db", root=tmp_path)
        for index in range(3):
            async with first.lock("u1"):
                await first.load("u1")
                await first.append("u1", [{"event": "user", "text": f"first{index}"}])
            async with second.lock("u1"):
                await second.load("u1")
                await second.append("u1", [{"event": "user", "text": f"second{index}"}])
        seen = [e["text"] for e in await first.load("u1")], [e["text"] for e in await second.load("u1")]
        await first.close()
        await second.close()
        return seen

    by_first, by_second = run(scenario())
    expected = [f"{who}{i}" for i in range(3) for who in ("first", "second")]
    assert by_first == expected and by_second == expected


def test_loaded_events_are_copies(tmp_path: Path) -> None:
    async def scenario() -> list[dict]:
        store = SQLiteStore("sqlite:///copies.db", root=tmp_path)
        await store.append("u1", [{"event": "user", "text": "hi"}])
        (await store.load("u1"))[0]["text"] = "changed"
        events = await store.load("u1")
        await store.close()
        return events

    assert run(scenario()) == [{"event": "user", "text": "hi"}]


# -- the contract every durable store keeps -----------------------------------------

from tests.stores.store_contract import CONTRACT, two_stores_share_conversations  # noqa: E402


@pytest.mark.parametrize("synchronous", ["full", "normal"])
@pytest.mark.parametrize("check", CONTRACT, ids=lambda check: check.__name__)
def test_store_contract_on_sqlite(tmp_path: Path, check, synchronous: str) -> None:
    async def scenario() -> None:
        store = SQLiteStore(f"sqlite:///contract.db?synchronous={synchronous}", root=tmp_path)
        try:
            await check(store)
        finally:
            await store.close()

    run(scenario())


@pytest.mark.parametrize("synchronous", ["full", "normal"])
def test_two_sqlite_stores_share_conversations(tmp_path: Path, synchronous: str) -> None:
    run(two_stores_share_conversations(lambda: SQLiteStore(f"sqlite:///shared2.db?synchronous={synchronous}", root=tmp_path)))
