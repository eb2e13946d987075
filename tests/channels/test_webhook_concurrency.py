"""Different senders run concurrently; one sender's turns are serialised whole."""

from __future__ import annotations

import asyncio
import json
import time

from dialog.channels.webhook import create_app
from dialog.llm.fake import FakeGenerator
from dialog.stores import MemoryStore
from tests.channels.asgi_driver import call
from tests.channels.conftest import make_bot


def body(sender: str, message: str) -> bytes:
    return json.dumps({"sender": sender, "message": message}).encode()


def test_a_slow_llm_turn_does_not_delay_other_senders(minibot_config) -> None:
    slow = FakeGenerator("This is a slow reply that takes a while to write.", token_delay_s=0.1)
    bot = make_bot(minibot_config, MemoryStore(), slow)
    app = create_app(bot)

    async def scenario() -> tuple[float, list[float], int]:
        await bot.start()
        started = time.monotonic()
        slow_turn = asyncio.create_task(call(app, "POST", "/webhooks/rest/webhook", body("slow", "tell me a joke")))
        await asyncio.sleep(0.05)  # the slow turn is now inside the LLM
        fast: list[float] = []
        for index in range(10):
            status, _ = await call(app, "POST", "/webhooks/rest/webhook", body(f"fast{index}", "how can i pay"))
            assert status == 200
            fast.append(time.monotonic() - started)
        status, answer = await slow_turn
        await bot.close()
        return time.monotonic() - started, fast, status

    total, fast_done, status = asyncio.run(scenario())
    assert status == 200
    assert total >= 1.0  # ten words, 0.1 s each
    assert max(fast_done) < 0.6, fast_done


class OverlapCheckingStore(MemoryStore):
    """Fails if a sender's turn loads while another turn of it is between load and append."""

    def __init__(self) -> None:
        super().__init__()
        self.busy: set[str] = set()
        self.overlaps = 0

    async def load(self, sender_id: str) -> list[dict]:
        if sender_id in self.busy:
            self.overlaps += 1
        self.busy.add(sender_id)
        await asyncio.sleep(0.001)  # give another turn the chance to overlap
        return await super().load(sender_id)

    async def append(self, sender_id: str, events: list[dict]) -> None:
        await super().append(sender_id, events)
        self.busy.discard(sender_id)


def test_concurrent_turns_of_one_sender_never_overlap(minibot_config) -> None:
    store = OverlapCheckingStore()
    bot = make_bot(minibot_config, store)
    app = create_app(bot)
    messages = ["hi", "how can i pay", "/check_order", "123456", "tell me a joke"] * 4

    async def scenario() -> list[dict]:
        await bot.start()
        results = await asyncio.gather(
            *(call(app, "POST", "/webhooks/rest/webhook", body(sender, text)) for text in messages for sender in ("a", "b"))
        )
        assert all(status == 200 for status, _ in results)
        events = await store.load("a")
        await bot.close()
        return events

    events = asyncio.run(scenario())
    assert store.overlaps == 0
    assert sorted(event["text"] for event in events if event["event"] == "user") == sorted(messages)
