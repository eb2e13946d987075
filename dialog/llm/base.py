"""What the bot needs from a language model, whatever serves it.

``Generator`` is the provider seam (transformers in-process, an OpenAI-compatible
server, or the fake one for tests). ``bot.py`` never talks to a Generator
directly: it asks ``llm.fallback.LLMFallback`` for a reply, which builds the
prompt, applies the timeout and records the ``llm_fallback`` event.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, AsyncIterator, Protocol, runtime_checkable

__all__ = ["ChatMessage", "DetailReporting", "Generation", "Generator", "LoadReporting", "PrefixWarming", "TokenStream"]


@dataclass(frozen=True)
class ChatMessage:
    role: str  # "system" | "user" | "assistant"
    content: str

    def as_json(self) -> dict[str, str]:
        return {"role": self.role, "content": self.content}


@dataclass(frozen=True)
class Generation:
    text: str
    model: str
    prompt_tokens: int = 0
    completion_tokens: int = 0


class TokenStream:
    """The async iterator ``Generator.stream`` returns: text pieces, plus token counts.

    A provider fills ``prompt_tokens`` and ``completion_tokens`` while the pieces
    flow, so whoever consumes the stream can record usage without a second call.
    ``aclose()`` stops the generation early (timeouts, a client that went away).
    """

    def __init__(self, model: str = "") -> None:
        self.model = model
        self.prompt_tokens = 0
        self.completion_tokens = 0
        self._pieces: AsyncIterator[str] | None = None

    def attach(self, pieces: AsyncIterator[str]) -> TokenStream:
        self._pieces = pieces
        return self

    def __aiter__(self) -> TokenStream:
        return self

    async def __anext__(self) -> str:
        if self._pieces is None:
            raise StopAsyncIteration
        return await self._pieces.__anext__()

    async def aclose(self) -> None:
        close = getattr(self._pieces, "aclose", None)
        if close is not None:
            await close()


class Generator(Protocol):
    """One loaded model shared by every conversation of a process."""

    model_name: str

    def start_loading(self) -> None:
        """Begin loading in the background; returns at once."""

    @property
    def ready(self) -> bool:
        """True once a generation would not wait for loading."""

    async def generate(self, messages: list[ChatMessage], max_new_tokens: int) -> Generation:
        """The whole reply. Raises ``LLMError`` on failure."""

    def stream(self, messages: list[ChatMessage], max_new_tokens: int) -> AsyncIterator[str]:
        """The reply as text pieces as they are produced. Raises ``LLMError``.

        Built-in providers return a ``TokenStream`` (token counts ride along)."""

    async def close(self) -> None: ...


# What a generator may offer besides; LLMFallback checks for each with isinstance.


@runtime_checkable
class PrefixWarming(Protocol):
    """An in-process model that can prefill the prompt's fixed prefix once, after loading."""

    def warm_prefix(self, messages: list[ChatMessage]) -> object: ...


@runtime_checkable
class LoadReporting(Protocol):
    @property
    def load_error(self) -> str | None:
        """Why loading failed (``/status`` shows it); None while loading or once loaded."""


@runtime_checkable
class DetailReporting(Protocol):
    def details(self) -> dict[str, Any]:
        """Extra ``/status`` fields (precision, load time, ...)."""
