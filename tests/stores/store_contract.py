"""Behaviour every durable conversation store shares; run against each backend."""

from __future__ import annotations

import asyncio
from typing import Any, Callable

import pytest

from dialog.errors import StoreError


async def roundtrip(store: Any) -> None:
    assert await store.load("u1") == []
    await store.append("u1", [{"event": "user", "text": "hi"}, {"event": "bot", "text": "hello"}])
    await store.append("u2", [{"event": "user", "text": "Grüße 👋", "parse_data": {"x": [1, 2.5, None]}}])
    await store.append("u1", [{"event": "slot", "name": "order_id", "value": "123456"}])
    assert [e["event"] for e in await store.load("u1")] == ["user", "bot", "slot"]
    assert await store.load("u2") == [{"event": "user", "text": "Grüße 👋", "parse_data": {"x": [1, 2.5, None]}}]
    assert await store.senders() == ["u1", "u2"]
    (await store.load("u1"))[0]["text"] = "changed"
    assert (await store.load("u1"))[0]["text"] == "hi"


async def rejects_non_json(store: Any) -> None:
    await store.append("u1", [{"event": "user", "text": "hi"}])
    with pytest.raises(StoreError, match="not JSON"):
        await store.append("u1", [{"event": "bot", "text": "ok"}, {"event": "bad", "value": object()}])
    assert [e["text"] for e in await store.load("u1")] == ["hi"]


async def lock_serialises_one_sender_only(store: Any) -> None:
    order: list[str] = []

    async def turn(sender: str, name: str) -> None:
        async with store.lock(sender):
            order.append(f"{name}-start")
            await asyncio.sleep(0.05)
            order.append(f"{name}-end")

    await asyncio.gather(turn("u1", "a"), turn("u1", "b"), turn("u2", "c"))
    assert order.index("a-end") < order.index("b-start") or order.index("b-end") < order.index("a-start")
    assert order.index("c-start") < max(order.index("a-end"), order.index("b-end"))


async def two_stores_share_conversations(make_store: Callable[[], Any]) -> None:
    """Two processes' stores on one backend: locks exclude each other, loads see each other's turns."""
    first, second = make_store(), make_store()
    try:
        order: list[str] = []

        async def turn(store: Any, name: str) -> None:
            async with store.lock("shared"):
                events = await store.load("shared")
                order.append(f"{name}-start")
                await asyncio.sleep(0.02)
                await store.append("shared", [{"event": "user", "text": f"{name}:{len(events)}"}])
                order.append(f"{name}-end")

        await asyncio.gather(*(turn(store, f"{tag}{i}") for i in range(5) for tag, store in (("a", first), ("b", second))))
        for start, end in zip(order[::2], order[1::2]):
            assert start.endswith("-start") and end.endswith("-end") and start[:-6] == end[:-4]
        texts = [e["text"] for e in await first.load("shared")]
        assert [int(text.split(":")[1]) for text in texts] == list(range(10))  # each turn saw all earlier ones
        assert [e["text"] for e in await second.load("shared")] == texts
    finally:
        await first.close()
        await second.close()


async def many_concurrent_senders(store: Any) -> None:
    async def sender(index: int) -> None:
        for turn in range(10):
            async with store.lock(f"s{index}"):
                await store.load(f"s{index}")
                await store.append(f"s{index}", [{"event": "user", "text": str(turn)}, {"event": "bot", "text": str(turn)}])

    await asyncio.gather(*(sender(index) for index in range(20)))
    for index in range(20):
        assert [e["text"] for e in await store.load(f"s{index}")][::2] == [str(turn) for turn in range(10)]


CONTRACT = [roundtrip, rejects_non_json, lock_serialises_one_sender_only, many_concurrent_senders]
