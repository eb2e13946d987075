"""``dialog test --coverage``: which flows, flow steps and responses no test case reached.

Read from the events of every case's conversation: a flow is reached when a
``flow_started`` event names it, a response when a ``bot`` event was made from it,
and a step when an event carries its ``flow_id`` and ``step_id`` (the engine records
both on the ``action`` event of ``collect`` and ``action`` steps). Steps that leave no
event of their own are inferred: a ``link`` from ``flow_completed`` of its flow
followed (slot resets aside) by ``flow_started`` of the target, a ``call`` from the
``called_from`` of ``flow_started``, a ``set_slots`` from ``slot`` events with its
values while its flow runs, a ``noop`` from a reached step it leads to.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

from dialog.config.flow_model import ActionStep, CallStep, CollectStep, Flow, LinkStep, NoopStep, SetSlotsStep, Step
from dialog.testing.matching import same_value
from dialog.testing.results import CaseResult

__all__ = ["Coverage", "MissedStep", "format_coverage", "measure_coverage"]


@dataclass(frozen=True)
class MissedStep:
    """A flow step no story reached, with where it is written."""

    flow_id: str
    step_id: str
    summary: str
    path: str = ""
    line: int = 0

    def describe(self) -> str:
        where = f"{self.path}:{self.line}: " if self.line else ""
        return f"{where}{self.flow_id} / {self.step_id} ({self.summary})"


@dataclass
class Coverage:
    """What the stories exercised: totals and the flows, steps and responses no case reached."""

    flows_total: int = 0
    steps_total: int = 0
    responses_total: int = 0
    missed_flows: list[str] = field(default_factory=list)
    missed_steps: list[MissedStep] = field(default_factory=list)
    missed_responses: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not (self.missed_flows or self.missed_steps or self.missed_responses)


def _summary(step: Step) -> str:
    if isinstance(step, CollectStep):
        return f"collect {step.collect}"
    if isinstance(step, ActionStep):
        return f"action {step.action}"
    if isinstance(step, SetSlotsStep):
        return "set_slots " + ", ".join(step.slots)
    if isinstance(step, LinkStep):
        return f"link {step.link}"
    if isinstance(step, CallStep):
        return f"call {step.call}"
    return "noop"


class _Reached:
    """Flows, (flow, step) pairs and responses seen in conversations."""

    def __init__(self) -> None:
        self.flows: set[str] = set()
        self.steps: set[tuple[str, str]] = set()
        self.responses: set[str] = set()
        self.links: set[tuple[str, str]] = set()  # (from flow, to flow)
        self.calls: set[tuple[str, str]] = set()  # (call step id, called flow)
        self.slots: set[tuple[str, str, str]] = set()  # (flow running, slot, value as text)

    def read(self, events: tuple[dict[str, Any], ...]) -> None:
        current: str | None = None
        completed: str | None = None  # a flow that just completed (slot resets may follow)
        for event in events:
            kind = event.get("event")
            if kind == "flow_started":
                flow_id = str(event.get("flow_id"))
                self.flows.add(flow_id)
                if completed:
                    self.links.add((completed, flow_id))
                if event.get("called_from"):
                    self.calls.add((str(event["called_from"]), flow_id))
            elif kind == "bot":
                name = (event.get("metadata") or {}).get("utter_action")
                if name:
                    self.responses.add(str(name))
            elif kind == "slot" and current:
                self.slots.add((current, str(event.get("name")), str(event.get("value"))))
            if event.get("flow_id") and event.get("step_id"):
                self.steps.add((str(event["flow_id"]), str(event["step_id"])))
            if kind in ("flow_started", "flow_resumed", "action") and event.get("flow_id"):
                current = str(event["flow_id"])
            if kind == "flow_completed":
                completed = str(event.get("flow_id"))
            elif kind != "slot":
                completed = None

    def step(self, flow: Flow, step: Step) -> bool:
        if (flow.id, step.id) in self.steps:
            return True
        if isinstance(step, LinkStep):
            return (flow.id, step.link) in self.links
        if isinstance(step, CallStep):
            return (step.id, step.call) in self.calls
        if isinstance(step, SetSlotsStep):
            return bool(step.slots) and all(
                any(f == flow.id and n == name and same_value(v, str(value)) for f, n, v in self.slots)
                for name, value in step.slots.items()
            )
        if isinstance(step, NoopStep):
            targets = [branch.target for branch in step.next if branch.target != "END"]
            return any((flow.id, target) in self.steps for target in targets) or (not targets and flow.id in self.flows)
        return False


def measure_coverage(config: Any, results: Iterable[CaseResult]) -> Coverage:
    """Compare what the conversations reached with everything ``config`` defines."""
    reached = _Reached()
    for result in results:
        reached.read(result.events)
    coverage = Coverage(flows_total=len(config.flows), responses_total=len(config.domain.responses))
    for flow_id, flow in sorted(config.flows.items()):
        if flow_id not in reached.flows:
            coverage.missed_flows.append(flow_id)
        for step in flow.steps:
            coverage.steps_total += 1
            if not reached.step(flow, step):
                coverage.missed_steps.append(MissedStep(flow_id, step.id, _summary(step), flow.path, step.line))
    coverage.missed_responses = sorted(set(config.domain.responses) - reached.responses)
    return coverage


def _percent(missed: int, total: int) -> str:
    if not total:
        return "n/a"
    return f"{100.0 * (total - missed) / total:.0f}%"


def format_coverage(coverage: Coverage) -> str:
    """A short table of totals, then every unreached flow, step and response."""
    lines = [
        "coverage:",
        f"  flows      {coverage.flows_total - len(coverage.missed_flows)}/{coverage.flows_total} ({_percent(len(coverage.missed_flows), coverage.flows_total)})",
        f"  steps      {coverage.steps_total - len(coverage.missed_steps)}/{coverage.steps_total} ({_percent(len(coverage.missed_steps), coverage.steps_total)})",
        f"  responses  {coverage.responses_total - len(coverage.missed_responses)}/{coverage.responses_total} ({_percent(len(coverage.missed_responses), coverage.responses_total)})",
    ]
    if coverage.missed_flows:
        lines.append("flows no case started:")
        lines += [f"  {flow_id}" for flow_id in coverage.missed_flows]
    if coverage.missed_steps:
        lines.append("flow steps no case reached:")
        lines += [f"  {missed.describe()}" for missed in coverage.missed_steps]
    if coverage.missed_responses:
        lines.append("responses no case produced:")
        lines += [f"  {name}" for name in coverage.missed_responses]
    if coverage.complete:
        lines.append("every flow, step and response was reached")
    return "\n".join(lines)
