"""``FakeGenerator``: a deterministic Generator for fast tests (no model, no network).

It behaves like a real provider from the outside: it "loads" (optionally slowly, or
failing), streams its reply piece by piece (optionally with a delay per piece), and
can fail or hang on demand, so the fallback's timeout and error paths are testable
in milliseconds. YAML: ``llm: {provider: fake, options: {reply: "...", token_delay_s: 0.01}}``.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from typing import Any

from dialog.config.models import LLMSettings
from dialog.errors import ConfigError, LLMError, Problem
from dialog.llm.base import ChatMessage, Generation, TokenStream

__all__ = ["FAIL_MODES", "FakeGenerator"]

FAIL_MODES = ("error", "hang", "load", "midstream")
DEFAULT_REPLY = "I can only help with questions about this service. What can I do for you?"
_OPTIONS = ("reply", "echo", "token_delay_s", "load_delay_s", "fail")


class FakeGenerator:
    """A Generator that needs nothing: replies with ``reply`` (or echoes the last user message when ``echo``).

    ``fail``: ``"error"`` raises LLMError, ``"hang"`` never answers (the caller's
    timeout fires), ``"load"`` fails loading, ``"midstream"`` raises after one piece.
    ``calls`` keeps every prompt received, so tests can inspect what was sent.
    """

    provider = "fake"

    def __init__(
        self,
        reply: str = DEFAULT_REPLY,
        *,
        echo: bool = False,
        token_delay_s: float = 0.0,
        load_delay_s: float = 0.0,
        fail: str | None = None,
        model_name: str = "fake",
    ) -> None:
        if fail is not None and fail not in FAIL_MODES:
            raise LLMError(f"fake generator: unknown fail mode {fail!r}; valid: {', '.join(FAIL_MODES)}")
        self.model_name = model_name
        self.reply = reply
        self.echo = echo
        self.token_delay_s = token_delay_s
        self.load_delay_s = load_delay_s
        self.fail = fail
        self.calls: list[list[ChatMessage]] = []
        self._loaded = threading.Event()
        self._load_error: str | None = None
        self._thread: threading.Thread | None = None

    @classmethod
    def from_settings(cls, settings: LLMSettings, root: Path | None = None) -> FakeGenerator:
        """Build from ``LLMSettings``; behaviour comes from ``settings.options``."""
        options: Mapping[str, Any] = settings.options or {}
        unknown = sorted(set(options) - set(_OPTIONS))
        if unknown:
            message = f"llm.options: unknown key(s) {', '.join(unknown)} for provider 'fake'; valid: {', '.join(_OPTIONS)}"
            raise ConfigError(Problem(*settings.mark, message))
        return cls(
            reply=str(options.get("reply", DEFAULT_REPLY)),
            echo=bool(options.get("echo", False)),
            token_delay_s=float(options.get("token_delay_s", 0.0)),
            load_delay_s=float(options.get("load_delay_s", 0.0)),
            fail=options.get("fail"),
            model_name=settings.model if settings.model and not settings.model.startswith("bundled:") else "fake",
        )

    # -- loading ---------------------------------------------------------------

    def start_loading(self) -> None:
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._load, name="fake-llm-load", daemon=True)
        self._thread.start()

    def _load(self) -> None:
        if self.load_delay_s:
            time.sleep(self.load_delay_s)
        if self.fail == "load":
            self._load_error = "fake generator: load failed on purpose"
        self._loaded.set()

    @property
    def ready(self) -> bool:
        return self._loaded.is_set() and self._load_error is None

    @property
    def load_error(self) -> str | None:
        return self._load_error

    async def wait_ready(self) -> None:
        """Wait for loading (starting it if needed); raises LLMError if it failed."""
        self.start_loading()
        while not self._loaded.is_set():
            await asyncio.sleep(0.005)
        if self._load_error:
            raise LLMError(self._load_error)

    # -- generation ------------------------------------------------------------

    def _text_for(self, messages: list[ChatMessage]) -> str:
        if not self.echo:
            return self.reply
        users = [m.content for m in messages if m.role == "user"]
        return f"You said: {users[-1]}" if users else self.reply

    @staticmethod
    def _pieces(text: str) -> list[str]:
        words = text.split(" ")
        return [word if i == 0 else " " + word for i, word in enumerate(words)]

    def stream(self, messages: list[ChatMessage], max_new_tokens: int) -> TokenStream:
        stream = TokenStream(self.model_name)
        stream.prompt_tokens = self.count_tokens(messages)
        return stream.attach(self._stream(messages, max_new_tokens, stream))

    async def _stream(self, messages: list[ChatMessage], max_new_tokens: int, usage: TokenStream) -> AsyncIterator[str]:
        await self.wait_ready()
        self.calls.append(list(messages))
        if self.fail == "error":
            raise LLMError("fake generator: generation failed on purpose")
        if self.fail == "hang":
            await asyncio.Event().wait()
        for index, piece in enumerate(self._pieces(self._text_for(messages))[:max_new_tokens]):
            if self.fail == "midstream" and index == 1:
                raise LLMError("fake generator: failed in the middle of a reply on purpose")
            if self.token_delay_s:
                await asyncio.sleep(self.token_delay_s)
            usage.completion_tokens += 1
            yield piece

    async def generate(self, messages: list[ChatMessage], max_new_tokens: int) -> Generation:
        stream = self.stream(messages, max_new_tokens)
        text = "".join([piece async for piece in stream])
        return Generation(text, self.model_name, stream.prompt_tokens, stream.completion_tokens)

    def count_tokens(self, messages: list[ChatMessage]) -> int:
        return sum(len(m.content.split()) for m in messages)

    async def close(self) -> None:
        return None

