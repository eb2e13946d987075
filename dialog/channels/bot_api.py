"""``ChannelBot``: what a channel needs from the bot, and all it may use.

The console, the HTTP endpoints and the turn runner take any object with these
methods (``dialog.bot.Bot`` in a server), so a channel is written and tested against
this contract rather than against the bot's wiring.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol

from dialog.config.models import BotConfig
from dialog.protocols import TokenCallback
from dialog.types import Message, ParseResult, Reply

if TYPE_CHECKING:
    from dialog.bot import BotTurn

__all__ = ["ChannelBot"]


class ChannelBot(Protocol):
    @property
    def config(self) -> BotConfig: ...

    async def start(self) -> None:
        """Load the NLU model and start loading the LLM; a server calls it once."""

    async def handle(self, message: Message, on_token: TokenCallback | None = None) -> list[Reply]: ...

    async def handle_turn(self, message: Message, on_token: TokenCallback | None = None) -> BotTurn:
        """The replies plus the turn's events, state and parse, and whether it fell back."""

    async def trigger_intent(self, sender_id: str, intent: str, entities: Mapping[str, Any] | None = None) -> list[Reply]: ...

    async def tracker(self, sender_id: str) -> dict[str, Any]: ...

    def parse(self, text: str) -> ParseResult: ...

    def status(self) -> dict[str, Any]: ...

    async def close(self) -> None:
        """Refuse new turns, let running ones finish, release the store and the model."""
