"""The conversation store interface, and store selection by ``tracker_store`` URL.

A conversation is an append-only list of event dicts (Rasa tracker JSON). A store
appends one turn's events atomically and serialises turns of one sender with
``lock``. Every method is async so network stores fit; fast local stores may do
their work synchronously inside them.
"""

from __future__ import annotations

import json
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Protocol

from dialog.errors import ConfigError, StoreError
from dialog.events import Event
from dialog.registry import STORES, resolve

__all__ = ["ConversationStore", "event_rows", "open_store", "positive_option"]


class ConversationStore(Protocol):
    async def load(self, sender_id: str) -> list[Event]:
        """All events of a conversation, oldest first; ``[]`` for a new sender."""

    async def append(self, sender_id: str, events: list[Event]) -> None:
        """Append one turn's events in one transaction."""

    def lock(self, sender_id: str) -> AbstractAsyncContextManager[None]:
        """Serialise turns of one sender (across processes, for the shared stores)."""

    async def senders(self) -> list[str]:
        """Every sender id with at least one event."""

    async def close(self) -> None:
        """Release connections, threads and files; the store is not used afterwards."""


def open_store(url: str, root: Path | str | None = None) -> ConversationStore:
    """The store for a ``tracker_store`` URL; relative sqlite paths are under ``root``."""
    scheme = url.split(":", 1)[0].split("+", 1)[0]
    if scheme not in STORES:
        raise ConfigError(f"unknown tracker_store '{url}'; valid schemes: {', '.join(sorted(STORES))}")
    store_class = resolve(STORES[scheme])
    if scheme == "memory":
        return store_class(url)
    return store_class(url, root=root)


def positive_option(options: dict[str, str], key: str, default: float, url: str) -> float:
    """A positive number from a store URL's query options (``?lock_timeout_s=5``)."""
    try:
        value = float(options.get(key, default))
    except ValueError as exc:
        raise ConfigError(f"tracker_store '{url}': {key} must be a number") from exc
    if value <= 0:
        raise ConfigError(f"tracker_store '{url}': {key} must be positive")
    return value


def event_rows(sender_id: str, events: list[Event]) -> list[str]:
    """Compact JSON text per event, as the durable stores keep them; StoreError if not JSON."""
    try:
        return [json.dumps(event, ensure_ascii=False, separators=(",", ":")) for event in events]
    except (TypeError, ValueError) as exc:
        raise StoreError(f"conversation '{sender_id}': an event is not JSON: {exc}") from exc
