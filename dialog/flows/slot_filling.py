"""Slot filling: which slots a user turn sets, through the slot mappings of domain.yml.

Rasa 3 semantics with one deliberate restriction:

* ``from_entity`` fills any slot whose mapping matches (entity, optional role,
  group, intent / not_intent), so "where is order 123456" sets ``order_id``
  before the order-status flow even asks. An entity that the *requested* slot
  can take fills only that slot (requested slot first), except a moment: "Friday at 3"
  at "which day?" fills the date slot and the time slot. A value the message
  rules out ("not tuesday", "any day except friday") fills nothing (``ruled_out.py``).
* ``from_intent`` and ``from_text`` answer a question: they fill a slot only
  while a ``collect`` asks for it. A slot that no flow collects is a free flag,
  and its ``from_intent`` mappings apply on any turn (as in Rasa 3). This keeps
  a stray "yes" from confirming something that has not been asked yet.
* ``custom`` mappings are only ever set by actions.
* A ``/SetSlots(...)`` button payload (Rasa Pro) sets the slots it names and nothing else.
* A wh-question that names an option of the open categorical question ("how much is
  Fibre 500?" at "which plan?") asks about it: it picks nothing (``asks_about_a_choice``).
* A question that starts no flow ("are you open on saturday?") fills no slot a flow
  collects, except the open question's own (``given_not_asked``).
* A ``from_text`` answer that names the slot ("my name is Johan de Boer" for
  ``customer_name``) fills it with the value alone (``stated_value.py``).

Values are coerced to the slot type; a value that does not fit (a categorical
value not in ``values``, "abc" for an int, "soon" for a date) fills nothing. Date
and time slots read Duckling's value object when the entity has one, so "tomorrow"
(a day) fills a date slot but not a time slot (``dialog/dates.py``).
"""

from __future__ import annotations

import re
from typing import Any, Callable, Iterable, Mapping

from dialog.config.models import Slot, SlotMapping
from dialog.dates import to_date, to_time
from dialog.flows.ruled_out import is_ruled_out
from dialog.flows.stated_value import stated_value, without_assent
from dialog.intent_payload import set_slots_of
from dialog.questions import asks_about_a_choice, looks_like_question
from dialog.types import Entity, ParseResult

__all__ = ["INVALID", "coerce", "fill_slots", "given_not_asked"]


class _Invalid:
    def __repr__(self) -> str:
        return "INVALID"


INVALID: Any = _Invalid()

_TRUE = {"true", "yes", "y", "1", "on"}
_FALSE = {"false", "no", "n", "0", "off"}


def _to_bool(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    text = str(value).strip().lower()
    return True if text in _TRUE else False if text in _FALSE else INVALID


_NUMBER = re.compile(r"(?<![\w.])\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\w.])|(?<![\w.])\d+(?:\.\d+)?(?![\w])")


def _to_number(value: Any, kind: type) -> Any:
    if isinstance(value, bool):
        return INVALID
    try:
        number = float(str(value).strip().replace(",", "")) if not isinstance(value, (int, float)) else float(value)
    except ValueError:
        numbers = _NUMBER.findall(str(value))  # a typed answer: "$50", "2 people", "about 300 euros"
        if len(numbers) != 1:
            return INVALID
        number = float(numbers[0].replace(",", ""))
    if kind is int:
        return int(number) if number.is_integer() else INVALID
    return number


def _to_category(slot: Slot, value: Any) -> Any:
    for allowed in slot.values:
        if allowed == value or str(allowed).lower() == str(value).strip().lower():
            return allowed
    return INVALID


def coerce(slot: Slot, value: Any, current: Any = None) -> Any:
    """``value`` as the slot's type, or ``INVALID``; list slots append to ``current``."""
    if value is None:
        return None
    if slot.type == "text":
        return str(value)
    if slot.type == "bool":
        return _to_bool(value)
    if slot.type == "float":
        return _to_number(value, float)
    if slot.type == "int":
        return _to_number(value, int)
    if slot.type == "categorical":
        return _to_category(slot, value) if slot.values else value
    if slot.type in ("date", "time"):
        converted = to_date(value) if slot.type == "date" else to_time(value)
        return INVALID if converted is None else converted
    if slot.type == "list":
        items = list(current) if isinstance(current, (list, tuple)) else []
        for item in value if isinstance(value, (list, tuple)) else [value]:
            if item not in items:
                items.append(item)
        return items
    return value


_DAY_AND_TIME = {"date", "time"}


def _free(entity: Entity, taken: Mapping[tuple[str, int, int], str], slot: Slot) -> bool:
    """Whether the requested slot left ``entity`` to ``slot``: it did not take it, or it
    took the day of a moment and ``slot`` wants its time (or the other way round)."""
    took = taken.get(_span(entity))
    return took is None or {took, slot.type} == _DAY_AND_TIME


def _intent_allowed(mapping: SlotMapping, intent: str | None, requested: bool) -> bool:
    """A mapping's ``intent`` list limits when a message sets the slot unasked ("how are
    you today?" sets no delivery day); while the slot's question waits, its own entity
    answers it whatever the intent. ``not_intent`` always applies."""
    if mapping.intent and intent not in mapping.intent and not (requested and mapping.type == "from_entity"):
        return False
    return not (mapping.not_intent and intent in mapping.not_intent)


def _entity_matches(mapping: SlotMapping, entity: Entity) -> bool:
    if entity.entity != mapping.entity:
        return False
    if mapping.role is not None and entity.role != mapping.role:
        return False
    return mapping.group is None or entity.group == mapping.group


def _span(entity: Entity) -> tuple[str, int, int]:
    return (entity.entity, entity.start, entity.end)


def _from_entities(slot: Slot, mapping: SlotMapping, entities: Iterable[Entity]) -> list[Entity]:
    return [entity for entity in entities if _entity_matches(mapping, entity)]


def _mapped_value(
    slot: Slot,
    parse: ParseResult,
    requested: bool,
    free_flag: bool,
    taken: Mapping[tuple[str, int, int], str],
    reads_as_answer: Callable[[ParseResult], bool] | None = None,
) -> tuple[Any, list[Entity]]:
    """The raw value the first applicable mapping gives, and the entities it used."""
    for mapping in slot.mappings:
        if not _intent_allowed(mapping, parse.intent, requested):
            continue
        if mapping.type == "from_entity":
            entities = [e for e in _from_entities(slot, mapping, parse.entities) if _free(e, taken, slot) and not is_ruled_out(parse.text, e.start, e.end)]
            if requested and slot.type == "categorical":  # "how much is Fibre 500?" at "which plan?" asks about it
                entities = [e for e in entities if not asks_about_a_choice(parse.text, e.start)]
            if entities:
                if slot.type == "list":
                    return [e.value for e in entities], entities
                first = entities[0]
                temporal = slot.type in ("date", "time") and first.additional_info is not None
                return (first.additional_info if temporal else first.value), entities[:1]
        elif mapping.type == "from_intent" and (requested or free_flag):
            if mapping.intent or requested:
                return mapping.value, []
        elif mapping.type == "from_text" and requested and parse.text:
            stated = stated_value(parse.text, slot.name)  # "my name is Johan de Boer": the name, whatever the intent
            if stated is not None or reads_as_answer is None or reads_as_answer(parse):
                return stated or without_assent(parse.text), []
    return INVALID, []


def fill_slots(
    slots: Mapping[str, Slot],
    parse: ParseResult,
    current: Mapping[str, Any],
    requested_slot: str | None = None,
    collected: Iterable[str] = (),
    reads_as_answer: Callable[[ParseResult], bool] | None = None,
) -> dict[str, Any]:
    """Slot updates this turn makes, requested slot first; ``collected``: slots some flow collects.
    ``reads_as_answer`` decides whether a ``from_text`` slot takes the text (chit-chat,
    "can you repeat that?" or gibberish is no answer; ``dialog/flows/collect_classifier.py``)."""
    direct = set_slots_of(parse)
    if direct is not None:  # a /SetSlots(...) button: those slots, whatever their mappings
        return {name: value for name, raw in direct.items() if name in slots and (value := coerce(slots[name], raw, current.get(name))) is not INVALID}
    collected = set(collected)
    updates: dict[str, Any] = {}
    taken: dict[tuple[str, int, int], str] = {}  # an entity the requested slot took -> that slot's type
    order = ([requested_slot] if requested_slot is not None and requested_slot in slots else []) + [n for n in slots if n != requested_slot]
    for name in order:
        slot = slots[name]
        requested = name == requested_slot
        raw, used = _mapped_value(slot, parse, requested, name not in collected, taken, reads_as_answer)
        if raw is INVALID:
            continue
        value = coerce(slot, raw, current.get(name))
        if value is INVALID:
            continue
        if requested:
            taken.update({_span(entity): slot.type for entity in used})
        updates[name] = value
    return updates


def given_not_asked(updates: Mapping[str, Any], text: str, requested: str | None, collected: Iterable[str]) -> dict[str, Any]:
    """``updates`` without the slots a flow collects when ``text`` is a question that starts
    nothing: "are you open on saturday?" asks about a day, it does not choose one for a
    booking later (which would skip its question). The open question's own slot stays."""
    if not looks_like_question(text):
        return dict(updates)
    collected = set(collected)
    return {name: value for name, value in updates.items() if name == requested or name not in collected}
