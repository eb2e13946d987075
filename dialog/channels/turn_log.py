"""``TurnLog``: what the inspector knows about recent turns beyond the stored events.

The tracker store keeps events; the stage latencies and the LLM prompt of a turn
are not events, so the log keeps them in memory (bounded, per process) keyed by
the turn's user event. It is also the inspector's live feed: every turn and every
reload publishes a notice to the subscribed pages.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["TurnLog", "TurnTrace"]

logger = logging.getLogger(__name__)

MAX_SENDERS = 200
MAX_TURNS_PER_SENDER = 100
MAX_QUEUED_NOTICES = 100


@dataclass(frozen=True)
class TurnTrace:
    channel: str
    timings: Mapping[str, float] = field(default_factory=dict)
    llm_prompt: tuple[Mapping[str, Any], ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {"channel": self.channel, "timings": dict(self.timings), "llm_prompt": [dict(m) for m in self.llm_prompt]}


class TurnLog:
    """Traces of the last turns of the last senders, and the live notice feed."""

    def __init__(self, max_senders: int = MAX_SENDERS, max_turns: int = MAX_TURNS_PER_SENDER) -> None:
        self._traces: OrderedDict[str, OrderedDict[float, TurnTrace]] = OrderedDict()
        self._max_senders = max_senders
        self._max_turns = max_turns
        self._subscribers: set[asyncio.Queue[dict[str, Any]]] = set()

    def record(self, sender_id: str, turn: Any, channel: str) -> None:
        """Keep ``turn``'s trace (a ``BotTurn``) and tell the live pages."""
        user_time = _user_timestamp(turn.events)
        if user_time is not None:
            traces = self._traces.setdefault(sender_id, OrderedDict())
            traces[user_time] = TurnTrace(channel, dict(turn.timings), tuple(turn.llm_prompt))
            while len(traces) > self._max_turns:
                traces.popitem(last=False)
            self._traces.move_to_end(sender_id)
            while len(self._traces) > self._max_senders:
                self._traces.popitem(last=False)
        self.publish({"type": "turn", "sender_id": sender_id, "channel": channel})

    def trace(self, sender_id: str, user_timestamp: float | None) -> TurnTrace | None:
        if user_timestamp is None:
            return None
        traces = self._traces.get(sender_id)
        return traces.get(user_timestamp) if traces is not None else None

    def publish(self, notice: dict[str, Any]) -> None:
        for queue in list(self._subscribers):
            if queue.qsize() < MAX_QUEUED_NOTICES:  # a stalled page loses notices, not memory
                queue.put_nowait(notice)

    def subscribe(self) -> asyncio.Queue[dict[str, Any]]:
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._subscribers.add(queue)
        return queue

    def unsubscribe(self, queue: asyncio.Queue[dict[str, Any]]) -> None:
        self._subscribers.discard(queue)


def _user_timestamp(events: list[dict[str, Any]]) -> float | None:
    for event in events:
        if event.get("event") == "user":
            stamp = event.get("timestamp")
            return float(stamp) if isinstance(stamp, (int, float)) else None
    return None
