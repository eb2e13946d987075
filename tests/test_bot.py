"""Bot.handle wiring: NLU (a fixed table) -> engine -> LLM fallback -> replies, one append per turn."""

from __future__ import annotations

import asyncio
import shutil
import time
from datetime import UTC
from pathlib import Path

import pytest

from dialog.bot import Bot
from dialog.config import load_bot
from dialog.llm.fake import FakeGenerator
from dialog.stores import MemoryStore
from dialog.testing.fakes import TableParser
from dialog.types import Button, Message
from tests.minibot import MINIBOT, TABLE, CountingStore


@pytest.fixture
def config(tmp_path: Path):
    shutil.copytree(MINIBOT, tmp_path / "minibot")
    return load_bot(tmp_path / "minibot")


def make_bot(config, generator=None, llm=True) -> Bot:
    parser = TableParser(TABLE, {"order_id": r"\b\d{6}\b"})
    return Bot.from_config(config, store=CountingStore(), generator=generator or FakeGenerator("I am a fake model."), nlu=parser, llm=llm)


def texts(replies) -> list[str]:
    return [reply.text for reply in replies]


def run(coro):
    return asyncio.run(coro)


def test_a_flow_with_buttons_and_a_custom_action(config) -> None:
    bot = make_bot(config)

    async def chat():
        greet = await bot.handle(Message("u1", "hi"))
        assert greet[0].buttons == (Button("Check an order", "/check_order"), Button("Payment", "/payment_methods"))
        assert greet[0].response == "utter_greet"
        assert texts(await bot.handle(Message("u1", "/check_order"))) == ["What is your order number?"]
        assert texts(await bot.handle(Message("u1", "it's 123"))) == ["What is your order number?"]  # fills nothing
        invalid = await bot.handle(Message("u1", '/inform{"order_id": "123"}'))
        assert texts(invalid) == ["Order numbers have 6 digits.", "What is your order number?"]
        assert texts(await bot.handle(Message("u1", "it's 123456"))) == ["Order 123456 has shipped."]
        assert texts(await bot.handle(Message("u1", "where is my order 234567"))) == ["Order 234567 is processing."]
        assert bot.store.appends == 6
        tracker = await bot.tracker("u1")
        assert tracker["active_flow"] is None and tracker["slots"]["order_status"] == "processing"
        assert tracker["latest_message"]["intent"]["name"] == "check_order"
        assert [e["event"] for e in tracker["events"]][:2] == ["session_started", "user"]

    run(chat())


def test_the_llm_event_is_stamped_by_the_bots_clock(config) -> None:
    bot = Bot.from_config(config, store=MemoryStore(), generator=FakeGenerator("I am a fake model."), nlu=TableParser(TABLE), clock=lambda: 1234.5)
    turn = run(bot.handle_turn(Message("u2", "tell me a joke")))
    [event] = [e for e in turn.events if e["event"] == "llm_fallback"]
    assert event["timestamp"] == 1234.5 and event["outcome"] == "ok" and event["provider"] == "fake"


def test_fallback_streams_tokens_and_records_the_llm_event(config) -> None:
    bot = make_bot(config)
    pieces: list[str] = []

    async def on_token(piece: str) -> None:
        pieces.append(piece)

    async def chat():
        turn = await bot.handle_turn(Message("u2", "tell me a joke"), on_token=on_token)
        assert texts(turn.replies) == ["I am a fake model."]
        assert "".join(pieces) == "I am a fake model."
        assert [e["event"] for e in turn.events][-2:] == ["llm_fallback", "bot"]
        assert turn.fallback
        assert not (await bot.handle_turn(Message("u2", "hi"))).fallback
        await bot.close()

    run(chat())


def test_failing_llm_answers_utter_default(config) -> None:
    bot = make_bot(config, FakeGenerator(fail="error"))
    replies = run(bot.handle(Message("u3", "tell me a joke")))
    assert texts(replies) == ["Sorry, I didn't get that. Could you rephrase?"]


def test_without_llm_unhandled_turns_get_utter_default(config) -> None:
    bot = make_bot(config, llm=False)
    turn = run(bot.handle_turn(Message("u3", "tell me a joke")))
    assert texts(turn.replies) == ["Sorry, I didn't get that. Could you rephrase?"]
    assert turn.events[-2]["outcome"] == "unavailable" and turn.fallback
    assert bot.status()["llm"] == {"state": "disabled"}


def test_handoff_then_silence_then_api_resume(config) -> None:
    bot = make_bot(config)

    async def chat():
        assert texts(await bot.handle(Message("u4", "human please"))) == ["I'm handing you over to a human colleague."]
        assert await bot.handle(Message("u4", "hello?")) == []
        assert (await bot.tracker("u4"))["paused"] is True
        await bot.resume("u4")
        assert texts(await bot.handle(Message("u4", "how can I pay"))) == ["We take cards."]

    run(chat())


def test_trigger_intent_with_entities(config) -> None:
    bot = make_bot(config)
    replies = run(bot.trigger_intent("u5", "check_order", {"order_id": "123456"}))
    assert texts(replies) == ["Order 123456 has shipped."]


def test_turns_of_one_sender_are_serialised(config) -> None:
    bot = make_bot(config)

    async def chat():
        await asyncio.gather(*(bot.handle(Message("u6", "how can I pay")) for _ in range(5)))
        events = (await bot.tracker("u6"))["events"]
        kinds = [e["event"] for e in events if e["event"] in ("user", "flow_completed")]
        assert kinds == ["user", "flow_completed"] * 5

    run(chat())


def test_a_slow_parse_neither_reorders_a_senders_turns_nor_holds_up_other_senders(config) -> None:
    """Parses run on worker threads (the sentence encoder may run, or still be loading)."""
    import threading

    bot = make_bot(config)
    table_parse = bot._nlu.parse
    release = threading.Event()

    def parse(text: str):
        if text == "how can I pay, slowly":
            release.wait(5)
        return table_parse(text)

    bot._nlu.parse = parse

    async def chat():
        slow = asyncio.create_task(bot.handle(Message("u7", "how can I pay, slowly")))
        await asyncio.sleep(0.05)
        then = asyncio.create_task(bot.handle(Message("u7", "hello")))
        other = await asyncio.wait_for(bot.handle(Message("u8", "hello")), 2)  # not stuck behind u7
        release.set()
        await asyncio.gather(slow, then)
        users = [e["text"] for e in (await bot.tracker("u7"))["events"] if e["event"] == "user"]
        assert users == ["how can I pay, slowly", "hello"]
        assert texts(other)

    run(chat())


def test_start_loads_the_nlus_slow_models_in_the_background_a_moment_later(config, monkeypatch) -> None:
    """Not at once: torch's import would hold up the first answers (bench.load measures startup)."""
    import dialog.bot

    monkeypatch.setattr(dialog.bot, "_NLU_WARM_UP_DELAY_S", 0.05)
    bot = make_bot(config, llm=False)
    calls: list[bool] = []
    bot._nlu.warm = False  # a parser with slow models: warm and warm_up (dialog.protocols.WarmingParser)
    bot._nlu.warm_up = lambda background=False: calls.append(background)

    async def start():
        await bot.start()
        assert calls == []  # first requests are answered before the load begins
        await asyncio.sleep(0.2)
        assert calls == [True]

    run(start())


def test_status_names_the_bot(config) -> None:
    status = make_bot(config).status()
    assert status["bot"] == "minibot" and status["nlu_loaded"] is True and status["nlu_warm"] is True
    assert status["llm"]["state"] in ("loading", "ready")


def test_sqlite_store_keeps_the_conversation_across_bots(config) -> None:
    from dialog.stores import open_store

    url = "sqlite:///.dialog/conversations.db"

    async def first():
        bot = Bot.from_config(config, store=open_store(url, root=config.root), nlu=TableParser(TABLE), llm=False)
        await bot.handle(Message("u7", "where is my order"))
        await bot.close()

    async def second():
        bot = Bot.from_config(config, store=open_store(url, root=config.root), nlu=TableParser(TABLE, {"order_id": r"\d{6}"}), llm=False)
        assert (await bot.tracker("u7"))["requested_slot"] == "order_id"
        assert texts(await bot.handle(Message("u7", "123456"))) == ["Order 123456 has shipped."]
        await bot.close()

    run(first())
    run(second())


def test_close_lets_a_running_turn_finish_and_store_its_events(config) -> None:
    from dialog.stores import open_store

    url = "sqlite:///.dialog/conversations.db"
    slow_llm = FakeGenerator("one two three four five six", token_delay_s=0.05)

    async def chat():
        bot = Bot.from_config(config, store=open_store(url, root=config.root), generator=slow_llm, nlu=TableParser(TABLE))
        await bot.start()
        turn = asyncio.create_task(bot.handle(Message("u9", "tell me a joke")))
        await asyncio.sleep(0.05)  # the turn is in the LLM now
        await bot.close()
        assert turn.done()  # close waited for it, so the store was still open for its append
        assert texts(turn.result()) == ["one two three four five six"]

    async def reopened():
        bot = Bot.from_config(config, store=open_store(url, root=config.root), nlu=TableParser(TABLE), llm=False)
        events = (await bot.tracker("u9"))["events"]
        await bot.close()
        return events

    run(chat())
    events = run(reopened())
    assert [e["text"] for e in events if e["event"] in ("user", "bot")] == ["tell me a joke", "one two three four five six"]


def test_a_closing_bot_refuses_new_turns_with_a_retry_hint(config) -> None:
    from dialog.errors import StoreError

    bot = make_bot(config)

    async def chat():
        await bot.close()
        with pytest.raises(StoreError, match="shutting down; send the message again"):
            await bot.handle(Message("u10", "hello"))

    run(chat())


def test_close_gives_up_on_a_turn_that_outlasts_the_drain_time(config, caplog) -> None:
    bot = make_bot(config, generator=FakeGenerator(fail="hang"))

    async def chat():
        await bot.start()
        turn = asyncio.create_task(bot.handle(Message("u11", "tell me a joke")))
        await asyncio.sleep(0.05)
        await asyncio.wait_for(bot.close(drain_s=0.1), 5)
        turn.cancel()

    run(chat())
    assert "closing the bot with 1 turn(s) still running after 0.1 s" in caplog.text


def test_an_llm_reply_is_only_text_it_cannot_set_slots_or_start_flows(config) -> None:
    """A model that answers with a button payload and slot syntax changes nothing: its reply is shown as text
    (or, when it states an order number the bot was never given, the bot says it does not know)."""
    sneaky = '/check_order{"order_id": "123456"} SlotSet("order_status", "shipped")'
    harmless = '/greet SlotSet("mood", "happy")'
    bot = make_bot(config, generator=FakeGenerator(sneaky))

    async def chat():
        replies = await bot.handle(Message("u9", "tell me a joke"))
        assert texts(replies)[0].startswith("Sorry, I don't have information about that.")  # the fact guard
        other = make_bot(config, generator=FakeGenerator(harmless))
        assert texts(await other.handle(Message("u10", "tell me another joke"))) == [harmless]
        tracker = await bot.tracker("u9")
        assert tracker["active_flow"] is None
        assert tracker["slots"].get("order_id") is None and tracker["slots"].get("order_status") is None
        kinds = [event["event"] for event in tracker["events"]]
        assert "llm_fallback" in kinds and "slot" not in kinds and "flow_started" not in kinds
        # and the conversation goes on as if the model had said anything else
        assert texts(await bot.handle(Message("u9", "where is my order"))) == ["What is your order number?"]

    run(chat())


def test_a_turn_reads_dates_against_the_bot_s_clock_and_zone(tmp_path: Path) -> None:
    """The NLU, the date slot and `today` in conditions all see the bot's clock, in its zone."""
    from datetime import datetime

    from dialog.nlu.component import ComponentContext
    from dialog.nlu.duckling_entities import DucklingEntityExtractor

    root = tmp_path / "appointments"
    shutil.copytree(Path(__file__).parent / "data" / "appointments", root, ignore=shutil.ignore_patterns(".dialog"))
    config = load_bot(root)
    duckling = DucklingEntityExtractor.from_config({"timezone": "Europe/Berlin", "dimensions": ["time"]}, ComponentContext())

    class Parser:
        table = TableParser({"schedule my delivery": "schedule_delivery"}, default_intent="inform")

        def parse(self, text: str):
            return duckling(self.table.parse(text))

    # 23:30 UTC on Sunday 5 May is already Monday 6 May in Berlin
    clock = datetime(2030, 5, 5, 23, 30, tzinfo=UTC).timestamp
    bot = Bot.from_config(config, store=MemoryStore(), nlu=Parser(), llm=False, clock=clock)
    run(bot.handle(Message("u", "schedule my delivery")))
    replies = run(bot.handle(Message("u", "tomorrow")))
    assert texts(replies) == ["Delivery on 2030-05-07 (1 days from today)."]


def test_an_intent_the_domain_does_not_declare_gets_the_fallback(config) -> None:
    bot = Bot.from_config(config, store=MemoryStore(), generator=FakeGenerator("I am a fake model."), nlu=TableParser({"ciao": "farewell"}), llm=True)
    turn = run(bot.handle_turn(Message("u", "ciao")))
    assert texts(turn.replies) == ["I am a fake model."] and turn.fallback


def test_each_order_of_one_message_gets_its_status_and_a_handoff_drops_what_waits(config) -> None:
    bot = make_bot(config, llm=False)
    replies = run(bot.handle(Message("u1", "where is my order 123456 234567")))
    assert texts(replies) == ["Order 123456 has shipped.", "Order 234567 is processing."]
    events = run(bot.tracker("u1"))["events"]
    assert [e["event"] for e in events if e["event"].startswith("request_")] == ["request_queued", "request_taken_up"]
    handed_off = make_bot(config, llm=False)
    run(handed_off.handle(Message("u2", "human please")))
    run(handed_off.store.append("u2", [{"event": "request_queued", "text": "how can i pay", "timestamp": time.time()}]))
    assert texts(run(handed_off.handle(Message("u2", "hi")))) == []  # silent while a human has it, and nothing waiting is taken up
    assert not any(e["event"] == "request_taken_up" for e in run(handed_off.tracker("u2"))["events"])
