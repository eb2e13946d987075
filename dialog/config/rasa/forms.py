"""Rasa forms (domain.yml ``forms:``) run as flows of collect steps.

The form's rules and stories say when it starts and what follows it:

- the intent whose turn runs the form (``- action: restaurant_form`` then
  ``- active_loop: restaurant_form``) triggers it;
- the actions after ``- active_loop: null`` (Rasa's "submit" rule) end it.

The flow ``form_<name>`` collects ``required_slots`` in order, asking with
``utter_ask_<form>_<slot>`` when the domain has it, else ``utter_ask_<slot>``, as Rasa
does, then runs those actions. A rule or story that mentions a form is used for that
alone: what it does inside the form (interruptions, ``action_deactivate_loop``) is
done here by digressions and cancel intents. ``validate_<form>`` is not called; a
warning says to write ``rejections`` on the collect steps instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator

from dialog.config.files import Document
from dialog.config.rasa.flow_yaml import Step, flow_document, intents_of, name_at
from dialog.config.schema import Reporter
from dialog.config.yaml_reader import LocatedMap, Mark

__all__ = ["RasaForms"]

_NOT_AFTER = {"action_listen", "action_deactivate_loop"}


@dataclass
class _Form:
    """One form of domain.yml and what the rules and stories say about it."""

    document: Document
    mark: Mark
    required_slots: list[str]
    triggers: list[str] = field(default_factory=list)  # intents that start it
    after: list[str] = field(default_factory=list)  # actions once it is filled


class RasaForms:
    """The forms of the domain documents; ``take`` the rules and stories that mention them."""

    def __init__(self, domain_documents: list[Document]) -> None:
        self.forms: dict[str, _Form] = {}
        self._validators: set[str] = set()
        self._responses: set[str] = set()
        self.answer_intents: set[str] = set()  # intents that answer a running form in some story
        for document in domain_documents:
            data = document.data
            if not isinstance(data, dict):
                continue
            forms = data.get("forms")
            for name, value in forms.items() if isinstance(forms, dict) else ():
                self.forms[str(name)] = _Form(document, forms.key_mark(name), _required_slots(value))
            # parse_domain reports a malformed actions or responses section; here it names nothing
            actions = data.get("actions")
            self._validators.update(str(action) for action in _names(actions) if str(action).startswith("validate_"))
            self._responses.update(str(name) for name in _names(data.get("responses")))

    def mentions(self, item: LocatedMap) -> bool:
        """Whether a rule or story runs, resumes or ends one of the forms."""
        steps = [*_steps(item.get("condition")), *_steps(item.get("steps"))]
        return any(name_at(step, "action") in self.forms or name_at(step, "active_loop") in self.forms for step in steps)

    def take(self, item: LocatedMap) -> None:
        """Learn the form's triggers and closing actions from one rule or story; the first
        rule or story that closes a form with actions gives them."""
        active = next((name_at(step, "active_loop") for step in _steps(item.get("condition")) if name_at(step, "active_loop") in self.forms), None)
        intents: tuple[str, ...] = ()
        closed: str | None = None  # the form just completed: the next actions follow it
        after: dict[str, list[str]] = {}
        for step in _steps(item.get("steps")):
            if intents_of(step):
                intents, closed = intents_of(step), None
                if active is not None:
                    self.answer_intents.update(intents)
            elif "active_loop" in step:
                if step["active_loop"] is None and active is not None:
                    closed, active = active, None
                    after.setdefault(closed, [])
                elif name_at(step, "active_loop") in self.forms:
                    active = name_at(step, "active_loop")
            elif name_at(step, "action") in self.forms:
                form = name_at(step, "action")
                if active != form and closed is None:  # not a turn inside the running form
                    self.forms[form].triggers.extend(intent for intent in intents if intent not in self.forms[form].triggers)
                active = form
            elif name_at(step, "action") and closed is not None and name_at(step, "action") not in _NOT_AFTER:
                after[closed].append(name_at(step, "action"))
        for name, actions in after.items():
            if actions and not self.forms[name].after:
                self.forms[name].after = actions

    def plain_steps(self, steps: Any) -> list[Any]:
        """A story's steps without the form parts: the turn that starts a form, the turns
        inside it and the actions after it belong to the form's flow."""
        plain: list[Any] = []
        in_form = after_form = False
        for step in steps if isinstance(steps, list) else ():
            if not isinstance(step, dict):
                continue
            if intents_of(step):
                after_form = False
                plain.append(step)
            elif "active_loop" in step:
                in_form, after_form = step["active_loop"] is not None, step["active_loop"] is None
            elif name_at(step, "action") in self.forms:
                if plain and intents_of(plain[-1]):
                    plain.pop()  # that turn starts (or answers) the form
                in_form = True
            elif not (in_form or after_form):
                plain.append(step)
        return plain

    def flows(self, reporter: Reporter) -> Iterator[Document]:
        """One flow per form that some rule or story starts; a warning for each other form."""
        for name, form in self.forms.items():
            report = reporter.file(form.document.path)
            if not form.triggers or not form.required_slots:
                why = "no rule or story starts it" if not form.triggers else "it has no required_slots"
                report.warn(form.mark, f"form '{name}' is not run here: {why}; write a flow with collect steps in flows.yml")
                continue
            steps: list[Step] = []
            for slot in form.required_slots:
                collect: dict[str, Any] = {"collect": slot}
                if f"utter_ask_{name}_{slot}" in self._responses:
                    collect["utter"] = f"utter_ask_{name}_{slot}"
                steps.append((collect, form.mark))
            # Every value points at the form in domain.yml: its triggers and closing actions
            # come from rules and stories in other files.
            steps += [({"action": action}, form.mark) for action in form.after]
            flow_id = f"form_{name}"
            told = f"form '{name}' runs as the flow {flow_id}: collect {', '.join(form.required_slots)}"
            told += f", then {', '.join(form.after)}" if form.after else ""
            told += f"; started by {', '.join(form.triggers)}"
            if f"validate_{name}" in self._validators:
                told += f"; validate_{name} is not called: write rejections on the collect steps instead"
            report.warn(form.mark, told)
            yield flow_document(form.document, flow_id, f"Rasa form: {name}", form.triggers, form.mark, steps, form.mark)


def _required_slots(form: Any) -> list[str]:
    """Rasa 3 lists them; Rasa 2 maps each to its slot mappings."""
    slots = form.get("required_slots") if isinstance(form, dict) else None
    return [str(slot) for slot in slots] if isinstance(slots, (list, dict)) else []


def _steps(value: Any) -> list[LocatedMap]:
    return [step for step in value if isinstance(step, dict)] if isinstance(value, list) else []


def _names(section: Any) -> list[Any]:
    """The entries of a domain section written as a list or a mapping (else none)."""
    return list(section) if isinstance(section, (list, dict)) else []
