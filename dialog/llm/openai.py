"""``OpenAIGenerator``: any server speaking OpenAI's ``/v1/chat/completions``.

vLLM, llama.cpp's server, Ollama, LM Studio and OpenAI itself all do. Replies stream
as server-sent events (``stream: true``); ``options: {stream: false}`` asks for the
whole reply at once for servers that cannot stream. The API key comes from the
environment variable named in ``api_key_env``, read when the generator is built
(so a missing variable fails at startup, not on the first fallback turn).
Every transport, HTTP or payload problem becomes an ``LLMError``.

YAML (config.yml)::

    llm:
      provider: openai
      base_url: http://127.0.0.1:8000/v1
      model: Qwen/Qwen2.5-0.5B-Instruct
      api_key_env: OPENAI_API_KEY        # optional
      options: {stream: true, headers: {X-Team: bots}, extra_body: {top_p: 0.9}}
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from typing import Any

import httpx

from dialog.config.models import LLMSettings
from dialog.errors import ConfigError, LLMError, Problem
from dialog.llm.base import ChatMessage, Generation, TokenStream

__all__ = ["OpenAIGenerator"]

logger = logging.getLogger(__name__)

_OPTIONS = ("stream", "headers", "extra_body")
_ERROR_BODY_CHARS = 200


class OpenAIGenerator:
    provider = "openai"

    def __init__(
        self,
        base_url: str,
        model: str,
        *,
        api_key: str | None = None,
        temperature: float = 0.7,
        timeout_s: float = 10.0,
        streaming: bool = True,
        headers: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.model_name = model
        self.temperature = temperature
        self.timeout_s = timeout_s
        self.streaming = streaming
        self.extra_body = dict(extra_body or {})
        self._headers = {"Accept": "application/json", **dict(headers or {})}
        if api_key:
            self._headers["Authorization"] = f"Bearer {api_key}"
        self._transport = transport
        self._clients: dict[asyncio.AbstractEventLoop, httpx.AsyncClient] = {}

    @classmethod
    def from_settings(cls, settings: LLMSettings, root: Path | None = None) -> OpenAIGenerator:
        options: Mapping[str, Any] = settings.options or {}
        problems = []
        unknown = sorted(set(options) - set(_OPTIONS))
        if unknown:
            problems.append(f"llm.options: unknown key(s) {', '.join(unknown)} for provider 'openai'; valid: {', '.join(_OPTIONS)}")
        if not settings.base_url:
            problems.append("llm.base_url: required for provider 'openai' (e.g. http://127.0.0.1:8000/v1)")
        elif not str(settings.base_url).startswith(("http://", "https://")):
            problems.append(f"llm.base_url: '{settings.base_url}' must start with http:// or https://")
        api_key = None
        if settings.api_key_env:
            api_key = os.environ.get(settings.api_key_env)
            if not api_key:
                problems.append(f"llm.api_key_env: environment variable {settings.api_key_env} is not set")
        if problems:
            raise ConfigError([Problem(*settings.mark, message) for message in problems])
        return cls(
            str(settings.base_url),
            settings.model,
            api_key=api_key,
            temperature=float(settings.temperature),
            timeout_s=float(settings.timeout_s),
            streaming=bool(options.get("stream", True)),
            headers={str(k): str(v) for k, v in dict(options.get("headers") or {}).items()},
            extra_body=dict(options.get("extra_body") or {}),
        )

    # -- the Generator protocol ----------------------------------------------------

    def start_loading(self) -> None:
        """Nothing to load: the server holds the model."""

    @property
    def ready(self) -> bool:
        return True

    def _client(self) -> httpx.AsyncClient:
        """One connection pool per event loop (a pool cannot move between loops)."""
        loop = asyncio.get_running_loop()
        client = self._clients.get(loop)
        if client is None:
            client = httpx.AsyncClient(timeout=httpx.Timeout(self.timeout_s), headers=self._headers, transport=self._transport)
            self._clients[loop] = client
        return client

    def _body(self, messages: list[ChatMessage], max_new_tokens: int, stream: bool) -> dict[str, Any]:
        body: dict[str, Any] = {
            **self.extra_body,
            "model": self.model_name,
            "messages": [m.as_json() for m in messages],
            "max_tokens": max_new_tokens,
            "temperature": self.temperature,
            "stream": stream,
        }
        if stream:
            body["stream_options"] = {"include_usage": True}
        return body

    def stream(self, messages: list[ChatMessage], max_new_tokens: int) -> TokenStream:
        stream = TokenStream(self.model_name)
        pieces = self._stream(messages, max_new_tokens, stream) if self.streaming else self._whole(messages, max_new_tokens, stream)
        return stream.attach(pieces)

    async def _whole(self, messages: list[ChatMessage], max_new_tokens: int, usage: TokenStream) -> AsyncIterator[str]:
        generation = await self.generate(messages, max_new_tokens)
        usage.prompt_tokens, usage.completion_tokens = generation.prompt_tokens, generation.completion_tokens
        if generation.text:
            yield generation.text

    async def _stream(self, messages: list[ChatMessage], max_new_tokens: int, usage: TokenStream) -> AsyncIterator[str]:
        url = f"{self.base_url}/chat/completions"
        try:
            async with self._client().stream("POST", url, json=self._body(messages, max_new_tokens, True)) as response:
                if response.status_code >= 400:
                    body = (await response.aread()).decode("utf-8", "replace")
                    raise LLMError(f"{url} answered HTTP {response.status_code}: {body[:_ERROR_BODY_CHARS]}")
                async for line in response.aiter_lines():
                    piece = self._event_piece(line, usage)
                    if piece is None:
                        break
                    if piece:
                        yield piece
        except httpx.HTTPError as exc:
            raise LLMError(f"cannot reach the LLM server at {url}: {type(exc).__name__}: {exc}") from exc

    def _event_piece(self, line: str, usage: TokenStream) -> str | None:
        """The text of one SSE line; '' for lines without text, None at ``[DONE]``."""
        if not line.startswith("data:"):
            return ""  # blank separators, comments, event:/id: fields
        data = line[len("data:") :].strip()
        if data == "[DONE]":
            return None
        try:
            chunk = json.loads(data)
            if chunk.get("usage"):
                usage.prompt_tokens = int(chunk["usage"].get("prompt_tokens") or 0)
                usage.completion_tokens = int(chunk["usage"].get("completion_tokens") or 0)
            choices = chunk.get("choices") or []
            if "error" in chunk:
                raise LLMError(f"the LLM server reported an error: {str(chunk['error'])[:_ERROR_BODY_CHARS]}")
            if not choices:
                return ""
            text = (choices[0].get("delta") or {}).get("content") or ""
        except (json.JSONDecodeError, AttributeError, TypeError, ValueError) as exc:
            raise LLMError(f"malformed streaming chunk from the LLM server: {data[:_ERROR_BODY_CHARS]!r}") from exc
        if not isinstance(text, str):
            raise LLMError(f"malformed streaming chunk from the LLM server: {data[:_ERROR_BODY_CHARS]!r}")
        if not chunk.get("usage"):
            usage.completion_tokens += 1 if text else 0
        return text

    async def generate(self, messages: list[ChatMessage], max_new_tokens: int) -> Generation:
        url = f"{self.base_url}/chat/completions"
        try:
            response = await self._client().post(url, json=self._body(messages, max_new_tokens, False))
        except httpx.HTTPError as exc:
            raise LLMError(f"cannot reach the LLM server at {url}: {type(exc).__name__}: {exc}") from exc
        if response.status_code >= 400:
            raise LLMError(f"{url} answered HTTP {response.status_code}: {response.text[:_ERROR_BODY_CHARS]}")
        try:
            payload = response.json()
            text = payload["choices"][0]["message"]["content"] or ""
            usage = payload.get("usage") or {}
            if not isinstance(text, str):
                raise TypeError("content is not a string")
            return Generation(
                text=text,
                model=str(payload.get("model") or self.model_name),
                prompt_tokens=int(usage.get("prompt_tokens") or 0),
                completion_tokens=int(usage.get("completion_tokens") or 0),
            )
        except (json.JSONDecodeError, KeyError, IndexError, TypeError, ValueError, AttributeError) as exc:
            raise LLMError(f"malformed reply from the LLM server at {url}: {response.text[:_ERROR_BODY_CHARS]!r}") from exc

    async def close(self) -> None:
        clients, self._clients = list(self._clients.items()), {}
        for loop, client in clients:
            if loop is asyncio.get_running_loop():
                await client.aclose()
