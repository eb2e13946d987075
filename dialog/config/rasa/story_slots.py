"""Stories that answer one intent differently depending on a slot.

::

    - story: a movie named                 - story: no movie named
      steps:                                 steps:
      - intent: book_ticket                  - intent: book_ticket
        entities:                            - action: utter_ask_movie_name
        - movie_name: Avatar
      - action: action_book_ticket

Rasa's policies see the slots a story has set by each turn (a text slot as set or not,
a categorical or bool slot by its value) and learn which answer goes with which. Here
the slots a story has set by a user turn are followed through its steps (``SlotFacts``:
``slot_was_set`` steps, and entities that fill a slot through its ``from_entity``
mapping or by its name), and when one slot tells the answers apart, each answer becomes a
flow guarded by it (``slot_guards``); the answer of the stories where it is unset is the
default. Slots with ``influence_conversation: false`` tell nothing, as in Rasa.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

from dialog.config.files import Document
from dialog.config.rasa.flow_yaml import intents_of, name_at

__all__ = ["PRESENT", "SlotFacts", "slot_guards"]

PRESENT = "<set>"  # a slot whose value does not matter, only that it is set
_VALUED_TYPES = ("categorical", "bool")

Fact = tuple[str, Any]  # (slot, value, or PRESENT)


@dataclass
class SlotFacts:
    """What the domain says of its slots: which ones tell answers apart, and which entities fill them."""

    valued: set[str] = field(default_factory=set)  # categorical and bool slots: their value counts
    present: set[str] = field(default_factory=set)  # other slots that influence the conversation: set or not
    filled_by: dict[str, set[str]] = field(default_factory=dict)  # entity -> slots its value fills

    @classmethod
    def read(cls, domain_documents: Iterable[Document]) -> SlotFacts:
        facts = cls()
        for document in domain_documents:
            slots = document.data.get("slots") if isinstance(document.data, dict) else None
            for name, slot in slots.items() if isinstance(slots, dict) else ():
                if not isinstance(slot, dict) or slot.get("influence_conversation") is False or slot.get("type") == "any":
                    continue
                (facts.valued if slot.get("type") in _VALUED_TYPES else facts.present).add(str(name))
                facts.filled_by.setdefault(str(name), set()).add(str(name))  # Rasa 2: an entity fills the slot of its name
                mappings = slot.get("mappings")
                for mapping in mappings if isinstance(mappings, list) else ():
                    if isinstance(mapping, dict) and mapping.get("type") == "from_entity" and mapping.get("entity"):
                        facts.filled_by.setdefault(str(mapping["entity"]), set()).add(str(name))
        return facts

    def at_user_turns(self, steps: Any) -> dict[int, frozenset[Fact]]:
        """For each user step (by ``id``), the slots the story has set once that turn's
        entities and the ``slot_was_set`` steps right after it are in."""
        state: dict[str, Any] = {}
        found: dict[int, frozenset[Fact]] = {}
        pending: Any = None  # the user step whose slot_was_set steps may still come
        for step in steps if isinstance(steps, list) else ():
            if not isinstance(step, dict):
                continue
            if intents_of(step):
                self._take_entities(step.get("entities"), state)
                pending = step
            elif "slot_was_set" in step:
                self._take_slots(step["slot_was_set"], state)
            elif name_at(step, "action") or "user" in step:
                pending = None
            if pending is not None:
                found[id(pending)] = self._facts(state)
        return found

    def _facts(self, state: dict[str, Any]) -> frozenset[Fact]:
        return frozenset(
            (slot, value if slot in self.valued else PRESENT) for slot, value in state.items() if slot in self.valued | self.present and value is not None
        )

    def _take_entities(self, entities: Any, state: dict[str, Any]) -> None:
        for item in entities if isinstance(entities, list) else ():
            if isinstance(item, str):
                pairs = [(item, PRESENT)]
            elif isinstance(item, dict) and "entity" in item:
                pairs = [(str(item["entity"]), item.get("value", PRESENT))]
            elif isinstance(item, dict):
                pairs = [(str(name), value) for name, value in item.items()]
            else:
                continue
            for entity, value in pairs:
                for slot in self.filled_by.get(entity, ()):
                    state[slot] = value

    @staticmethod
    def _take_slots(items: Any, state: dict[str, Any]) -> None:
        for item in items if isinstance(items, list) else [items]:
            if isinstance(item, str):
                state[item] = PRESENT
            elif isinstance(item, dict):
                state.update({str(name): value for name, value in item.items()})


def slot_guards(answers: list[list[frozenset[Fact]]]) -> list[str | None] | None:
    """A guard per answer (None: the default, tried last) from the first slot whose facts
    tell the answers apart; ``answers``: for each answer, the facts of each story turn it
    answers. None when no one slot does: two answers share a value, or more than one
    answer comes where the slot is unset."""
    slots = sorted({slot for facts_list in answers for facts in facts_list for slot, _ in facts})
    for slot in slots:
        seen: list[set[Any]] = []
        for facts_list in answers:
            seen.append({next((value for name, value in facts if name == slot), None) for facts in facts_list})
        if sum(None in values for values in seen) > 1:
            continue
        if any(a & b for index, a in enumerate(seen) for b in seen[index + 1 :]):
            continue
        return [_guard(slot, values) for values in seen]
    return None


def _guard(slot: str, values: set[Any]) -> str | None:
    if None in values:
        return None
    if PRESENT in values:
        return f"slots[{slot!r}] is not none"
    listed = sorted(values, key=str)
    return f"slots[{slot!r}] == {_literal(listed[0])}" if len(listed) == 1 else f"slots[{slot!r}] in [{', '.join(_literal(v) for v in listed)}]"


def _literal(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    return repr(value) if isinstance(value, (int, float)) else repr(str(value))
