from __future__ import annotations

import asyncio

import pytest
import redis
import redis.asyncio as aioredis

from dialog.errors import ConfigError, StoreError
from dialog.stores import open_store
from dialog.stores.redis_store import RedisStore
from tests.stores.store_contract import CONTRACT, two_stores_share_conversations

pytestmark = [pytest.mark.services, pytest.mark.usefixtures("collect_leaks")]


@pytest.mark.parametrize("check", CONTRACT, ids=lambda check: check.__name__)
def test_store_contract(redis_url: str, check) -> None:
    async def scenario() -> None:
        store = open_store(redis_url)
        assert isinstance(store, RedisStore)
        try:
            await check(store)
        finally:
            await store.close()

    asyncio.run(scenario())


def test_two_processes_share_conversations(redis_url: str) -> None:
    asyncio.run(two_stores_share_conversations(lambda: RedisStore(redis_url)))


def test_events_are_a_list_per_sender_and_a_turn_is_one_transaction(redis_url: str, redis_server: str) -> None:
    prefix = redis_url.split("prefix=")[1]

    async def scenario() -> None:
        store = RedisStore(redis_url)
        try:
            await store.append("u1", [{"event": "user", "text": "hi"}, {"event": "bot", "text": "hello"}])
        finally:
            await store.close()

    asyncio.run(scenario())
    with redis.Redis.from_url(redis_server) as client:
        assert client.lrange(f"{prefix}:events:u1", 0, -1) == [b'{"event":"user","text":"hi"}', b'{"event":"bot","text":"hello"}']
        assert client.smembers(f"{prefix}:senders") == {b"u1"}


def test_a_crashed_holders_lock_frees_itself_after_the_timeout(redis_url: str, redis_server: str) -> None:
    prefix = redis_url.split("prefix=")[1]
    with redis.Redis.from_url(redis_server) as client:
        # A process that died while holding the lock left this key with a 0.3 s expiry.
        client.set(f"{prefix}:lock:u1", "dead-process-token", px=300)

    async def scenario() -> float:
        store = RedisStore(redis_url + "&lock_timeout_s=0.3")
        loop = asyncio.get_running_loop()
        started = loop.time()
        try:
            async with store.lock("u1"):
                waited = loop.time() - started
        finally:
            await store.close()
        return waited

    assert 0.15 < asyncio.run(scenario()) < 2.0


def test_a_turn_cancelled_while_taking_the_lock_leaves_no_lock_behind(redis_url: str, monkeypatch) -> None:
    """The worst moment to be cancelled: Redis has set the lock, the answer has not arrived."""
    from redis.asyncio.lock import Lock

    take = Lock.do_acquire

    async def taken_then_cancelled(self, token):
        await take(self, token)
        raise asyncio.CancelledError

    async def scenario() -> float:
        store = RedisStore(redis_url + "&lock_timeout_s=30")
        loop = asyncio.get_running_loop()
        try:
            with monkeypatch.context() as patch:
                patch.setattr(Lock, "do_acquire", taken_then_cancelled)
                with pytest.raises(asyncio.CancelledError):
                    async with store.lock("u1"):
                        pass
            started = loop.time()
            async with store.lock("u1"):  # free at once, not after 30 s
                return loop.time() - started
        finally:
            await store.close()

    assert asyncio.run(scenario()) < 1.0


def test_a_long_turn_keeps_its_lock_by_renewing_it(redis_url: str, redis_server: str) -> None:
    # A 3 s turn under a 1 s lock timeout: without renewal the lock key would be gone
    # after 1 s and the other turn would slip in. Renewal beats every 1/3 s, so the
    # event loop must stall for ~0.7 s before the lock is lost: robust on a loaded CI.
    prefix = redis_url.split("prefix=")[1]

    async def scenario() -> tuple[list[str], int]:
        first = RedisStore(redis_url + "&lock_timeout_s=1")
        second = RedisStore(redis_url + "&lock_timeout_s=1")
        observer = aioredis.Redis.from_url(redis_server)
        order: list[str] = []
        ttl_late_in_the_turn = -2

        async def long_turn() -> None:
            nonlocal ttl_late_in_the_turn
            async with first.lock("u1"):
                order.append("long-start")
                await asyncio.sleep(2.5)
                ttl_late_in_the_turn = await observer.pttl(f"{prefix}:lock:u1")
                await asyncio.sleep(0.5)
                order.append("long-end")

        async def other_turn() -> None:
            await asyncio.sleep(0.1)
            async with second.lock("u1"):
                order.append("other")

        try:
            await asyncio.gather(long_turn(), other_turn())
        finally:
            await first.close()
            await second.close()
            await observer.aclose()
        return order, ttl_late_in_the_turn

    order, ttl_ms = asyncio.run(scenario())
    assert 0 < ttl_ms <= 1000  # 2.5 s into the turn the 1 s lock still exists: it was renewed
    assert order == ["long-start", "long-end", "other"]


def test_unreachable_redis_is_a_store_error() -> None:
    async def scenario() -> None:
        store = RedisStore("redis://127.0.0.1:1/0")
        try:
            with pytest.raises(StoreError, match="cannot load conversation 'u1'"):
                await store.load("u1")
        finally:
            await store.close()

    asyncio.run(scenario())


def test_bad_options_are_config_errors() -> None:
    with pytest.raises(ConfigError, match="lock_timeout_s must be a number"):
        RedisStore("redis://127.0.0.1:6379/0?lock_timeout_s=x")
    with pytest.raises(ConfigError, match="lock_timeout_s must be positive"):
        RedisStore("redis://127.0.0.1:6379/0?lock_timeout_s=0")
