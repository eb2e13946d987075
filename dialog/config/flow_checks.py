"""Flow checks that need the domain: slots, responses, actions, intents and other flows exist."""

from __future__ import annotations

from dialog.builtin_names import BUILTIN_ACTIONS, BUILTIN_INTENTS, DEFAULT_RESPONSES
from dialog.config.flow_model import ActionStep, CallStep, CollectStep, Flow, LinkStep, SetSlotsStep
from dialog.config.flows import FlowSources, StepSource
from dialog.config.jinja_checks import check_condition
from dialog.config.models import Domain
from dialog.config.schema import FileReport, describe, known, suggest
from dialog.config.yaml_reader import LocatedMap, Mark
from dialog.types import NLU_FALLBACK, OUT_OF_SCOPE

__all__ = ["check_flows"]


def check_flows(domain: Domain, flows: dict[str, Flow], sources: FlowSources) -> None:
    """References from flows to the domain (slots, responses, actions, other flows), checked once the domain is known."""
    slots = list(domain.slots)
    for flow_id, (report, data, _) in sources.flows.items():
        what = f"flow '{flow_id}'"
        flow = flows.get(flow_id)
        if flow is None:
            continue
        if "if" in data and flow.guard is not None:
            check_condition(report, data.value_mark("if"), what, flow.guard, slots)
        for trigger, mark in zip(flow.nlu_trigger, _item_marks(data, "nlu_trigger")):
            if trigger.intent not in domain.intents and trigger.intent not in (NLU_FALLBACK, OUT_OF_SCOPE, *BUILTIN_INTENTS):
                report.error(
                    mark,
                    f"{what}: nlu_trigger intent '{trigger.intent}' is not in the domain{suggest(trigger.intent, domain.intents)}; "
                    f"known intents: {known(domain.intents)}",
                )
        for slot, mark in zip(flow.persisted_slots, _item_marks(data, "persisted_slots")):
            _slot(report, mark, what, slot, domain)
    for source in sources.steps:
        flow = flows.get(source.flow_id)
        if flow is not None:
            _check_step(source, flow.step(source.step_id), domain, flows)


def _item_marks(data: LocatedMap, key: str) -> list[Mark]:
    value = data.get(key)
    if isinstance(value, list):
        return [value.item_mark(index) for index in range(len(value))]
    return [data.value_mark(key)] * (1 if value is not None else 0)


def _check_step(source: StepSource, step: object, domain: Domain, flows: dict[str, Flow]) -> None:
    report, data = source.report, source.data
    what = f"flow '{source.flow_id}': step '{source.step_id}'"
    slots = list(domain.slots)
    if isinstance(step, CollectStep):
        if _slot(report, data.value_mark("collect"), what, step.collect, domain):
            _question(report, data, what, step, domain)
        for rejection, item in zip(step.rejections, _mapping_items(data, "rejections")):
            check_condition(report, item.value_mark("if"), what, rejection.condition, slots)
            if rejection.utter is not None and not _is_response(rejection.utter, domain):
                report.error(item.value_mark("utter"), _unknown_response(what, rejection.utter, domain))
    elif isinstance(step, ActionStep):
        if not (_is_response(step.action, domain) or step.action in domain.actions or step.action in BUILTIN_ACTIONS):
            names = [*domain.actions, *BUILTIN_ACTIONS]
            report.error(
                data.value_mark("action"),
                f"{what}: unknown action '{step.action}'{suggest(step.action, [*names, *domain.responses])}; "
                f"it is neither a response nor an action in the domain (actions: {known(names)}; responses: {known(domain.responses)})",
            )
    elif isinstance(step, SetSlotsStep):
        for name, mark in _set_slot_marks(data):
            if _slot(report, mark, what, name, domain):
                _slot_value(report, mark, what, name, step.slots.get(name), domain)
    elif isinstance(step, (LinkStep, CallStep)):
        kind = "link" if isinstance(step, LinkStep) else "call"
        target = step.link if isinstance(step, LinkStep) else step.call
        if target not in flows:
            report.error(data.value_mark(kind), f"{what}: {kind} to unknown flow '{target}'{suggest(target, flows)}; known flows: {known(flows)}")
        elif target == source.flow_id:
            report.error(data.value_mark(kind), f"{what}: a flow cannot {kind} itself")
    for branch, item in zip([b for b in step.next if b.condition is not None], _conditional_branches(data)):
        check_condition(report, item.value_mark("if"), what, branch.condition, slots)


def _set_slot_marks(data: LocatedMap) -> list[tuple[str, Mark]]:
    """Each slot name of ``set_slots`` (a mapping or Rasa's list of one-key mappings) with its key's mark."""
    value = data["set_slots"]
    if isinstance(value, dict):
        return [(str(name), value.key_mark(name)) for name in value]
    pairs = []
    for item in value if isinstance(value, list) else ():
        if isinstance(item, dict) and len(item) == 1:
            (name,) = item
            pairs.append((str(name), item.key_mark(name)))
    return pairs


def _mapping_items(data: LocatedMap, key: str) -> list[LocatedMap]:
    value = data.get(key)
    return [item for item in value if isinstance(item, dict) and "if" in item] if isinstance(value, list) else []


def _conditional_branches(data: LocatedMap) -> list[LocatedMap]:
    value = data.get("next")
    if not isinstance(value, list):
        return []
    return [item for item in value if isinstance(item, dict) and "if" in item and "then" in item and isinstance(item["if"], (str, bool))]


def _slot(report: FileReport, mark: Mark, what: str, slot: str, domain: Domain) -> bool:
    if slot in domain.slots:
        return True
    slots = list(domain.slots)
    report.error(mark, f"{what}: unknown slot '{slot}'{suggest(slot, slots)}; known slots: {known(slots)}")
    return False


_VALUE_TYPES: dict[str, tuple[type, ...]] = {"text": (str,), "bool": (bool,), "float": (int, float), "int": (int,), "list": (list,)}


def _slot_value(report: FileReport, mark: Mark, what: str, name: str, value: object, domain: Domain) -> None:
    """``set_slots`` values must suit the slot (``null`` resets any slot)."""
    slot = domain.slots[name]
    if value is None:
        return
    if slot.type == "categorical" and value not in slot.values:
        report.error(mark, f"{what}: set_slots value {value!r} is not one of slot '{name}' values: {', '.join(map(str, slot.values))}")
    kinds = _VALUE_TYPES.get(slot.type)
    if kinds and (not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds)):
        report.error(mark, f"{what}: set_slots value {describe(value)} does not suit {slot.type} slot '{name}'")


def _is_response(name: str, domain: Domain) -> bool:
    return name in domain.responses or name in DEFAULT_RESPONSES


def _unknown_response(what: str, name: str, domain: Domain) -> str:
    names = [*domain.responses, *DEFAULT_RESPONSES]
    return f"{what}: unknown response '{name}'{suggest(name, names)}; known responses: {known(names)}"


def _question(report: FileReport, data: LocatedMap, what: str, step: CollectStep, domain: Domain) -> None:
    if _is_response(step.utter, domain) or step.utter in domain.actions or f"action_ask_{step.collect}" in domain.actions:
        return
    if "utter" in data:
        report.error(data.value_mark("utter"), _unknown_response(what, step.utter, domain))
    else:
        report.error(
            data.value_mark("collect"),
            f"{what}: collecting '{step.collect}' asks response '{step.utter}', which is not in the domain; "
            f"add it to responses or set 'utter:' (known responses: {known(domain.responses)})",
        )
