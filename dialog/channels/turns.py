"""``TurnRunner``: one user turn for any HTTP channel, timed and counted.

Channels build the ``Message``; this runs it through the bot and records the
turn's latency and whether it went to the LLM fallback. Per-sender ordering is the
bot's job (its store lock); different senders run concurrently.
"""

from __future__ import annotations

import time
from typing import Any, Mapping

from dialog.channels.bot_api import ChannelBot
from dialog.channels.metrics import ServerMetrics
from dialog.protocols import TokenCallback
from dialog.types import Message, Reply

__all__ = ["TurnRunner"]


class TurnRunner:
    def __init__(self, bot: ChannelBot, metrics: ServerMetrics) -> None:
        self.bot = bot
        self.metrics = metrics

    async def message(
        self,
        sender: str,
        text: str,
        metadata: Mapping[str, Any],
        channel: str,
        on_token: TokenCallback | None = None,
    ) -> list[Reply]:
        started = time.perf_counter()
        message = Message(sender, text, dict(metadata), channel=channel)
        turn = await self.bot.handle_turn(message, on_token)
        self.metrics.observe_turn(channel, time.perf_counter() - started, turn.fallback)
        return list(turn.replies)

    async def intent(self, sender: str, intent: str, entities: Mapping[str, Any]) -> list[Reply]:
        started = time.perf_counter()
        replies = await self.bot.trigger_intent(sender, intent, entities)
        self.metrics.observe_turn("trigger_intent", time.perf_counter() - started, False)
        return list(replies)
