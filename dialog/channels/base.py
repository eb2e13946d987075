"""Input and output channels for the console, split as in Rasa.

An ``InputChannel`` turns a console line into a ``Message`` (recording the channel's
name as ``input_channel``) and hands it to ``Bot.handle``; an ``OutputChannel``
delivers the ``Reply``s, so tests can swap the terminal for a
``CollectingOutputChannel`` and see exactly what a user would. The HTTP channels
(``rest``, ``callback``, ``sse``) do not use these classes: each answers in its own
HTTP shape through ``turns.TurnRunner`` (see docs/architecture.md).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Iterable, Mapping

from dialog.channels.bot_api import ChannelBot
from dialog.protocols import TokenCallback
from dialog.types import Message, Reply

__all__ = ["CollectingOutputChannel", "InputChannel", "OutputChannel"]


class OutputChannel(ABC):
    """Sends replies to one kind of client."""

    name = "output"

    @abstractmethod
    async def send_reply(self, recipient_id: str, reply: Reply) -> None:
        """Deliver one reply (text, buttons, image, custom payload)."""

    async def send_replies(self, recipient_id: str, replies: Iterable[Reply]) -> None:
        for reply in replies:
            await self.send_reply(recipient_id, reply)


class CollectingOutputChannel(OutputChannel):
    """Keeps every reply in Rasa REST JSON shape; for tests."""

    name = "collector"

    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []

    async def send_reply(self, recipient_id: str, reply: Reply) -> None:
        self.messages.append(reply.as_json(recipient_id))

    def latest_output(self) -> dict[str, Any] | None:
        return self.messages[-1] if self.messages else None

    def texts(self) -> list[str]:
        return [message["text"] for message in self.messages if "text" in message]


class InputChannel:
    """Receives user messages from one kind of client and answers through an output channel."""

    name = "input"

    def message(self, sender_id: str, text: str, metadata: Mapping[str, Any] | None = None) -> Message:
        """A ``Message`` that records which channel it came through."""
        return Message(sender_id, text, dict(metadata or {}), channel=self.name)

    async def process(
        self,
        bot: ChannelBot,
        message: Message,
        output: OutputChannel,
        on_token: TokenCallback | None = None,
    ) -> list[Reply]:
        """Handle one message and send its replies; returns them too."""
        replies = await bot.handle(message, on_token=on_token)
        await output.send_replies(message.sender_id, replies)
        return replies
