"""Plain values that a test run produces: what a turn looked like and how a case ended.

They are picklable (worker processes send them back) and carry everything the report
needs, so ``report.py`` never touches a bot.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from dialog.events import Event

__all__ = ["BotMessage", "CaseResult", "Failure", "SuiteResult", "Turn"]


@dataclass(frozen=True)
class BotMessage:
    """One bot message of a turn: the response that made it (if any) and its text."""

    response: str | None
    text: str
    knowledge: Mapping[str, Any] | None = None  # metadata.knowledge of an answer from the documents

    def describe(self) -> str:
        name = self.response or "(no response name)"
        return f"{name}: {self.text!r}" if self.text else name


@dataclass(frozen=True)
class Turn:
    """What one user message caused, read from the conversation's events."""

    text: str
    events: tuple[Event, ...] = ()
    slots: Mapping[str, Any] = field(default_factory=dict)
    active_flow: str | None = None
    requested_slot: str | None = None

    @property
    def parse(self) -> Mapping[str, Any]:
        for event in self.events:
            if event.get("event") == "user":
                return event.get("parse_data") or {}
        return {}

    @property
    def intent(self) -> str | None:
        return (self.parse.get("intent") or {}).get("name")

    @property
    def confidence(self) -> float:
        return float((self.parse.get("intent") or {}).get("confidence") or 0.0)

    @property
    def entities(self) -> list[Mapping[str, Any]]:
        return list(self.parse.get("entities") or [])

    @property
    def bot_messages(self) -> list[BotMessage]:
        return [
            BotMessage(
                (event.get("metadata") or {}).get("utter_action"),
                event.get("text") or "",
                (event.get("metadata") or {}).get("knowledge"),
            )
            for event in self.events
            if event.get("event") == "bot"
        ]

    def named(self, event_type: str) -> list[str]:
        """Names carried by events of one type (flow ids, action names)."""
        names = []
        for event in self.events:
            if event.get("event") == event_type:
                names.append(str(event.get("flow_id") or event.get("flow") or event.get("name") or ""))
        return names

    def has(self, event_type: str) -> bool:
        return any(event.get("event") == event_type for event in self.events)


@dataclass(frozen=True)
class Failure:
    """The first step of a case that did not hold, with the state around it."""

    step: str  # the step as written, e.g. "utter: utter_ask_order_id"
    line: int
    expected: str
    actual: str
    turn: Turn | None = None
    note: str = ""


@dataclass(frozen=True)
class CaseResult:
    """One test case's outcome: passed, failed at a step, or errored inside the bot."""

    case_id: str
    name: str
    path: str
    line: int
    duration_s: float
    failure: Failure | None = None
    error: str | None = None  # the bot raised instead of answering
    events: tuple[Event, ...] = ()  # the whole conversation, for --coverage

    @property
    def passed(self) -> bool:
        return self.failure is None and self.error is None


@dataclass
class SuiteResult:
    """All case results in the order the cases were given."""

    results: list[CaseResult] = field(default_factory=list)
    duration_s: float = 0.0
    stopped_early: bool = False  # --fail-fast skipped the remaining cases

    @property
    def failed(self) -> list[CaseResult]:
        return [result for result in self.results if not result.passed]

    @property
    def passed(self) -> bool:
        return not self.failed
