"""Rasa rules with a slot condition and no user intent: "when ``topic`` is company, say
``utter_company``".

::

    - rule: company info
      condition:
      - slot_was_set:
        - topic: company
      steps:
      - action: utter_company

Rasa's RulePolicy applies such a rule after a user message once the slots hold the
values. Here it is a flow triggered by the intents that can set those slots, guarded by
the condition, which is read over the slots the message itself fills
(``FlowEngine._trigger``). So "tell me about your [company](topic)" runs it, a message
that sets another value runs that value's rule, and a message of an intent that sets none
of them leaves it alone. An intent sets a slot when a ``from_intent`` mapping names it, or
when its NLU examples annotate the entity a ``from_entity`` mapping reads (within the
mapping's ``intent`` and ``not_intent``).
"""

from __future__ import annotations

from typing import Any, Iterable

from dialog.config.annotations import AnnotationError, parse_annotated
from dialog.config.files import Document
from dialog.config.rasa.flow_yaml import located
from dialog.config.yaml_reader import LocatedMap

__all__ = ["condition_slots", "setting_intents", "triggered_steps"]


def condition_slots(condition: Any) -> list[str]:
    """The slots a rule's ``condition`` names in its ``slot_was_set`` steps."""
    names: list[str] = []
    for step in condition if isinstance(condition, list) else ():
        items = step.get("slot_was_set") if isinstance(step, dict) else None
        for item in items if isinstance(items, list) else [items] if items is not None else []:
            names.extend([item] if isinstance(item, str) else [str(name) for name in item] if isinstance(item, dict) else [])
    return names


def triggered_steps(rule: LocatedMap, intents: list[str]) -> list[Any]:
    """The rule's steps after a user step of any of ``intents`` (``or:``), so that they read
    as an ordinary rule "intent, then actions"."""
    steps = rule.get("steps")
    trigger = located({"or": [{"intent": intent} for intent in intents]}, rule.mark)
    return [trigger, *(step for step in steps if isinstance(step, dict))] if isinstance(steps, list) else [trigger]


def setting_intents(slots: Iterable[str], domain_documents: Iterable[Document], nlu_documents: Iterable[Document]) -> list[str]:
    """The intents whose messages can set one of ``slots`` (sorted)."""
    annotated = _annotated_entities(nlu_documents)
    found: set[str] = set()
    wanted = set(slots)
    for name, slot in _slots(domain_documents):
        if name not in wanted:
            continue
        mappings = slot.get("mappings")
        for mapping in mappings if isinstance(mappings, list) else ():
            if not isinstance(mapping, dict):
                continue
            only, never = _intent_list(mapping.get("intent")), _intent_list(mapping.get("not_intent"))
            if mapping.get("type") == "from_intent":
                found.update(only)
            elif mapping.get("type") == "from_entity":
                carrying = annotated.get(str(mapping.get("entity")), set())
                found.update(intent for intent in carrying if (not only or intent in only) and intent not in never)
    return sorted(found)


def _slots(domain_documents: Iterable[Document]) -> Iterable[tuple[str, dict[str, Any]]]:
    for document in domain_documents:
        slots = document.data.get("slots") if isinstance(document.data, dict) else None
        for name, slot in slots.items() if isinstance(slots, dict) else ():
            if isinstance(slot, dict):
                yield str(name), slot


def _intent_list(value: Any) -> set[str]:
    return {value} if isinstance(value, str) else {str(item) for item in value} if isinstance(value, list) else set()


def _annotated_entities(nlu_documents: Iterable[Document]) -> dict[str, set[str]]:
    """entity -> the intents with an example that annotates it."""
    found: dict[str, set[str]] = {}
    for document in nlu_documents:
        items = document.data.get("nlu") if isinstance(document.data, dict) else None
        for item in items if isinstance(items, list) else ():
            if not isinstance(item, dict) or not isinstance(item.get("intent"), str):
                continue
            for example in _examples(item.get("examples")):
                try:
                    _, entities = parse_annotated(example)
                except AnnotationError:
                    continue  # the NLU checks report it
                for entity in entities:
                    found.setdefault(entity.entity, set()).add(item["intent"])
    return found


def _examples(value: Any) -> list[str]:
    if isinstance(value, str):
        return [line.strip()[2:] for line in value.splitlines() if line.strip().startswith("- ")]
    return [str(item.get("text", "")) if isinstance(item, dict) else str(item) for item in value] if isinstance(value, list) else []
