"""The ``slots:`` section of domain.yml: types, values, limits and Rasa 3 mappings."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dialog.config.models import MAPPING_TYPES, SLOT_TYPES, Slot, SlotMapping
from dialog.config.schema import FileReport, describe, suggest
from dialog.config.yaml_reader import LocatedMap, to_plain

if TYPE_CHECKING:
    from dialog.config.domain import DomainSources

__all__ = ["parse_slots"]

_SLOT_KEYS = ("influence_conversation", "initial_value", "mappings", "max_value", "min_value", "type", "values")
_SLOT_IGNORED = {"auto_fill": "Rasa 2 option; slots fill through their mappings"}
_MAPPING_KEYS = {
    "from_entity": ("type", "entity", "intent", "not_intent", "role", "group"),
    # Rasa's form conditions (active_loop, requested_slot) say what these do anyway: they
    # fill a slot only while a collect step asks for it (see dialog/flows/slot_filling.py).
    "from_intent": ("type", "value", "intent", "not_intent", "conditions"),
    "from_text": ("type", "intent", "not_intent", "conditions"),
    "custom": ("type", "action"),
}
_MAPPING_IGNORED = {"conditions": "an entity fills its slot whenever the NLU finds it, the slot a flow asks for first"}
# Rasa mapping types that have no effect here: accepted, dropped, with a warning.
_DROPPED_MAPPINGS: dict[str, str] = {}
# Rasa Pro's LLM-filled slots: the answer to the slot's own question fills them here
_AS_FROM_TEXT = {"from_llm": "read as from_text: no LLM extracts values here, the answer to the slot's question fills it"}
_VALUE_TYPES: dict[str, tuple[type, ...]] = {
    "text": (str,),
    "bool": (bool,),
    "float": (float,),
    "int": (int,),
    "list": (list,),
}


def parse_slots(slots: LocatedMap, report: FileReport, into: dict[str, Slot], sources: DomainSources) -> None:
    """Add ``slots:`` to ``into``; a slot defined in two domain files is an error naming both places."""
    for name, value in slots.items():
        mark = slots.key_mark(name)
        if name in into:
            report.duplicate(mark, f"slot '{name}'", sources.marks[("slot", name)])
            continue
        data = report.mapping(value, slots.value_mark(name), f"slot '{name}'")
        if data is None:
            continue
        slot = _parse_slot(str(name), data, report, (report.path, *mark))
        if slot is not None:
            into[str(name)] = slot
            sources.marks[("slot", str(name))] = (report.path, *mark)


def _parse_slot(name: str, data: LocatedMap, report: FileReport, mark: tuple[str, int, int]) -> Slot | None:
    what = f"slot '{name}'"
    report.keys(data, _SLOT_KEYS, what, ignored=_SLOT_IGNORED, required=("type",))
    slot_type = data.get("type")
    if "type" in data and slot_type not in SLOT_TYPES:
        hint = suggest(str(slot_type), SLOT_TYPES)
        report.error(data.value_mark("type"), f"{what}: unknown type {slot_type!r}{hint}; valid types: {', '.join(SLOT_TYPES)}")
        return None
    slot_type = slot_type or "any"
    values: tuple[Any, ...] = ()
    if slot_type == "categorical":
        raw = report.sequence(data.get("values"), data.value_mark("values") if "values" in data else data.mark, f"{what}: 'values'")
        values = tuple(to_plain(raw or ()))
        if not values and raw is not None:
            report.error(data.mark, f"{what}: a categorical slot needs a non-empty 'values' list")
    elif "values" in data:
        report.error(data.key_mark("values"), f"{what}: 'values' only applies to categorical slots, not {slot_type}")
    limits = {}
    for key in ("min_value", "max_value"):
        if key in data and slot_type not in ("float", "int"):
            report.error(data.key_mark(key), f"{what}: '{key}' only applies to float and int slots, not {slot_type}")
        else:
            limits[key] = report.typed(data, key, float, what)
    initial = to_plain(data.get("initial_value"))
    if initial is not None:
        _check_value(initial, slot_type, values, report, data, what)
        if slot_type in ("date", "time") and hasattr(initial, "isoformat"):
            initial = initial.isoformat()  # YAML reads 2030-05-07 as a date; the slot holds ISO text
    influence = report.typed(data, "influence_conversation", bool, what, True)
    mappings = _parse_mappings(data, report, what) if "mappings" in data else ()
    return Slot(
        name=name,
        type=slot_type,
        mappings=mappings,
        values=values,
        initial_value=initial,
        influence_conversation=influence,
        min_value=limits.get("min_value"),
        max_value=limits.get("max_value"),
        mark=mark,
    )


def _check_value(value: Any, slot_type: str, values: tuple[Any, ...], report: FileReport, data: LocatedMap, what: str) -> None:
    mark = data.value_mark("initial_value")
    if slot_type == "categorical":
        if values and value not in values:
            report.error(mark, f"{what}: initial_value {value!r} is not one of its values: {', '.join(map(str, values))}")
    elif slot_type in ("date", "time") and not _is_iso(value, slot_type):
        example = "2030-05-07" if slot_type == "date" else "2030-05-07T15:00:00+02:00"
        shown = repr(value.isoformat()) if hasattr(value, "isoformat") else describe(value)
        report.error(mark, f"{what}: initial_value of a {slot_type} slot must be an ISO {slot_type} such as {example!r}, got {shown}")
    elif slot_type in _VALUE_TYPES and not FileReport.is_type(value, _VALUE_TYPES[slot_type]):
        report.error(mark, f"{what}: initial_value must suit a {slot_type} slot, got {describe(value)}")


def _is_iso(value: Any, slot_type: str) -> bool:
    from datetime import date, datetime

    from dialog.dates import parse_moment

    moment = parse_moment(value.isoformat() if isinstance(value, date) else value)
    return isinstance(moment, datetime) if slot_type == "time" else moment is not None


def _parse_mappings(data: LocatedMap, report: FileReport, what: str) -> tuple[SlotMapping, ...]:
    items = report.sequence(data["mappings"], data.value_mark("mappings"), f"{what}: 'mappings'")
    result = []
    for index, item in enumerate(items or ()):
        mark = items.item_mark(index)
        mapping = report.mapping(item, mark, f"{what}: each mapping")
        if mapping is None:
            continue
        kind = mapping.get("type")
        if kind == "from_trigger_intent":
            continue  # a Rasa form's flow sets it when the intent starts the form: config/rasa/trigger_fills.py
        if kind in _DROPPED_MAPPINGS:
            report.warn(mapping.value_mark("type"), f"{what}: mapping type '{kind}' is accepted but ignored: {_DROPPED_MAPPINGS[kind]}")
            continue
        if kind in _AS_FROM_TEXT:
            report.warn(mapping.value_mark("type"), f"{what}: mapping type '{kind}' is {_AS_FROM_TEXT[kind]}")
            result.append(SlotMapping(type="from_text"))
            continue
        if kind not in MAPPING_TYPES:
            valid = ", ".join(MAPPING_TYPES)
            where = mapping.value_mark("type") if "type" in mapping else mark
            problem = "a mapping needs a 'type'" if "type" not in mapping else f"unknown mapping type {kind!r}{suggest(str(kind), MAPPING_TYPES)}"
            report.error(where, f"{what}: {problem}; valid types: {valid}")
            continue
        mapping_what = f"{what} mapping {kind}"
        required = {"from_entity": ("entity",), "from_intent": ("value",)}.get(kind, ())
        ignored = _MAPPING_IGNORED if kind == "from_entity" else {}
        report.keys(mapping, _MAPPING_KEYS[kind], mapping_what, ignored=ignored, required=required)
        result.append(
            SlotMapping(
                type=kind,
                entity=report.typed(mapping, "entity", str, mapping_what),
                value=to_plain(mapping.get("value")),
                intent=report.names(mapping.get("intent"), mapping.value_mark("intent"), f"{mapping_what}: 'intent'"),
                not_intent=report.names(mapping.get("not_intent"), mapping.value_mark("not_intent"), f"{mapping_what}: 'not_intent'"),
                role=report.typed(mapping, "role", str, mapping_what),
                group=report.typed(mapping, "group", str, mapping_what),
                action=report.typed(mapping, "action", str, mapping_what),
            )
        )
    return tuple(result)
