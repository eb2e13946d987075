"""The openai provider against a small OpenAI-compatible server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route

from dialog.config.models import BotConfig, Domain, LLMSettings, NLUData, Settings
from dialog.errors import ConfigError, LLMError
from dialog.llm.base import ChatMessage, Generation
from dialog.llm.fallback import FallbackReply, LLMFallback
from dialog.llm.openai import OpenAIGenerator

REPLY = "I can only help with the ACME shop. Shall I check an order?"
PROMPT = [ChatMessage("system", "be ACME"), ChatMessage("user", "hi")]


async def _completions(request: Request) -> Response:
    """Behaves according to the requested model name, so one server covers every case."""
    body = await request.json()
    request.app.state.requests.append({"body": body, "auth": request.headers.get("authorization")})
    model = body["model"]
    if model == "broken":
        return PlainTextResponse("internal error", status_code=500)
    if model == "malformed":
        return PlainTextResponse("{not json", media_type="application/json") if not body["stream"] else StreamingResponse(
            iter(["data: {not json\n\n"]), media_type="text/event-stream"
        )
    if model == "slow":
        await asyncio.sleep(1)
    words = REPLY.split(" ")
    if not body["stream"]:
        return JSONResponse(
            {
                "model": model,
                "choices": [{"index": 0, "message": {"role": "assistant", "content": REPLY}, "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 21, "completion_tokens": len(words)},
            }
        )

    async def events() -> asyncio.AsyncIterator[str]:
        yield 'data: {"choices": [{"index": 0, "delta": {"role": "assistant"}}]}\n\n'
        for i, word in enumerate(words):
            piece = word if i == 0 else " " + word
            yield "data: " + json.dumps({"choices": [{"index": 0, "delta": {"content": piece}}]}) + "\n\n"
        yield "data: " + json.dumps({"choices": [], "usage": {"prompt_tokens": 21, "completion_tokens": len(words)}}) + "\n\n"
        yield "data: [DONE]\n\n"

    return StreamingResponse(events(), media_type="text/event-stream")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server() -> Iterator[Starlette]:
    app = Starlette(routes=[Route("/v1/chat/completions", _completions, methods=["POST"])])
    app.state.requests = []
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    app.state.base_url = f"http://127.0.0.1:{port}/v1"
    yield app
    server.should_exit = True
    thread.join(5)


def _generator(server: Starlette, model: str = "tiny", **kwargs: object) -> OpenAIGenerator:
    return OpenAIGenerator(server.state.base_url, model, **kwargs)  # type: ignore[arg-type]


def _generate(generator: OpenAIGenerator, max_new_tokens: int = 40) -> Generation:
    async def run() -> Generation:
        try:
            return await generator.generate(PROMPT, max_new_tokens)
        finally:
            await generator.close()

    return asyncio.run(run())


def _reply(fallback: LLMFallback, text: str, on_token: Callable[[str], None] | None = None) -> FallbackReply:
    async def run() -> FallbackReply:
        try:
            return await fallback.reply([], text, on_token=on_token)
        finally:
            await fallback.close()

    return asyncio.run(run())


def test_non_streaming_reply_and_usage(server: Starlette) -> None:
    generation = _generate(_generator(server, api_key="sk-test"))
    assert generation.text == REPLY
    assert (generation.prompt_tokens, generation.completion_tokens) == (21, 13)
    sent = server.state.requests[-1]
    assert sent["auth"] == "Bearer sk-test"
    assert sent["body"]["messages"] == [{"role": "system", "content": "be ACME"}, {"role": "user", "content": "hi"}]
    assert sent["body"]["max_tokens"] == 40 and sent["body"]["stream"] is False


def test_streaming_yields_pieces_and_usage(server: Starlette) -> None:
    async def run() -> tuple[list[str], int, int]:
        generator = _generator(server)
        stream = generator.stream(PROMPT, 40)
        pieces = [piece async for piece in stream]
        await generator.close()
        return pieces, stream.prompt_tokens, stream.completion_tokens

    pieces, prompt_tokens, completion_tokens = asyncio.run(run())
    assert len(pieces) == 13 and "".join(pieces) == REPLY
    assert (prompt_tokens, completion_tokens) == (21, 13)
    assert server.state.requests[-1]["body"]["stream_options"] == {"include_usage": True}


def _bot(llm: LLMSettings) -> BotConfig:
    # The reply names ACME: the bot's persona must, or the fact guard drops the sentence as an invented name.
    return BotConfig(root=Path("."), domain=Domain(persona="a support agent of the ACME shop"), nlu=NLUData(), flows={}, settings=Settings(llm=llm))


def test_fallback_through_the_server_from_config(server: Starlette, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DIALOG_TEST_KEY", "sk-from-env")
    settings = LLMSettings(provider="openai", model="tiny", base_url=server.state.base_url, api_key_env="DIALOG_TEST_KEY")
    fallback = LLMFallback.from_config(_bot(settings))
    shown: list[str] = []
    result = _reply(fallback, "hi", on_token=shown.append)
    assert result.text == REPLY == "".join(shown)
    assert result.event["outcome"] == "ok" and result.event["model"] == "tiny" and result.event["provider"] == "openai"
    assert (result.event["prompt_tokens"], result.event["completion_tokens"]) == (21, 13)
    assert server.state.requests[-1]["auth"] == "Bearer sk-from-env"


def _refused_url() -> str:
    return f"http://127.0.0.1:{_free_port()}/v1"  # nothing listens there


@pytest.mark.parametrize("streaming", [True, False])
@pytest.mark.parametrize(
    ("case", "outcome"),
    [("refused", "error"), ("broken", "error"), ("malformed", "error"), ("slow", "timeout")],
)
def test_server_failures_end_in_no_text_and_a_warning(
    server: Starlette, case: str, outcome: str, streaming: bool, caplog: pytest.LogCaptureFixture
) -> None:
    base_url = _refused_url() if case == "refused" else server.state.base_url
    settings = LLMSettings(
        provider="openai", model=case, base_url=base_url, timeout_s=0.5, options={"stream": streaming}
    )
    fallback = LLMFallback.from_config(_bot(settings))
    with caplog.at_level(logging.WARNING, logger="dialog.llm.fallback"):
        result = _reply(fallback, "hello")
    assert result.text is None
    assert result.event["outcome"] == outcome
    assert any("LLM fallback" in record.message for record in caplog.records)


def test_http_client_timeout_is_an_llm_error(server: Starlette) -> None:
    with pytest.raises(LLMError, match="ReadTimeout"):
        _generate(_generator(server, "slow", timeout_s=0.2), 10)


def test_settings_errors_are_config_errors_at_the_llm_mark(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DIALOG_MISSING_KEY", raising=False)
    settings = LLMSettings(provider="openai", model="m", api_key_env="DIALOG_MISSING_KEY", options={"temp": 1}, mark=("config.yml", 4, 3))
    with pytest.raises(ConfigError) as info:
        OpenAIGenerator.from_settings(settings)
    text = str(info.value)
    assert "config.yml:4:3: llm.base_url: required for provider 'openai'" in text
    assert "config.yml:4:3: llm.api_key_env: environment variable DIALOG_MISSING_KEY is not set" in text
    assert "config.yml:4:3: llm.options: unknown key(s) temp" in text
