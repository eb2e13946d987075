"""What a test case is: a name and a flat list of steps, whatever file format it came from.

``stories.py`` reads both formats into these; ``matching.py`` judges them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

__all__ = ["ANY_VALUE", "ASSERTION_KINDS", "STEP_KINDS", "Step", "TestCase"]

ANY_VALUE = "<any>"  # slot_was_set / slot_was_not_set with a name only

# Steps that assert something about the turn of the preceding ``user`` step.
ASSERTION_KINDS = (
    "utter",
    "bot",
    "action",
    "slot_was_set",
    "slot_was_not_set",
    "intent",
    "entity",
    "flow_started",
    "flow_completed",
    "flow_cancelled",
    "llm_fallback",
    "bot_uttered",
    "bot_knowledge",
)
STEP_KINDS = ("user",) + ASSERTION_KINDS


@dataclass(frozen=True)
class Step:
    """One step of a test case.

    ``kind`` is one of ``STEP_KINDS``. ``value`` is the text for ``user``/``bot``, a
    name for ``utter``/``action``/``intent``/``flow_*``, a ``(slot, value)`` pair for
    the slot steps (value ``ANY_VALUE`` when only a name was given), an
    ``(entity, value)`` pair for ``entity`` and a bool for ``llm_fallback``.
    """

    kind: str
    value: Any
    line: int = 0
    column: int = 0
    metadata: Mapping[str, Any] = field(default_factory=dict)

    def describe(self) -> str:
        """The step as the YAML line a person wrote (for messages)."""
        if self.kind in ("slot_was_set", "slot_was_not_set", "entity"):
            name, value = self.value
            return f"{self.kind}: {name}" if value == ANY_VALUE else f"{self.kind}: {{{name}: {json.dumps(value)}}}"
        if self.kind in ("user", "bot"):
            return f"{self.kind}: {json.dumps(self.value, ensure_ascii=False)}"
        if self.kind == "bot_uttered":
            name, pattern = self.value
            parts = ([f"utter_name: {name}"] if name else []) + ([f"text_matches: {json.dumps(pattern)}"] if pattern else [])
            return "bot_uttered: {" + ", ".join(parts) + "}"
        if self.kind == "llm_fallback":
            return f"llm_fallback: {str(self.value).lower()}"
        if self.kind == "bot_knowledge":
            source, contains = self.value
            if source is None and contains is None:
                return "bot_knowledge: none"
            parts = ([f"source: {source}"] if source else []) + ([f"contains: {json.dumps(contains)}"] if contains else [])
            return "bot_knowledge: {" + ", ".join(parts) + "}"
        return f"{self.kind}: {self.value}"


@dataclass(frozen=True)
class TestCase:
    """One conversation to replay; ``style`` is ``"e2e"`` (Rasa Pro) or ``"story"`` (Rasa).

    ``fixtures``: ``(slot, value)`` pairs set before the first user turn (Rasa Pro
    ``fixtures``), as if an earlier part of the conversation had filled them.
    """

    __test__ = False  # not a pytest class

    name: str
    steps: tuple[Step, ...]
    path: str = ""
    line: int = 0
    style: str = "e2e"
    fixtures: tuple[tuple[str, Any], ...] = ()

    @property
    def id(self) -> str:
        """``file::name``: unique within a suite, used by ``-k`` and JUnit."""
        return f"{Path(self.path).name}::{self.name}" if self.path else self.name
