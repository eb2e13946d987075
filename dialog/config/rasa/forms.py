"""Rasa forms (domain.yml ``forms:``) run as flows of collect steps.

The form's rules and stories say when it starts and what follows it:

- the intent whose turn runs the form (``- action: restaurant_form`` then
  ``- active_loop: restaurant_form``) triggers it;
- the actions after ``- active_loop: null`` (Rasa's "submit" rule) end it;
- an intent answered by ``action_deactivate_loop`` (Rasa's "stop the form" rule) stops
  it: a flow guarded by the form's, which runs the actions after ``active_loop: null``
  and cancels the form (``_stop_flows``), instead of being taken for the submit rule.

The flow ``form_<name>`` collects ``required_slots`` in order, asking with the first
of ``action_ask_<form>_<slot>`` (a custom action, e.g. on the action server),
``utter_ask_<form>_<slot>``, ``action_ask_<slot>`` and ``utter_ask_<slot>`` the domain
has, as Rasa does, then runs those actions. Slots with a ``from_trigger_intent``
mapping are set first, from the intent that started the form (``trigger_fills``).
Its slots keep their values after it ends, as in Rasa.

What the rules and stories do inside a running form becomes flows too: a rule or a
story turn that answers an intent and goes back to the form is a digression
(``interruption``, ``_interruptions``), and a question such as "stop" -> "continue?" is
a guarded flow (``form_questions``).
``validate_<form>`` checks each answer, as rasa_sdk's ``FormValidationAction`` does
(``dialog/flows/slot_validation.py``), when the action server or actions.py has it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator

from dialog.builtin_names import AFFIRM_INTENT, DENY_INTENT
from dialog.config.files import Document
from dialog.config.rasa.flow_yaml import Step, flow_document, intents_of, located, name_at, slug
from dialog.config.rasa.form_questions import FormQuestions
from dialog.config.rasa.trigger_fills import (
    FIRST_QUESTION,
    fill_steps,
    read_trigger_fills,
    unused_fills,
)
from dialog.config.schema import FileReport, Reporter
from dialog.config.yaml_reader import LocatedMap, Mark

__all__ = ["FORM_FLOW_PREFIX", "RasaForms"]

FORM_FLOW_PREFIX = "form_"  # the flow of form X is form_X; a Rasa story's `action: X` is its turn

_DEACTIVATE = "action_deactivate_loop"
_NOT_AFTER = {"action_listen", _DEACTIVATE}


@dataclass
class _Form:
    """One form of domain.yml and what the rules and stories say about it."""

    document: Document
    mark: Mark
    required_slots: list[str]
    triggers: list[str] = field(default_factory=list)  # intents that start it
    after: list[str] = field(default_factory=list)  # actions once it is filled
    stops: dict[str, tuple[Mark, list[str]]] = field(default_factory=dict)  # intent that deactivates it -> (where, actions after)
    lead_ins: dict[str, tuple[list[str], str | None, Mark]] = field(default_factory=dict)  # intent -> (actions first, guard, where)


class RasaForms:
    """The forms of the domain documents; ``take`` the rules and stories that mention them."""

    def __init__(self, domain_documents: list[Document]) -> None:
        self.forms: dict[str, _Form] = {}
        self._validators: set[str] = set()
        self._actions: set[str] = set()
        self._trigger_fills = read_trigger_fills(domain_documents)
        self.questions = FormQuestions()  # "stop" -> "continue?" while a form runs
        self._intent_answers: dict[str, set[str]] = {}  # slot -> intents its from_intent mappings take
        self.slots: set[str] = set()  # every slot the domain declares
        self._responses: set[str] = set()
        self.answer_intents: set[str] = set()  # intents that answer a running form in some story
        self.unasked: dict[str, Document] = {}  # utter_ask_<slot> no form's question exists for -> a domain document with one
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
            self._actions.update(str(action) for action in _names(actions))
            self._responses.update(str(name) for name in _names(data.get("responses")))
            self._intent_answers.update(_from_intent_answers(data.get("slots")))
            self.slots.update(str(name) for name in _names(data.get("slots")))
        self.questions.answering = {
            name: {intent for slot in form.required_slots for intent in self._intent_answers.get(slot, ())} for name, form in self.forms.items()
        }

    def mentions(self, item: LocatedMap) -> bool:
        """Whether a rule or story runs, resumes or ends one of the forms."""
        steps = [*_steps(item.get("condition")), *_steps(item.get("steps"))]
        return any(name_at(step, "action") in self.forms or name_at(step, "active_loop") in self.forms for step in steps)

    def take(self, item: LocatedMap, document: Document | None = None) -> None:
        """Learn the form's triggers and closing actions from one rule or story; the first
        rule or story that closes a form with actions gives them. With its ``document``,
        the questions asked inside the form too (``form_questions``)."""
        if document is not None:
            self.questions.take(item, document, set(self.forms), {name: set(form.triggers) for name, form in self.forms.items()})
        active = next((name_at(step, "active_loop") for step in _steps(item.get("condition")) if name_at(step, "active_loop") in self.forms), None)
        intents: tuple[str, ...] = ()
        closed: str | None = None  # the form just completed: the next actions follow it
        after: dict[str, list[str]] = {}
        previous: str | None = None  # the last action before the current intent
        last: str | None = None  # the last action so far
        acted = False  # an action since the current intent
        since: list[str] = []  # the actions since the current intent
        first_turn = True
        stopping: tuple[str, Mark] | None = None  # the form this turn deactivates, and where
        stopped: list[str] | None = None  # the actions after that, as they come
        steps = _steps(item.get("steps"))
        digressions = _interruptions(steps, set(self.forms), active)
        for index, step in enumerate(steps):
            if intents_of(step):
                first_turn = not intents
                intents, closed, previous, stopping, stopped, acted, since = intents_of(step), None, last, None, None, False, []
                if active is not None and id(step) not in digressions and not _deactivates_at_once(item, step):
                    self.answer_intents.update(intents)
            elif name_at(step, "action") == _DEACTIVATE and active is not None and not acted and previous in (None, active):
                stopping = (active, step.mark)  # "stop" answered by deactivating the form it interrupted
            elif "active_loop" in step:
                if step["active_loop"] is None and stopping is not None:
                    active, stopped = None, []
                    for intent in intents:
                        self.forms[stopping[0]].stops.setdefault(intent, (stopping[1], stopped))
                elif step["active_loop"] is None and active is not None:
                    closed, active = active, None
                    after.setdefault(closed, [])
                elif name_at(step, "active_loop") in self.forms:
                    active = name_at(step, "active_loop")
            elif name_at(step, "action") in self.forms:
                form = name_at(step, "action")
                starts = active != form and closed is None  # not a turn inside the running form
                if starts:
                    at_start = bool(item.get("conversation_start")) and first_turn
                    self._started(self.forms[form], intents, since, _start_guard(intents, previous, at_start), step.mark)
                if starts and not _activated(steps, index, form):
                    closed = form  # no `active_loop: F` after it: in this story the form ran to its end
                    after.setdefault(closed, [])
                else:
                    active = form
            elif name_at(step, "action") and stopped is not None and name_at(step, "action") not in _NOT_AFTER:
                stopped.append(name_at(step, "action"))
            elif name_at(step, "action") and closed is not None and name_at(step, "action") not in _NOT_AFTER:
                after[closed].append(name_at(step, "action"))
            last = name_at(step, "action") or last
            acted = acted or bool(name_at(step, "action"))
            if name_at(step, "action") and name_at(step, "action") not in self.forms and name_at(step, "action") != "action_listen":
                since.append(name_at(step, "action"))
        for name, actions in after.items():
            if actions and not self.forms[name].after:
                self.forms[name].after = actions

    @staticmethod
    def _started(form: _Form, intents: tuple[str, ...], lead: list[str], guard: str | None, mark: Mark) -> None:
        """``intents`` start ``form``: directly, or after ``lead`` actions ("order" -> ``utter_greet``
        -> the form), or only where ``guard`` holds (``_starter_flows``)."""
        for intent in intents:
            if lead or guard:
                form.lead_ins.setdefault(intent, (list(lead), guard, mark))
            elif intent not in form.triggers:
                form.triggers.append(intent)

    def interruption(self, rule: LocatedMap) -> list[LocatedMap] | None:
        """The steps "intent, then actions" of a rule that answers an intent while a form runs
        (``condition: [active_loop: F]``, then the intent, its actions and ``action: F``);
        here that is a digression: a flow the form resumes after. None for other rules."""
        active = [name_at(step, "active_loop") for step in _steps(rule.get("condition")) if name_at(step, "active_loop") in self.forms]
        steps = _steps(rule.get("steps"))
        if not active or not steps or not intents_of(steps[0]):
            return None
        actions = []
        for step in steps[1:]:
            if name_at(step, "action") == active[0]:
                return [steps[0], *actions] if actions else None
            if not name_at(step, "action") or name_at(step, "action") in self.forms:
                return None
            actions.append(step)
        return None

    def plain_steps(self, steps: Any) -> list[Any]:
        """A story's steps without the form parts: the turn that starts a form, the turns
        inside it and the actions after it belong to the form's flow. A digression inside
        the form (an intent answered by other actions, then the form again) stays."""
        plain: list[Any] = []
        in_form = after_form = digressing = False
        digressions = _interruptions(_steps(steps), set(self.forms), None)
        listed = [step for step in steps if isinstance(step, dict)] if isinstance(steps, list) else []
        for index, step in enumerate(listed):
            if intents_of(step):
                after_form, digressing = False, id(step) in digressions
                plain.append(step)
            elif "active_loop" in step:
                in_form, after_form = step["active_loop"] is not None, step["active_loop"] is None
            elif name_at(step, "action") in self.forms:
                if plain and intents_of(plain[-1]) and not digressing:
                    plain.pop()  # that turn starts (or answers) the form
                ran_through = not in_form and not _activated(listed, index, name_at(step, "action"))
                in_form, after_form, digressing = not ran_through, ran_through, False  # ran through: to its end in this story
            elif digressing or not (in_form or after_form):
                plain.append(step)
        return plain

    def flows(self, reporter: Reporter) -> Iterator[Document]:
        """One flow per form that some rule or story starts; a warning for each other form."""
        for name, form in self.forms.items():
            report = reporter.file(form.document.path)
            if not (form.triggers or form.lead_ins) or not form.required_slots:
                why = "no rule or story starts it" if not (form.triggers or form.lead_ins) else "it has no required_slots"
                report.warn(form.mark, f"form '{name}' is not run here: {why}; write a flow with collect steps in flows.yml")
                continue
            fills = fill_steps(name, form.triggers, self._trigger_fills, form.mark)
            steps: list[Step] = list(fills)
            for slot in form.required_slots:
                collect: dict[str, Any] = {"collect": slot}
                if fills and len(steps) == len(fills):
                    collect["id"] = FIRST_QUESTION  # where the from_trigger_intent fills go on
                if self._question(name, slot) != f"utter_ask_{slot}":
                    collect["utter"] = self._question(name, slot)
                elif f"utter_ask_{slot}" not in self._responses:
                    self._ask_anyway(name, slot, form, report)
                steps.append((collect, form.mark))
            # Every value points at the form in domain.yml: its triggers and closing actions
            # come from rules and stories in other files.
            steps += [({"action": action}, form.mark) for action in form.after]
            flow_id = f"{FORM_FLOW_PREFIX}{name}"
            told = f"form '{name}' runs as the flow {flow_id}: collect {', '.join(form.required_slots)}"
            told += f", then {', '.join(form.after)}" if form.after else ""
            starts = [*form.triggers, *(f"{intent} ({'; '.join(filter(None, [', '.join(lead) and 'saying ' + ', '.join(lead) + ' first', guard and 'if ' + guard]))})"
                                          for intent, (lead, guard, _) in form.lead_ins.items() if intent not in form.triggers or guard)]
            told += f"; started by {', '.join(starts)}"
            stops = [intent for intent in form.stops if intent not in self.questions.answering.get(name, set())]
            told += f"; stopped by {', '.join(stops)}" if stops else ""
            if f"validate_{name}" in self._validators:
                told += f"; validate_{name} checks each answer when the action server or actions.py has it"
            report.warn(form.mark, told)
            # As in Rasa, a form's slots keep their values once it ends (or is cancelled).
            yield flow_document(form.document, flow_id, f"Rasa form: {name}", form.triggers, form.mark, steps, form.mark, form.required_slots)
        running = {name for name, form in self.forms.items() if (form.triggers or form.lead_ins) and form.required_slots}
        yield from self._stop_flows(running, reporter)
        yield from self._starter_flows(running)
        yield from self.questions.flows(FORM_FLOW_PREFIX, running, reporter)
        for fill in unused_fills(self._trigger_fills, {name: form.triggers for name, form in self.forms.items() if form.required_slots}):
            starts = ", ".join(fill.intents) or "an intent"
            reporter.file(fill.path).warn(
                fill.mark, f"slot '{fill.slot}': from_trigger_intent mapping sets nothing: no form it applies to is started by {starts}"
            )

    def _starter_flows(self, running: set[str]) -> Iterator[Document]:
        """A rule or story that says something before the form starts ("order" -> ``utter_greet``
        -> ``pizza_form``), or starts it only at a conversation's start: a flow that says those
        actions, then links to the form's flow."""
        for name in sorted(running):
            form = self.forms[name]
            for intent, (lead, guard, mark) in form.lead_ins.items():
                if intent in form.triggers and not guard:
                    continue  # another rule or story starts the form on it directly
                steps: list[Step] = [({"action": action}, mark) for action in lead]
                steps.append(({"link": FORM_FLOW_PREFIX + name}, mark))
                description = f"Rasa rules: '{intent}' starts {name}" + (f" after {', '.join(lead)}" if lead else "")
                yield flow_document(form.document, f"start_{name}_on_{slug(intent)}", description, [intent], mark, steps, mark, guard=guard)

    def _stop_flows(self, running: set[str], reporter: Reporter) -> Iterator[Document]:
        """Rasa's "stop the form" rule (``condition: active_loop: F``, the intent,
        ``action_deactivate_loop``, ``active_loop: null``, then its actions): a flow the
        intent triggers while the form's flow runs (its guard), which says those actions and
        cancels the form. An intent that also fills one of the form's slots answers it instead."""
        for name in sorted(running):
            form = self.forms[name]
            for intent, (mark, actions) in form.stops.items():
                if intent in self.questions.answering.get(name, set()):
                    reporter.file(form.document.path).warn(
                        mark, f"'{intent}' deactivates form '{name}' in a rule or story, but it also fills one of its slots, which wins here"
                    )
                    continue
                steps: list[Step] = [({"action": action}, mark) for action in actions]
                steps.append(({"action": _DEACTIVATE}, mark))
                guard = f"context.active_flow == {FORM_FLOW_PREFIX + name!r}"
                description = f"Rasa rules: '{intent}' while {name} runs deactivates it"
                yield flow_document(form.document, f"stop_{name}_on_{slug(intent)}", description, [intent], mark, steps, mark, guard=guard)

    def _ask_anyway(self, name: str, slot: str, form: _Form, report: FileReport) -> None:
        """A form slot with no question of its own: Rasa would ask nothing (and wait); here a
        plain question made from the slot's name is declared, with a warning that says so."""
        question = f"utter_ask_{slot}"
        if question in self.unasked:
            return
        text = f"Please tell me the {slot.replace('_', ' ')}."
        report.warn(
            form.mark,
            f"form '{name}' has no question for slot '{slot}' (utter_ask_{name}_{slot}, utter_ask_{slot} or action_ask_{slot}); "
            f"Rasa would ask nothing, here it asks {text!r}: add utter_ask_{slot} to responses",
        )
        data = located({"responses": {question: [{"text": text}]}}, form.mark)
        self.unasked[question] = Document(form.document.path, data, form.document.lines)

    def _question(self, form: str, slot: str) -> str:
        """What asks for ``slot``, searched in Rasa's order: a custom action or a response for
        this form, then for any form (the collect step's default when none exists)."""
        for name, known in ((f"action_ask_{form}_{slot}", self._actions), (f"utter_ask_{form}_{slot}", self._responses),
                            (f"action_ask_{slot}", self._actions)):
            if name in known:
                return name
        return f"utter_ask_{slot}"


def _from_intent_answers(slots: Any) -> dict[str, set[str]]:
    """slot -> the intents its ``from_intent`` mappings take (malformed parts name nothing)."""
    found: dict[str, set[str]] = {}
    for name, slot in slots.items() if isinstance(slots, dict) else ():
        mappings = slot.get("mappings") if isinstance(slot, dict) else None
        for mapping in mappings if isinstance(mappings, list) else ():
            intents = mapping.get("intent") if isinstance(mapping, dict) and mapping.get("type") == "from_intent" else None
            intents = [intents] if isinstance(intents, str) else intents if isinstance(intents, list) else []
            found.setdefault(str(name), set()).update(str(intent) for intent in intents)
    return found


def _start_guard(intents: tuple[str, ...], previous: str | None, at_start: bool) -> str | None:
    """When a form's start is limited: a ``conversation_start`` rule only before the bot has
    acted; a yes or no only right after the bot action it answers ("affirm" after
    ``utter_offer_booking``: a "yes" out of the blue starts nothing)."""
    if at_start:
        return "context.latest_action is none"
    if previous and set(intents) & {AFFIRM_INTENT, DENY_INTENT}:
        return f"context.latest_action == {previous!r}"
    return None


def _deactivates_at_once(item: LocatedMap, intent_step: Any) -> bool:
    """Whether the step after ``intent_step`` in ``item`` deactivates the form ("stop" -> stopped)."""
    steps = _steps(item.get("steps"))
    index = next((i for i, step in enumerate(steps) if step is intent_step), len(steps))
    return index + 1 < len(steps) and name_at(steps[index + 1], "action") == _DEACTIVATE


def _interruptions(steps: list[LocatedMap], forms: set[str], active: str | None) -> set[int]:
    """The ``id`` of each intent step that interrupts a running form: answered by other
    actions, after which the same form runs again (Rasa's "unhappy path": ``help`` ->
    ``utter_help`` -> ``restaurant_form``). A turn the form itself answers is not one."""
    found: set[int] = set()
    for index, step in enumerate(steps):
        if "active_loop" in step:
            active = name_at(step, "active_loop") if name_at(step, "active_loop") in forms else None
        elif name_at(step, "action") in forms:
            active = name_at(step, "action")
        elif intents_of(step) and active is not None:
            for answers, later in enumerate(steps[index + 1 :]):
                action = name_at(later, "action")
                if action == active and answers:
                    found.add(id(step))
                if not action or action in forms:
                    break
    return found


def _required_slots(form: Any) -> list[str]:
    """Rasa 3 lists them; Rasa 2 maps each to its slot mappings."""
    slots = form.get("required_slots") if isinstance(form, dict) else None
    return [str(slot) for slot in slots] if isinstance(slots, (list, dict)) else []


def _activated(steps: list[Any], index: int, form: str | None) -> bool:
    """Whether the form action at ``index`` is followed by ``active_loop: <form>``: the story
    shows the form running. Without it (``- action: search_form``, then the next intent),
    Rasa's tracker has no active loop after the action: the form ran to its end there."""
    following = steps[index + 1] if index + 1 < len(steps) else None
    return isinstance(following, dict) and "active_loop" in following and following["active_loop"] == form


def _steps(value: Any) -> list[LocatedMap]:
    return [step for step in value if isinstance(step, dict)] if isinstance(value, list) else []


def _names(section: Any) -> list[Any]:
    """The entries of a domain section written as a list or a mapping (else none)."""
    return list(section) if isinstance(section, (list, dict)) else []
