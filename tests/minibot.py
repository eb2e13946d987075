"""The small YAML bot under tests/data/minibot and a fixed-table NLU for it.

Tests of the bot, the webhook and the story runner share these so they agree on
what each test phrase means without training a model.
"""

from __future__ import annotations

from pathlib import Path

from dialog.stores import MemoryStore

__all__ = ["MINIBOT", "TABLE", "CountingStore"]

MINIBOT = Path(__file__).parent / "data" / "minibot"

# test phrase -> intent, for dialog.testing.fakes.TableParser
TABLE = {
    "hi": "greet",
    "where is my order": "check_order",
    "how can i pay": "payment_methods",
    "human please": "human_handoff",
    "stop it": "cancel",
    "tell me a joke": "out_of_scope",
}


class CountingStore(MemoryStore):
    """A memory store that counts appends: one per turn is the contract."""

    def __init__(self) -> None:
        super().__init__()
        self.appends = 0

    async def append(self, sender_id: str, events: list[dict]) -> None:
        self.appends += 1
        await super().append(sender_id, events)
