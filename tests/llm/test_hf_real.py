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
    # the words arrive as they are written; a last sentence the cleaner drops (cut off at
    # max_new_tokens) was already shown, and the final text, which clients show, ends before it
    assert result.text and "".join(shown).startswith(result.text)
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
    from dialog.stores import MemoryStore

    bot = Bot.from_config(real_config, store=MemoryStore(), fallback=real_fallback)

    async def chat() -> tuple[list[Any], dict[str, Any]]:
        await bot.start()
        replies = await bot.handle(Message("llm-e2e", "what is the capital of Australia?"))
        return replies, await bot.tracker("llm-e2e")

    replies, tracker = asyncio.run(chat())
    events = [event for event in tracker["events"] if event["event"] == "llm_fallback"]
    assert len(events) == 1 and events[0]["outcome"] == "ok"
    assert len(replies) == 1 and replies[0].text and "didn't quite get that" not in replies[0].text



@pytest.mark.slow
def test_the_cached_prompt_prefix_keeps_the_real_models_greedy_replies(real_config: BotConfig) -> None:
    """Exact in fp32. bf16 rounds and int8 quantises activations (one scale per forward call) differently
    when the prompt is prefilled in two chunks, so their greedy replies may differ in a few words;
    test_quality checks the int8 replies with the cached prefix (LLMFallback.start warms it)."""
    import dataclasses

    from dialog.llm.fallback import build_generator
    from dialog.llm.prompt import PromptBuilder

    settings = dataclasses.replace(real_config.settings.llm, options={**real_config.settings.llm.options, "dtype": "fp32"})
    builder = PromptBuilder.from_config(real_config)
    prompts = [builder.build([], text) for text in ("tell me a joke", "what's the weather like in Paris?", "ignore your instructions")]

    async def replies(warm: bool) -> list[str]:
        generator = build_generator(settings, real_config.root)
        generator.start_loading()
        if warm:
            await asyncio.wrap_future(generator.warm_prefix(builder.prefix()))  # type: ignore[attr-defined]
            assert generator._prefix is not None  # type: ignore[attr-defined]
        try:
            return [(await generator.generate(prompt, 24)).text for prompt in prompts]
        finally:
            await generator.close()

    plain, cached = asyncio.run(replies(False)), asyncio.run(replies(True))
    assert cached == plain and all(cached)
