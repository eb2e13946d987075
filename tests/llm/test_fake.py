"""The fake provider: deterministic replies, streaming, and on-demand failures."""

from __future__ import annotations

import asyncio

import pytest

from dialog.config.models import LLMSettings
from dialog.errors import ConfigError, LLMError
from dialog.llm.base import ChatMessage
from dialog.llm.fake import FakeGenerator

PROMPT = [ChatMessage("system", "be nice"), ChatMessage("user", "hello there")]


def test_generate_returns_the_configured_reply() -> None:
    generation = asyncio.run(FakeGenerator("Hi, how can I help?").generate(PROMPT, 80))
    assert generation.text == "Hi, how can I help?"
    assert generation.completion_tokens == 5
    assert generation.model == "fake"


def test_stream_yields_pieces_that_join_to_the_reply() -> None:
    async def collect() -> list[str]:
        return [piece async for piece in FakeGenerator(echo=True).stream(PROMPT, 80)]

    pieces = asyncio.run(collect())
    assert "".join(pieces) == "You said: hello there"
    assert len(pieces) == 4


def test_max_new_tokens_caps_the_pieces() -> None:
    generation = asyncio.run(FakeGenerator("one two three four").generate(PROMPT, 2))
    assert generation.text == "one two"


@pytest.mark.parametrize("mode", ["error", "load", "midstream"])
def test_fail_modes_raise_llm_error(mode: str) -> None:
    with pytest.raises(LLMError):
        asyncio.run(FakeGenerator(fail=mode).generate(PROMPT, 80))


def test_hang_mode_never_answers() -> None:
    async def run() -> None:
        await asyncio.wait_for(FakeGenerator(fail="hang").generate(PROMPT, 80), 0.05)

    with pytest.raises(asyncio.TimeoutError):
        asyncio.run(run())


def test_from_settings_reads_options_and_rejects_unknown_keys() -> None:
    generator = FakeGenerator.from_settings(LLMSettings(provider="fake", options={"reply": "ok", "token_delay_s": 0}))
    assert asyncio.run(generator.generate(PROMPT, 80)).text == "ok"
    with pytest.raises(ConfigError, match=r"config.yml:3:5: llm.options: unknown key\(s\) colour"):
        FakeGenerator.from_settings(LLMSettings(provider="fake", options={"colour": 1}, mark=("config.yml", 3, 5)))
