"""The console channel: numbered buttons, /exit, streamed tokens, debug lines."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest

from dialog.bot import Bot
from dialog.channels.base import CollectingOutputChannel, InputChannel
from dialog.channels.console import ConsoleInputChannel
from dialog.config import load_bot
from dialog.llm.fake import FakeGenerator
from dialog.stores import MemoryStore
from dialog.testing.fakes import TableParser
from dialog.types import Message

MINIBOT = Path(__file__).parent.parent / "data" / "minibot"
TABLE = {"hi": "greet", "tell me a joke": "out_of_scope", "where is my order": "check_order"}


@pytest.fixture
def bot(tmp_path: Path) -> Bot:
    shutil.copytree(MINIBOT, tmp_path / "bot")
    config = load_bot(tmp_path / "bot")
    parser = TableParser(TABLE, {"order_id": r"\b\d{6}\b"})
    return Bot.from_config(config, store=MemoryStore(), generator=FakeGenerator("Why not. Here it is."), nlu=parser)


def test_buttons_are_numbered_and_a_number_sends_the_payload(bot: Bot) -> None:
    out: list[str] = []
    channel = ConsoleInputChannel("c1", out.append)
    turns = asyncio.run(channel.run_lines(bot, ["hi", "1", "123456", "/exit", "hi"]))
    assert turns == 3
    assert out == [
        "Hello! Which order?",
        "  1. Check an order",
        "  2. Payment",
        "What is your order number?",
        "Order 123456 has shipped.",
    ]


def test_a_number_without_buttons_is_plain_text(bot: Bot) -> None:
    channel = ConsoleInputChannel("c2", lambda line: None)
    assert channel.resolve(" 2 ") == "2"
    assert channel.resolve("/EXIT") is None


def test_llm_tokens_are_streamed_and_not_printed_twice(bot: Bot) -> None:
    out: list[str] = []
    partial: list[str] = []
    channel = ConsoleInputChannel("c3", out.append, write_partial=partial.append, prefix="bot> ")
    asyncio.run(channel.run_lines(bot, ["tell me a joke"]))
    assert "".join(partial) == "bot> Why not. Here it is.\n"
    assert out == []


def test_debug_lines_show_parse_slots_and_stack(bot: Bot) -> None:
    out: list[str] = []
    debug: list[str] = []
    channel = ConsoleInputChannel("c4", out.append, write_debug=debug.append, debug=True)
    asyncio.run(channel.run_lines(bot, ["where is my order"]))
    assert debug[0] == "  [debug] intent: check_order (0.95)"
    assert "  [debug] flow stack: check_order[active]  waiting for: order_id" in debug
    asyncio.run(channel.run_lines(bot, ["where is my order 234567"]))
    assert any("slots: order_id='234567'" in line for line in debug)


def test_collecting_output_channel_through_an_input_channel(bot: Bot) -> None:
    class TestInput(InputChannel):
        name = "test"

    output = CollectingOutputChannel()
    channel = TestInput()
    message = channel.message("c5", "hi")
    assert message == Message("c5", "hi", {}, channel="test")
    asyncio.run(channel.process(bot, message, output))
    assert output.texts() == ["Hello! Which order?"]
    assert output.latest_output()["buttons"][1] == {"title": "Payment", "payload": "/payment_methods"}
    events = asyncio.run(bot.tracker("c5"))["events"]
    [user] = [e for e in events if e["event"] == "user"]
    assert user["input_channel"] == "test" and "input_channel" not in user.get("metadata", {})


def test_debug_shows_the_sources_of_a_knowledge_answer() -> None:
    from dialog.channels.console import describe_knowledge

    events = [
        {"event": "bot", "text": "Free over $50.", "metadata": {"knowledge": {"sources": [{"file": "shipping.md", "heading": "Shipping > Costs"}], "mode": "extractive", "relevance": 0.61}}},
        {"event": "bot", "text": "Sorry...", "metadata": {"knowledge": {"sources": [], "mode": "none", "relevance": 0.2}}},
        {"event": "bot", "text": "Hi", "metadata": {}},
    ]
    assert describe_knowledge(events) == [
        "knowledge: extractive, relevance 0.61, from shipping.md > Shipping > Costs",
        "knowledge: none, relevance 0.2, nothing relevant enough",
    ]


def test_a_number_that_is_a_button_s_title_chooses_that_button() -> None:
    from dialog.types import Button

    channel = ConsoleInputChannel("c3", lambda line: None)
    channel.output.buttons = [Button("Admissions", "/admissions"), Button("1", "/one"), Button("2", "/two")]
    assert channel.resolve("1") == "/one"  # the title, not the first button
    assert channel.resolve("3") == "/two"  # a position where no title is that number
