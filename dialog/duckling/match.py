"""``Match``: one span of text and the Duckling value object it stands for."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Match", "overlaps"]


@dataclass(frozen=True)
class Match:
    """``dim`` is Duckling's dimension (``time``, ``number`` ...); ``value`` its value object,
    e.g. ``{"value": 25, "type": "value"}``, which Rasa passes on as ``additional_info``."""

    dim: str
    start: int
    end: int
    text: str
    value: dict[str, Any] = field(hash=False, compare=False)

    @property
    def simple_value(self) -> Any:
        """The entity's ``value`` as Rasa gives it: ``{"from", "to"}`` for intervals."""
        if self.value.get("type") == "interval":  # Rasa's order: to, then from; a missing end is None
            return {"to": (self.value.get("to") or {}).get("value"), "from": (self.value.get("from") or {}).get("value")}
        return self.value.get("value")


def overlaps(a: Match, b: Match) -> bool:
    return a.start < b.end and b.start < a.end
