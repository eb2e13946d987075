"""What the bot needs from a language model, whatever serves it.

``Generator`` is the provider seam (transformers in-process, an OpenAI-compatible
server, or the fake one for tests). ``bot.py`` never talks to a Generator
directly: it asks ``llm.fallback.LLMFallback`` for a reply, which builds the
prompt, applies the timeout and records the ``llm_fallback`` event.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import AsyncIterator, Protocol

__all__ = ["ChatMessage", "Generation", "Generator"]


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
        """The reply as text pieces as they are produced. Raises ``LLMError``."""

    async def close(self) -> None: ...
