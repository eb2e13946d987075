"""Flows and their steps, one small frozen dataclass per step type (Rasa Pro subset).

The loader resolves every ``next`` to explicit ``Branch`` targets: a step id or
``END``. Steps nested inside ``then:`` lists are flattened into ``Flow.steps`` with
generated ids, so the engine only ever jumps by id. A branch with ``condition``
``None`` always matches (an ``else`` or a plain ``next``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

__all__ = [
    "END",
    "ActionStep",
    "Branch",
    "CallStep",
    "CollectStep",
    "Flow",
    "LinkStep",
    "NoopStep",
    "Rejection",
    "SetSlotsStep",
    "Step",
    "Trigger",
]

END = "END"


@dataclass(frozen=True)
class Branch:
    """Go to ``target`` (a step id or ``END``) when ``condition`` (Jinja2) holds."""

    target: str
    condition: str | None = None


@dataclass(frozen=True)
class Rejection:
    """A ``collect`` validation: when ``condition`` holds the value is rejected."""

    condition: str
    utter: str | None = None


@dataclass(frozen=True)
class _StepBase:
    id: str
    next: tuple[Branch, ...] = ()
    line: int = 0  # where the step starts in flows.yml, for messages


@dataclass(frozen=True)
class CollectStep(_StepBase):
    collect: str = ""
    utter: str = ""  # defaults to utter_ask_<slot>
    description: str = ""
    rejections: tuple[Rejection, ...] = ()
    ask_before_filling: bool = False
    reset_after_flow_ends: bool = True
    max_attempts: int | None = None


@dataclass(frozen=True)
class ActionStep(_StepBase):
    action: str = ""  # a response name (utter_*) or an action from domain.yml


@dataclass(frozen=True)
class SetSlotsStep(_StepBase):
    slots: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class LinkStep(_StepBase):
    link: str = ""  # ends this flow and starts that one


@dataclass(frozen=True)
class CallStep(_StepBase):
    call: str = ""  # runs that flow, then continues here


@dataclass(frozen=True)
class NoopStep(_StepBase):
    pass


Step = CollectStep | ActionStep | SetSlotsStep | LinkStep | CallStep | NoopStep


@dataclass(frozen=True)
class Trigger:
    intent: str
    min_confidence: float | None = None  # None: the configured trigger threshold


@dataclass(frozen=True)
class Flow:
    id: str
    steps: tuple[Step, ...]
    description: str = ""
    name: str = ""
    nlu_trigger: tuple[Trigger, ...] = ()
    guard: str | None = None  # flow-level ``if``
    persisted_slots: tuple[str, ...] = ()
    path: str = ""

    def step(self, step_id: str) -> Step:
        for step in self.steps:
            if step.id == step_id:
                return step
        raise KeyError(step_id)

    @property
    def first_step(self) -> Step | None:
        return self.steps[0] if self.steps else None

    def collected_slots(self) -> tuple[str, ...]:
        return tuple(step.collect for step in self.steps if isinstance(step, CollectStep))

    def first_question(self) -> str | None:
        """The slot its first ``collect`` step asks for, if it has one."""
        step = self.first_collect()
        return step.collect if step is not None else None

    def first_collect(self) -> CollectStep | None:
        """Its first ``collect`` step, if it has one."""
        return next((step for step in self.steps if isinstance(step, CollectStep)), None)
