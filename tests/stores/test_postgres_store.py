"""PostgresStore against a real PostgreSQL server (started by tests/fixtures/services.py when installed)."""

from __future__ import annotations

import asyncio

import pytest

from dialog.errors import ConfigError, StoreError
from dialog.stores import open_store
from dialog.stores.postgres_store import PostgresStore
from tests.stores.store_contract import CONTRACT, two_stores_share_conversations

pytestmark = pytest.mark.usefixtures("collect_leaks")


def run(coroutine):
    return asyncio.run(coroutine)


def test_a_non_postgres_url_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="needs a postgresql:// URL, not 'sqlite:///x.db'"):
        PostgresStore("sqlite:///x.db")
    with pytest.raises(ConfigError, match="max_connections must be a number"):
        PostgresStore("postgresql://u@localhost/db?max_connections=many")


@pytest.mark.services
@pytest.mark.parametrize("check", CONTRACT, ids=lambda check: check.__name__)
def test_store_contract_on_postgres(postgres_url: str, check) -> None:
    async def scenario() -> None:
        store = open_store(postgres_url)
        assert isinstance(store, PostgresStore)
        try:
            await check(store)
        finally:
            await store.close()

    run(scenario())


@pytest.mark.services
def test_two_postgres_stores_share_conversations(postgres_url: str) -> None:
    run(two_stores_share_conversations(lambda: PostgresStore(postgres_url)))


@pytest.mark.services
def test_postgres_advisory_lock_times_out_while_another_holds_it(postgres_url: str) -> None:
    async def scenario() -> None:
        holder, waiter = PostgresStore(postgres_url), PostgresStore(postgres_url + "?lock_timeout_s=0.2")
        async with holder.lock("u1"):
            await holder.append("u1", [{"event": "user", "text": "inside the lock"}])
            with pytest.raises(StoreError, match="timed out after 0.2 s"):
                async with waiter.lock("u1"):
                    pass
            async with waiter.lock("u2"):
                pass
        async with waiter.lock("u1"):
            assert [e["text"] for e in await waiter.load("u1")] == ["inside the lock"]
        await holder.close()
        await waiter.close()

    run(scenario())


@pytest.mark.services
def test_postgres_turns_cancelled_while_waiting_for_the_lock_never_leave_it_held(postgres_url: str) -> None:
    # Waiters are cancelled right as the lock frees, often while a thread is taking it
    # for them: that connection must not go back to the pool still holding the lock.
    async def scenario() -> None:
        holder = PostgresStore(postgres_url)
        waiters = [PostgresStore(postgres_url) for _ in range(4)]
        checker = PostgresStore(postgres_url + "?lock_timeout_s=2")
        try:
            for round_ in range(40):  # cancel 0 .. 20 ms after the release: waiters poll every <= 20 ms

                async def wait(store: PostgresStore) -> None:
                    async with store.lock("u1"):
                        await asyncio.sleep(10)

                async with holder.lock("u1"):
                    tasks = [asyncio.create_task(wait(store)) for store in waiters]
                    await asyncio.sleep(0.03)
                await asyncio.sleep(0.0005 * round_)
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)
                async with checker.lock("u1"):  # StoreError here: a cancelled waiter kept the lock
                    pass
        finally:
            for store in (holder, checker, *waiters):
                await store.close()

    run(scenario())


@pytest.mark.services
def test_postgres_turns_beyond_the_connection_limit_queue_instead_of_failing(postgres_url: str) -> None:
    async def scenario() -> None:
        store = PostgresStore(postgres_url + "?max_connections=6")

        async def turn(index: int) -> None:
            async with store.lock(f"s{index}"):
                await store.load(f"s{index}")
                await asyncio.sleep(0.01)
                await store.append(f"s{index}", [{"event": "user", "text": str(index)}])

        await asyncio.gather(*(turn(index) for index in range(60)))
        assert len(await store.senders()) == 60
        await store.close()

    run(scenario())
