"""flows.yml (or ``flows/``), Rasa Pro format subset -> ``dialog.config.flow_model.Flow``.

Every ``next`` becomes explicit ``Branch`` targets: a step without ``next`` goes to
the following step of its list, and the last step of a list (the flow's or a nested
``then:``/``else:`` list) goes to ``END``. Nested steps are flattened into
``Flow.steps`` with generated ids (``<parent>_then_<branch>_<index>``); user ids are
kept. Checks that need the domain run later on the recorded ``FlowSources``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Callable

from dialog.config.files import Document
from dialog.config.flow_model import (
    END,
    ActionStep,
    Branch,
    CallStep,
    CollectStep,
    Flow,
    LinkStep,
    NoopStep,
    Rejection,
    SetSlotsStep,
    Step,
    Trigger,
)
from dialog.config.pypred import as_jinja
from dialog.config.schema import FileReport, Reporter, describe, known, suggest
from dialog.config.yaml_reader import LocatedList, LocatedMap, Mark, to_plain

__all__ = ["FlowSources", "STEP_KINDS", "StepSource", "parse_flows"]

STEP_KINDS = ("action", "call", "collect", "link", "noop", "set_slots")
_TOP_KEYS = ("flows", "version")
_FLOW_KEYS = ("always_include_in_prompt", "description", "if", "name", "nlu_trigger", "persisted_slots", "steps")
_COMMON_KEYS = ("description", "id", "next")
_KIND_KEYS = {"collect": ("ask_before_filling", "max_attempts", "rejections", "reset_after_flow_ends", "utter")}
_FLOW_IGNORED = {"run_pattern_completed": "a finished flow always ends quietly here"}
_STEP_IGNORED = {"force_slot_filling": "slots are filled through their mappings", "metadata": "step metadata is not used"}


@dataclass(frozen=True)
class StepSource:
    """A step's raw YAML, for checks that need the domain."""

    flow_id: str
    step_id: str
    report: FileReport
    data: LocatedMap


@dataclass
class FlowSources:
    """Where each flow and step was written, so later checks can point at ``file:line:col``."""

    flows: dict[str, tuple[FileReport, LocatedMap, Mark]] = field(default_factory=dict)  # id -> (file, data, id mark)
    steps: list[StepSource] = field(default_factory=list)


@dataclass
class _Raw:
    id: str
    data: LocatedMap
    default_next: str = END
    nested: dict[int, str] = field(default_factory=dict)  # branch index -> first nested step id (or END)


# Rasa Pro patterns whose job dialog's engine does itself; an override copied from Rasa's
# defaults names Rasa's internal actions ("action_run_slot_rejections", "{{context.utter}}")
_ENGINE_PATTERNS = {
    "pattern_collect_information": "a collect step asks, checks its rejections and waits here itself (Rasa Pro's internal pattern)",
}


def parse_flows(documents: list[Document], reporter: Reporter) -> tuple[dict[str, Flow], FlowSources]:
    """Every flow of every flows file; problems go to ``reporter`` and the flows that parsed are returned."""
    sources = FlowSources()
    flows: dict[str, Flow] = {}
    for report, data, _ in reporter.top_mappings(documents, "a flows file", _TOP_KEYS, keys_what="flows file"):
        if "version" in data:
            report.typed(data, "version", (str, float), "flows file")
        section = report.mapping(data.get("flows"), data.value_mark("flows") if "flows" in data else data.mark, "'flows'")
        for flow_id, value in (section or {}).items():
            mark = section.key_mark(flow_id)
            if flow_id in sources.flows:
                report.duplicate(mark, f"flow '{flow_id}'", (sources.flows[flow_id][0].path, *sources.flows[flow_id][2]))
                continue
            if flow_id in _ENGINE_PATTERNS:
                report.warn(mark, f"flow '{flow_id}' is not used: {_ENGINE_PATTERNS[flow_id]}")
                continue
            flow_data = report.mapping(value, section.value_mark(flow_id), f"flow '{flow_id}'")
            if flow_data is None:
                continue
            sources.flows[str(flow_id)] = (report, flow_data, mark)
            flow = _parse_flow(str(flow_id), flow_data, report, sources)
            if flow is not None:
                flows[str(flow_id)] = flow
    return flows, sources


def _parse_flow(flow_id: str, data: LocatedMap, report: FileReport, sources: FlowSources) -> Flow | None:
    what = f"flow '{flow_id}'"
    report.keys(data, _FLOW_KEYS, what, ignored=_FLOW_IGNORED, required=("steps",))
    steps_value = report.sequence(data.get("steps"), data.value_mark("steps"), f"{what}: 'steps'")
    if steps_value is None:
        return None
    if not steps_value and "steps" in data:
        report.error(data.value_mark("steps"), f"{what} has no steps")
    raws: list[_Raw] = []
    _assign_ids(steps_value, lambda index, kind, target: f"{index}_{kind}" + (f"_{target}" if target else ""), raws, report, what)
    ids: dict[str, _Raw] = {}
    for raw in raws:
        if raw.id in ids:
            report.error(raw.data.value_mark("id") if "id" in raw.data else raw.data.mark, f"{what}: step id '{raw.id}' is used twice")
        ids.setdefault(raw.id, raw)
    steps = []
    for raw in raws:
        step = _build_step(raw, ids, report, what)
        if step is not None:
            steps.append(step)
            sources.steps.append(StepSource(flow_id, raw.id, report, raw.data))
    guard = data.get("if")
    if "if" in data and not isinstance(guard, (str, bool)):
        report.error(data.value_mark("if"), f"{what}: 'if' must be a condition, got {describe(guard)}")
        guard = None
    return Flow(
        id=flow_id,
        steps=tuple(steps),
        description=report.typed(data, "description", str, what, ""),
        name=report.typed(data, "name", str, what, ""),
        nlu_trigger=_parse_triggers(data, report, what) if "nlu_trigger" in data else (),
        guard=None if guard is None else as_jinja(str(guard)),
        persisted_slots=report.names(data.get("persisted_slots"), data.value_mark("persisted_slots"), f"{what}: 'persisted_slots'"),
        path=report.path,
    )


def _kind_of(data: LocatedMap, report: FileReport, mark: Mark, what: str) -> str | None:
    kinds = [kind for kind in STEP_KINDS if kind in data]
    if len(kinds) == 1:
        return kinds[0]
    if kinds:
        report.error(mark, f"{what}: a step has exactly one kind, found {' and '.join(kinds)}")
    else:
        unknown = [key for key in data if key not in _COMMON_KEYS]
        hint = f" (unknown key '{unknown[0]}'{suggest(str(unknown[0]), STEP_KINDS)})" if unknown else ""
        report.error(mark, f"{what}: a step needs one of {', '.join(STEP_KINDS)}{hint}")
    return None


def _assign_ids(
    items: LocatedList, make_id: Callable[[int, str, str], str], raws: list[_Raw], report: FileReport, what: str
) -> list[_Raw]:
    """Give every step of ``items`` (and of its nested lists) an id; returns this list's steps."""
    own: list[_Raw] = []
    for index, item in enumerate(items):
        mark = items.item_mark(index)
        data = report.mapping(item, mark, f"{what}: each step")
        if data is None or not data:
            if data is not None:
                report.error(mark, f"{what}: empty step; a step needs one of {', '.join(STEP_KINDS)}")
            continue
        kind = _kind_of(data, report, mark, what)
        target = data.get(kind) if kind in ("collect", "action", "link", "call") else None
        step_id = data.get("id")
        if step_id is not None and not isinstance(step_id, str):
            report.error(data.value_mark("id"), f"{what}: step 'id' must be a string, got {describe(step_id)}")
            step_id = None
        raw = _Raw(step_id or make_id(index, kind or "step", target if isinstance(target, str) else ""), data)
        if kind is None:
            continue
        own.append(raw)
        raws.append(raw)
        branches = data.get("next")
        if isinstance(branches, list):
            for number, branch in enumerate(branches):
                if not isinstance(branch, dict):
                    continue
                label = "else" if "else" in branch else f"then_{number}"
                nested = branch.get("then", branch.get("else"))
                if isinstance(nested, list):
                    children = _assign_ids(nested, lambda i, _k, _t, p=f"{raw.id}_{label}": f"{p}_{i}", raws, report, what)
                    raw.nested[number] = children[0].id if children else END
    for current, following in zip(own, own[1:]):
        current.default_next = following.id
    return own


def _build_step(raw: _Raw, ids: dict[str, _Raw], report: FileReport, what: str) -> Step | None:
    data = raw.data
    kind = next(kind for kind in STEP_KINDS if kind in data)
    step_what = f"{what}: step '{raw.id}'"
    report.keys(data, _COMMON_KEYS + (kind,) + _KIND_KEYS.get(kind, ()), step_what, ignored=_STEP_IGNORED)
    branches = _branches(raw, ids, report, step_what)
    common: dict[str, Any] = {"id": raw.id, "next": branches, "line": data.mark[0]}
    if kind == "set_slots":
        return SetSlotsStep(**common, slots=MappingProxyType(_slot_values(data, report, step_what)))
    if kind == "noop":
        if "next" not in data:
            report.error(data.mark, f"{step_what}: a noop step needs 'next'")
        return NoopStep(**common)
    name = data[kind]
    if not isinstance(name, str) or not name:
        report.error(data.value_mark(kind), f"{step_what}: '{kind}' must be a name, got {describe(name)}")
        return None
    if kind == "action":
        return ActionStep(**common, action=name)
    if kind == "link":
        return LinkStep(**common, link=name)
    if kind == "call":
        return CallStep(**common, call=name)
    max_attempts = report.typed(data, "max_attempts", int, step_what)
    if max_attempts is not None and max_attempts < 1:
        report.error(data.value_mark("max_attempts"), f"{step_what}: 'max_attempts' must be 1 or more")
    return CollectStep(
        **common,
        collect=name,
        utter=report.typed(data, "utter", str, step_what, "") or f"utter_ask_{name}",
        description=report.typed(data, "description", str, step_what, ""),
        rejections=_rejections(data, report, step_what) if "rejections" in data else (),
        ask_before_filling=report.typed(data, "ask_before_filling", bool, step_what, False),
        reset_after_flow_ends=report.typed(data, "reset_after_flow_ends", bool, step_what, True),
        max_attempts=max_attempts,
    )


def _branches(raw: _Raw, ids: dict[str, _Raw], report: FileReport, what: str) -> tuple[Branch, ...]:
    data = raw.data
    if "next" not in data:
        return (Branch(raw.default_next),)
    value, mark = data["next"], data.value_mark("next")
    if isinstance(value, str):
        return (Branch(_target(value, mark, ids, report, what)),)
    items = report.sequence(value, mark, f"{what}: 'next'")
    if items is None:
        return (Branch(raw.default_next),)
    branches = []
    has_else = False
    for number, item in enumerate(items):
        item_mark = items.item_mark(number)
        branch = report.mapping(item, item_mark, f"{what}: each 'next' branch")
        if branch is None:
            continue
        if has_else:
            report.error(item_mark, f"{what}: 'else' must be the last branch of 'next'")
        if "else" in branch:
            report.keys(branch, ("else",), "'next' else branch", lenient=True)
            key, condition, has_else = "else", None, True
        else:
            report.keys(branch, ("if", "then"), "'next' branch", required=("if", "then"))
            key, condition = "then", branch.get("if")
            if not isinstance(condition, (str, bool)):
                if "if" in branch:
                    report.error(branch.value_mark("if"), f"{what}: 'if' must be a condition, got {describe(condition)}")
                continue
            condition = as_jinja(str(condition))
        if key not in branch:
            continue
        target = branch[key]
        if isinstance(target, list):
            branches.append(Branch(raw.nested.get(number, END), condition))
        elif isinstance(target, str):
            branches.append(Branch(_target(target, branch.value_mark(key), ids, report, what), condition))
        else:
            report.error(branch.value_mark(key), f"{what}: '{key}' must be a step id, END or a list of steps, got {describe(target)}")
    if not has_else:
        branches.append(Branch(raw.default_next))
    return tuple(branches)


def _target(name: str, mark: Mark, ids: dict[str, _Raw], report: FileReport, what: str) -> str:
    if name == END or name in ids:
        return name
    hint = suggest(name, ids)
    report.error(mark, f"{what} links to unknown step '{name}'{hint}; known steps: {known(ids)}, END")
    return END


def _slot_values(data: LocatedMap, report: FileReport, what: str) -> dict[str, Any]:
    value = data["set_slots"]
    if isinstance(value, dict):
        return {str(key): to_plain(item) for key, item in value.items()}
    items = report.sequence(value, data.value_mark("set_slots"), f"{what}: 'set_slots'")
    result: dict[str, Any] = {}
    for index, item in enumerate(items or ()):
        if not isinstance(item, dict) or len(item) != 1:
            report.error(items.item_mark(index), f"{what}: each 'set_slots' item must be one 'slot: value' pair")
            continue
        ((name, slot_value),) = item.items()
        result[str(name)] = to_plain(slot_value)
    return result


def _rejections(data: LocatedMap, report: FileReport, what: str) -> tuple[Rejection, ...]:
    result = []
    for rejection in report.mappings(data["rejections"], data.value_mark("rejections"), f"{what}: 'rejections'", f"{what}: each rejection"):
        report.keys(rejection, ("if", "utter"), "rejection", required=("if",))
        condition = rejection.get("if")
        if isinstance(condition, (str, bool)):
            result.append(Rejection(condition=as_jinja(str(condition)), utter=report.typed(rejection, "utter", str, what)))
        elif "if" in rejection:
            report.error(rejection.value_mark("if"), f"{what}: rejection 'if' must be a condition, got {describe(condition)}")
    return tuple(result)


def _parse_triggers(data: LocatedMap, report: FileReport, what: str) -> tuple[Trigger, ...]:
    items = report.sequence(data["nlu_trigger"], data.value_mark("nlu_trigger"), f"{what}: 'nlu_trigger'")
    triggers = []
    for index, item in enumerate(items or ()):
        mark = items.item_mark(index)
        if isinstance(item, str):
            triggers.append(Trigger(item))
            continue
        trigger = report.mapping(item, mark, f"{what}: each nlu_trigger")
        if trigger is None:
            continue
        report.keys(trigger, ("confidence_threshold", "intent"), "nlu_trigger", required=("intent",))
        intent = trigger.get("intent")
        threshold = report.typed(trigger, "confidence_threshold", float, f"{what} nlu_trigger")
        if isinstance(intent, dict):  # Rasa Pro: intent: {name: x, confidence_threshold: 0.8}
            report.keys(intent, ("confidence_threshold", "name"), "nlu_trigger intent", required=("name",))
            threshold = report.typed(intent, "confidence_threshold", float, f"{what} nlu_trigger", threshold)
            intent = intent.get("name")
        if not isinstance(intent, str):
            if "intent" in trigger:
                report.error(trigger.value_mark("intent"), f"{what}: nlu_trigger 'intent' must be an intent name, got {describe(intent)}")
            continue
        if threshold is not None and not 0 <= threshold <= 1:
            report.error(mark, f"{what}: nlu_trigger confidence_threshold must be between 0 and 1, got {threshold}")
        triggers.append(Trigger(intent, threshold))
    return tuple(triggers)
