"""The seams between dialog's layers, as Protocols: what one part needs from another.

A core module (it imports only ``dialog.types`` and ``dialog.events``), so the part
that needs a thing and the part that provides it can both name the contract without
importing each other: the bot takes any ``Parser`` (the trained ``NLUPipeline``, a
``TableParser`` in tests) and any ``Fallback`` (``LLMFallback``), and the dialogue
engine reads a ``FallbackAnswer`` without knowing the LLM package exists. The NLU
component contract is in ``dialog.nlu.component``, the language-model one in
``dialog.llm.base`` and what a channel needs from the bot in ``dialog.channels.bot_api``.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

from dialog.events import Event
from dialog.types import ParseResult

__all__ = ["Fallback", "FallbackAnswer", "Parser", "TokenCallback", "WarmingParser"]

# Receives each piece of a streamed LLM reply as it is shown; may be async.
TokenCallback = Callable[[str], Awaitable[None] | None]


class Parser(Protocol):
    """What the bot needs from its NLU."""

    def parse(self, text: str) -> ParseResult: ...


@runtime_checkable
class WarmingParser(Parser, Protocol):
    """A parser with slow models (the sentence encoder) that load after the bot starts."""

    @property
    def warm(self) -> bool:
        """Whether every slow model is loaded (``/status`` shows it as ``nlu_warm``)."""

    def warm_up(self, background: bool = False) -> None: ...


class FallbackAnswer(Protocol):
    """What the dialogue engine gets back from a fallback."""

    @property
    def text(self) -> str | None:
        """The reply; None when the model failed or timed out (the bot says ``utter_default``)."""

    @property
    def event(self) -> Event:
        """The ``llm_fallback`` event to record, made by ``dialog.events.llm_fallback``."""


class Fallback(Protocol):
    """What the bot needs from its LLM fallback (``dialog.llm.fallback.LLMFallback``)."""

    def start(self) -> None:
        """Start loading the model in the background; returns at once."""

    async def reply(
        self,
        history: Sequence[Mapping[str, Any]],
        user_text: str,
        on_token: TokenCallback | None = None,
        clock: Callable[[], float] = time.time,
    ) -> FallbackAnswer: ...

    def status(self) -> dict[str, Any]: ...

    async def close(self) -> None: ...
