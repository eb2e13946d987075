"""The bundled SmolLM2 end to end: LLMFallback.reply and Bot.handle with the customer-service bot."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from dialog.config.models import BotConfig
from dialog.llm.fallback import LLMFallback
from dialog.types import Message


@pytest.mark.slow
def test_real_fallback_reply_streams_and_records_the_event(real_fallback: LLMFallback) -> None:
    shown: list[str] = []
    result = asyncio.run(real_fallback.reply([], "what is the capital of Australia?", on_token=shown.append))
    assert result.text and result.text == "".join(shown)
    event = result.event
    assert event["outcome"] == "ok" and event["model"] == "smollm2-135m" and event["provider"] == "transformers"
    assert event["prompt_tokens"] > 50 and 0 < event["completion_tokens"] <= 40
    status = real_fallback.status()
    assert status["state"] == "ready" and status["dtype"] == "int8"


@pytest.mark.slow
def test_concurrent_turns_share_one_model(real_fallback: LLMFallback) -> None:
    async def both() -> list[Any]:
        return list(await asyncio.gather(real_fallback.reply([], "tell me a joke"), real_fallback.reply([], "hello??")))

    results = asyncio.run(both())
    assert all(result.text for result in results)
    assert [result.event["outcome"] for result in results] == ["ok", "ok"]


@pytest.mark.slow
def test_bot_handle_answers_an_out_of_scope_turn_with_the_real_model(real_config: BotConfig, real_fallback: LLMFallback) -> None:
    from dialog.bot import Bot
    from dialog.flows.store import MemoryStore

    bot = Bot.from_config(real_config, store=MemoryStore(), fallback=real_fallback)

    async def chat() -> tuple[list[Any], dict[str, Any]]:
        await bot.start()
        replies = await bot.handle(Message("llm-e2e", "what is the capital of Australia?"))
        return replies, await bot.tracker("llm-e2e")

    replies, tracker = asyncio.run(chat())
    events = [event for event in tracker["events"] if event["event"] == "llm_fallback"]
    assert len(events) == 1 and events[0]["outcome"] == "ok"
    assert len(replies) == 1 and replies[0].text and "didn't quite get that" not in replies[0].text

