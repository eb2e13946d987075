"""A question a Rasa form's stories ask while it runs: "stop" -> "Do you want to continue?".

Rasa's formbot writes, inside a running form::

    - intent: stop
    - action: utter_ask_continue
    - intent: affirm            # or, in another story:  - intent: deny
    - action: restaurant_form   #                         - action: action_deactivate_loop

Here that is a flow triggered by ``stop`` while the form's flow is active (its guard):
it collects a yes/no slot ``continue_<form>`` with ``utter_ask_continue``; the
intents that go on with the form set it true, so the flow ends and the form resumes
and asks again; the intents followed by ``action_deactivate_loop`` set it false, and
the flow runs that action, which cancels the form. The slot is declared here, as a
domain document, so the checks and the slot filling know it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dialog.builtin_names import BUILTIN_ACTIONS
from dialog.config.files import Document
from dialog.config.rasa.flow_yaml import (
    Step,
    flow_document,
    intents_of,
    located,
    name_at,
    slug,
)
from dialog.config.schema import Reporter
from dialog.config.yaml_reader import LocatedMap, Mark

__all__ = ["FormQuestions"]

_DEACTIVATE = "action_deactivate_loop"


@dataclass
class _Question:
    """What the stories do after ``intent`` interrupts ``form``."""

    form: str
    intent: str
    actions: list[str]
    document: Document
    mark: Mark
    go_on: set[str] = field(default_factory=set)  # intents after which the form continues
    give_up: set[str] = field(default_factory=set)  # intents after which it is deactivated


class FormQuestions:
    """Reads the questions from rules and stories (``take``) and makes their flows."""

    def __init__(self) -> None:
        self._questions: dict[tuple[str, str], _Question] = {}
        self.answering: dict[str, set[str]] = {}  # form -> intents a from_intent mapping of its slots takes

    def take(self, item: LocatedMap, document: Document, forms: set[str], triggers: dict[str, set[str]]) -> None:
        """Learn from one rule or story; ``triggers``: the intents that start each form."""
        active = next((name_at(step, "active_loop") for step in _steps(item.get("condition")) if name_at(step, "active_loop") in forms), None)
        asked: list[_Question] = []
        for intents, mark, steps in _turns(_steps(item.get("steps"))):
            actions = [name_at(step, "action") for step in steps if name_at(step, "action")]
            for question in asked:
                if actions and actions[0] == question.form:
                    question.go_on.update(intents)
                elif _DEACTIVATE in actions:
                    question.give_up.update(intents)
            asked = []
            # a built-in action ("restart" -> action_restart) asks nothing
            opens = actions and not forms & set(actions) and _DEACTIVATE not in actions and actions[-1] not in BUILTIN_ACTIONS
            if active is not None and opens and not set(intents) & triggers.get(active, set()):
                for intent in intents:
                    key = (active, intent)
                    self._questions.setdefault(key, _Question(active, intent, actions, document, mark))
                    asked.append(self._questions[key])
            for step in steps:
                if "active_loop" in step:
                    active = name_at(step, "active_loop") if name_at(step, "active_loop") in forms else None
                elif name_at(step, "action") in forms:
                    active = name_at(step, "action")

    def flows(self, flow_prefix: str, running: set[str], reporter: Reporter) -> list[Document]:
        """One flow per question whose answers the stories tell, for the ``running`` forms
        (those that became flows, with ids ``flow_prefix`` + form name). A question whose
        intent also answers one of the form's slots (``deny`` for a yes/no slot) is left
        out with a warning: that answer must not start it."""
        for question in self._questions.values():
            if question.form in running and not (question.go_on or question.give_up):
                reporter.file(question.document.path).warn(
                    question.mark,
                    f"stories answer '{question.intent}' inside form '{question.form}' with {', '.join(question.actions)}, and no "
                    "story says how the form goes on after it; not run here: write a flow, or a rule that goes back to the form",
                )
        for question in self._answered(running, self.answering, keep=False):
            reporter.file(question.document.path).warn(
                question.mark,
                f"stories answer '{question.intent}' inside form '{question.form}' with {', '.join(question.actions)}, but "
                f"'{question.intent}' also fills one of its slots, which wins here; write a flow to ask otherwise",
            )
        return [self._flow(question, flow_prefix) for question in self._answered(running, self.answering)]

    def slots(self, running: set[str]) -> list[Document]:
        """Domain documents declaring ``continue_<form>`` for each form with a question."""
        found: dict[str, Document] = {}
        for question in self._answered(running, self.answering):
            if question.form in found:
                continue
            answers = [q for q in self._questions.values() if q.form == question.form]
            go_on = sorted({intent for q in answers for intent in q.go_on})
            give_up = sorted({intent for q in answers for intent in q.give_up})
            mappings = [{"type": "from_intent", "intent": go_on, "value": True}] if go_on else []
            mappings += [{"type": "from_intent", "intent": give_up, "value": False}] if give_up else []
            slot = {"type": "bool", "influence_conversation": False, "mappings": mappings}
            data = located({"slots": {_slot(question.form): slot}}, question.mark)
            found[question.form] = Document(question.document.path, data, question.document.lines)
        return list(found.values())

    def _answered(self, running: set[str], answering: dict[str, set[str]], keep: bool = True) -> list[_Question]:
        """The questions of running forms whose answers the stories tell; ``keep``: those
        whose intent answers none of the form's slots (else: those that do)."""
        told = [q for q in self._questions.values() if q.form in running and (q.go_on or q.give_up)]
        return [q for q in told if (q.intent not in answering.get(q.form, set())) == keep]

    def _flow(self, question: _Question, flow_prefix: str) -> Document:
        slot = _slot(question.form)
        before, ask = question.actions[:-1], question.actions[-1]
        steps: list[Step] = [({"action": action}, question.mark) for action in before]
        collect: dict[str, Any] = {"collect": slot, "utter": ask, "ask_before_filling": True}
        if question.give_up:
            collect["next"] = [{"if": f"slots[{slot!r}] == false", "then": "deactivate"}, {"else": "END"}]
            steps += [(collect, question.mark), ({"id": "deactivate", "action": _DEACTIVATE}, question.mark)]
        else:
            steps.append((collect, question.mark))
        flow_id = f"ask_{slug(question.intent)}_in_{question.form}"
        description = f"Rasa stories: '{question.intent}' while {question.form} runs asks {ask}"
        guard = f"context.active_flow == {flow_prefix + question.form!r}"
        return flow_document(question.document, flow_id, description, [question.intent], question.mark, steps, question.mark, guard=guard)


def _slot(form: str) -> str:
    return f"continue_{form}"


def _turns(steps: list[LocatedMap]) -> list[tuple[tuple[str, ...], Mark, list[LocatedMap]]]:
    """(intents, mark, the steps after them) per user turn; steps before the first are a turn
    without intents (a rule's condition-only start)."""
    turns: list[tuple[tuple[str, ...], Mark, list[LocatedMap]]] = [((), (0, 0), [])]
    for step in steps:
        if intents_of(step):
            turns.append((intents_of(step), step.mark, []))
        else:
            turns[-1][2].append(step)
    return turns


def _steps(value: Any) -> list[LocatedMap]:
    return [step for step in value if isinstance(step, LocatedMap)] if isinstance(value, list) else []

