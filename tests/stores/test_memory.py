from __future__ import annotations

import asyncio

import pytest

from dialog.stores import MemoryStore, open_store
from tests.stores.store_contract import CONTRACT, rejects_non_json


def test_memory_store_appends_and_loads_in_order() -> None:
    async def scenario() -> list[dict]:
        store = open_store("memory://")
        await store.append("u1", [{"event": "user", "text": "hi"}])
        await store.append("u1", [{"event": "bot", "text": "hello"}])
        return await store.load("u1")

    assert [e["event"] for e in asyncio.run(scenario())] == ["user", "bot"]


def test_memory_store_returns_copies() -> None:
    async def scenario() -> list[dict]:
        store = MemoryStore()
        await store.append("u1", [{"event": "user", "text": "hi"}])
        loaded = await store.load("u1")
        loaded[0]["text"] = "changed"
        return await store.load("u1")

    assert asyncio.run(scenario())[0]["text"] == "hi"


def test_memory_store_lock_serialises_one_sender() -> None:
    order: list[str] = []

    async def turn(store: MemoryStore, name: str) -> None:
        async with store.lock("u1"):
            order.append(f"{name}-start")
            await asyncio.sleep(0.01)
            order.append(f"{name}-end")

    async def scenario() -> None:
        store = MemoryStore()
        await asyncio.gather(turn(store, "a"), turn(store, "b"))

    asyncio.run(scenario())
    assert order == ["a-start", "a-end", "b-start", "b-end"]


@pytest.mark.parametrize("check", [check for check in CONTRACT if check is not rejects_non_json], ids=lambda check: check.__name__)
def test_store_contract_on_memory(check) -> None:
    """The durable stores' contract, but for JSON: memory keeps the dicts it is given."""
    asyncio.run(check(MemoryStore()))
