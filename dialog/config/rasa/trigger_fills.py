"""Rasa's ``from_trigger_intent`` slot mappings, as the first steps of a form's flow.

``incident_title`` with ``{type: from_trigger_intent, intent: password_reset, value:
"Problem resetting password"}`` is set when ``password_reset`` starts a form (the form
named by the mapping's ``conditions: [{active_loop: ...}]``, else any). Here that is a
``noop`` step at the start of the form's flow that branches on the intent that started
it to a ``set_slots`` step, then goes on to the form's first question.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dialog.config.files import Document
from dialog.config.yaml_reader import Mark, to_plain

__all__ = ["FIRST_QUESTION", "TriggerFill", "fill_steps", "read_trigger_fills", "unused_fills"]

FIRST_QUESTION = "ask_first_slot"


@dataclass(frozen=True)
class TriggerFill:
    """Set ``slot`` to ``value`` when one of ``intents`` starts one of ``forms`` (None: any form)."""

    slot: str
    intents: tuple[str, ...]
    value: Any
    forms: frozenset[str] | None
    path: str = ""
    mark: Mark = (0, 0)


def read_trigger_fills(domain_documents: list[Document]) -> list[TriggerFill]:
    """Every ``from_trigger_intent`` mapping of the domain's slots (malformed ones name nothing:
    ``parse_domain`` reports them)."""
    fills = []
    for document in domain_documents:
        slots = document.data.get("slots") if isinstance(document.data, dict) else None
        for name, slot in slots.items() if isinstance(slots, dict) else ():
            mappings = slot.get("mappings") if isinstance(slot, dict) else None
            for mapping in mappings if isinstance(mappings, list) else ():
                if isinstance(mapping, dict) and mapping.get("type") == "from_trigger_intent" and "value" in mapping:
                    intents, forms = _names(mapping.get("intent")), _forms(mapping.get("conditions"))
                    fills.append(TriggerFill(str(name), intents, to_plain(mapping["value"]), forms, document.path, getattr(mapping, "mark", (0, 0))))
    return fills


def fill_steps(form: str, triggers: list[str], fills: list[TriggerFill], mark: Mark) -> list[tuple[dict[str, Any], Mark]]:
    """The steps that set the slots of ``fills`` for a form's flow; the step after them must
    have the id ``FIRST_QUESTION``. None when no fill applies to this form and its triggers."""
    mine = [fill for fill in fills if (fill.forms is None or form in fill.forms) and set(fill.intents) & set(triggers)]
    if not mine:
        return []
    branches: list[dict[str, Any]] = []
    steps: list[tuple[dict[str, Any], Mark]] = []
    for number, fill in enumerate(mine):
        intents = sorted(set(fill.intents) & set(triggers))
        branches.append({"if": f"latest_message.intent.name in {intents!r}", "then": f"trigger_fill_{number}"})
        steps.append(({"id": f"trigger_fill_{number}", "set_slots": {fill.slot: fill.value}, "next": FIRST_QUESTION}, mark))
    branches.append({"else": FIRST_QUESTION})
    return [({"id": "started_by", "noop": True, "next": branches}, mark), *steps]


def unused_fills(fills: list[TriggerFill], triggers: dict[str, list[str]]) -> list[TriggerFill]:
    """The fills that no form's flow (form name -> its trigger intents) runs."""
    return [
        fill for fill in fills
        if not any((fill.forms is None or form in fill.forms) and set(fill.intents) & set(intents) for form, intents in triggers.items())
    ]


def _names(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    return tuple(str(item) for item in value) if isinstance(value, list) else ()


def _forms(conditions: Any) -> frozenset[str] | None:
    if not isinstance(conditions, list):
        return None
    forms = frozenset(str(c["active_loop"]) for c in conditions if isinstance(c, dict) and c.get("active_loop"))
    return forms or None
