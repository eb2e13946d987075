"""A Rasa form's ``ignored_intents``: messages with these intents fill none of its slots.

Rasa 3 writes ``forms: {restaurant_form: {required_slots: [...], ignored_intents:
[chitchat]}}``, so "how's the weather?" never becomes the cuisine. Here a slot's
mappings say which intents may not fill it (``not_intent``), so each mapping of the
form's required slots gets those intents added. Unlike Rasa, that holds while other
flows or forms ask for the slot too: a slot shared with another form ignores them there
as well.
"""

from __future__ import annotations

from typing import Any

from dialog.config.files import Document
from dialog.config.yaml_reader import LocatedList, LocatedMap

__all__ = ["apply_ignored_intents"]


def apply_ignored_intents(domain_documents: list[Document]) -> None:
    """Add each form's ``ignored_intents`` to the ``not_intent`` of its slots' mappings (in place)."""
    ignored: dict[str, set[str]] = {}  # slot -> intents
    for document in domain_documents:
        forms = document.data.get("forms") if isinstance(document.data, dict) else None
        for form in forms.values() if isinstance(forms, dict) else ():
            intents = form.get("ignored_intents") if isinstance(form, dict) else None
            intents = [intents] if isinstance(intents, str) else intents if isinstance(intents, list) else []
            slots = form.get("required_slots") if isinstance(form, dict) else None
            for slot in slots if isinstance(slots, list) else ():
                ignored.setdefault(str(slot), set()).update(str(intent) for intent in intents)
    for document in domain_documents:
        slots = document.data.get("slots") if isinstance(document.data, dict) else None
        for name, slot in slots.items() if isinstance(slots, dict) else ():
            if ignored.get(str(name)) and isinstance(slot, dict) and isinstance(slot.get("mappings"), list):
                for mapping in slot["mappings"]:
                    if isinstance(mapping, LocatedMap) and mapping.get("type") != "custom":
                        _add_not_intent(mapping, sorted(ignored[str(name)]))


def _add_not_intent(mapping: LocatedMap, intents: list[str]) -> None:
    current: Any = mapping.get("not_intent")
    names = [current] if isinstance(current, str) else list(current) if isinstance(current, list) else []
    merged = LocatedList(names + [intent for intent in intents if intent not in names])
    merged.mark = mapping.value_mark("not_intent") if "not_intent" in mapping else mapping.mark
    merged.item_marks = [merged.mark] * len(merged)
    mapping["not_intent"] = merged
    mapping.key_marks.setdefault("not_intent", mapping.mark)
    mapping.value_marks["not_intent"] = merged.mark
