"""A Rasa project's ``rules:`` and ``stories:`` run as flows, so a ``rasa init`` bot answers here.

Rasa learns its dialogue from rules and stories; here flows run it. What carries over
without guessing is "this intent is answered by these actions":

- A rule with one user intent (or an ``or:`` of intents) and the actions after it
  becomes a flow ``rule_<name>`` triggered by that intent. Rules with a ``condition``,
  a second user turn, ``nlu_fallback`` (the LLM fallback answers those turns here) or
  a Rasa-only built-in action are left out, each with a warning;
  ``action_default_fallback`` is ``utter_default``, as in Rasa.
- Stories are cut at each user intent. An intent that every story (and no rule)
  answers with the same actions becomes a flow ``story_<intent>``, unless it also
  answers a form's questions (a flow it triggered would interrupt the form). When
  stories answer it differently, the choice depends on the conversation so far, which
  only a flow with a ``collect`` step can say: that intent is left out, with a warning
  naming the stories.
- Rules and stories that run a form go to ``forms``, which makes the form's flow.

The flows are built as YAML-shaped data marked with the rule's or story's lines, so
``parse_flows`` checks them like any flow and its errors point into rules.yml or
stories.yml. Slot events (``slot_was_set``) and checkpoints are records here, not steps.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator

from dialog.config.files import Document
from dialog.config.rasa.flow_yaml import flow_document, intents_of, name_at, slug
from dialog.config.rasa.forms import RasaForms
from dialog.config.schema import FileReport, Reporter
from dialog.config.yaml_reader import LocatedList, LocatedMap, Mark

__all__ = ["flows_from_rules_and_stories"]

# Rasa's built-in actions: those with a meaning here, those that do nothing here, and
# those whose rule or story cannot run without Rasa's machinery behind them.
_WRITE_A_FLOW = "; write it as a flow in flows.yml"
_ACTION_ALIASES = {"action_default_fallback": "utter_default"}  # Rasa utters utter_default too
_SKIPPED_ACTIONS = {"action_listen", "action_session_start"}  # a flow waits for the user after its steps
_RASA_ONLY_ACTIONS = {
    "action_back",
    "action_deactivate_loop",
    "action_default_ask_affirmation",
    "action_default_ask_rephrase",
    "action_extract_slots",
    "action_two_stage_fallback",
    "action_unlikely_intent",
    "action_validate_slot_mappings",
}


@dataclass
class _Turn:
    """One user intent (or several, from ``or:``) and the actions that answer it."""

    intents: tuple[str, ...]
    mark: Mark
    actions: list[tuple[str, Mark]] = field(default_factory=list)


@dataclass
class _Reply:
    """How the stories answer one intent: the actions, and where it was first seen."""

    actions: tuple[str, ...]
    marks: list[tuple[str, Mark]]  # action names and marks of the first story that has it
    story_names: list[str]
    document: Document


def flows_from_rules_and_stories(documents: list[Document], domain_documents: list[Document], reporter: Reporter) -> list[Document]:
    """Flows documents for the rules and stories of NLU-side ``documents`` and for the
    forms of ``domain_documents`` that they start (``forms``)."""
    forms = RasaForms(domain_documents)
    flows: list[Document] = []
    ruled: set[str] = set()
    for document in documents:
        if isinstance(document.data, dict) and "rules" in document.data:
            flows.extend(_rule_flows(document, reporter.file(document.path), ruled, forms))
    replies: dict[str, list[_Reply]] = {}
    for document in documents:
        if isinstance(document.data, dict) and "stories" in document.data:
            _collect_story_replies(document, reporter.file(document.path), replies, forms)
    flows.extend(_story_flows(replies, ruled | forms.answer_intents, reporter))
    flows.extend(forms.flows(reporter))
    return flows


def _rule_flows(document: Document, report: FileReport, ruled: set[str], forms: RasaForms) -> Iterator[Document]:
    data = document.data
    rules = report.sequence(data["rules"], data.value_mark("rules"), "'rules'") or []
    converted: list[str] = []
    for rule in report.mappings(rules, data.value_mark("rules"), "'rules'", "each rule"):
        name = str(rule.get("rule", f"line {rule.mark[0]}"))
        if forms.mentions(rule):
            forms.take(rule)
            continue
        why_not = _why_not_a_flow(rule.get("steps"), rule)
        turns = [] if why_not else _turns(rule.get("steps"), report, f"rule '{name}'")
        if not why_not and len(turns) != 1:
            why_not = ("it has no user intent" if not turns else "it spans several user turns") + _WRITE_A_FLOW
        if not why_not and not turns[0].actions:
            why_not = f"no action follows its intent{_WRITE_A_FLOW}"
        if why_not:
            report.warn(rule.mark, f"rule '{name}' is not run here: {why_not}")
            continue
        flow_id = _flow_id("rule", name, converted)
        converted.append(flow_id)
        ruled.update(turns[0].intents)
        yield _turn_flow(document, flow_id, f"Rasa rule: {name}", turns[0], rule.mark)
    if converted:
        report.warn(data.key_mark("rules"), f"rules run as flows triggered by their intent: {', '.join(converted)}")


def _why_not_a_flow(steps: Any, item: LocatedMap) -> str:
    """Why a rule or story needs Rasa's machinery (empty if it does not)."""
    if "condition" in item:
        return f"flows cannot yet start on a 'condition'{_WRITE_A_FLOW}"
    steps = [step for step in steps if isinstance(step, dict)] if isinstance(steps, list) else []
    if any("active_loop" in step for step in steps):
        return "its form ('active_loop') is not among domain.yml's forms; declare it there, or write a flow in flows.yml"
    if any("nlu_fallback" in intents_of(step) for step in steps):
        return "a turn the NLU is unsure of ('nlu_fallback') goes to the LLM fallback here (utter_default without one)"
    rasa_only = sorted({name_at(step, "action") for step in steps} & _RASA_ONLY_ACTIONS)
    if rasa_only:
        return f"Rasa's {', '.join(rasa_only)} has no counterpart here{_WRITE_A_FLOW}"
    return ""


def _collect_story_replies(document: Document, report: FileReport, replies: dict[str, list[_Reply]], forms: RasaForms) -> None:
    data = document.data
    stories = report.sequence(data["stories"], data.value_mark("stories"), "'stories'") or []
    for story in report.mappings(stories, data.value_mark("stories"), "'stories'", "each story"):
        name = str(story.get("story", f"line {story.mark[0]}"))
        steps = story.get("steps")
        if forms.mentions(story):
            forms.take(story)
            steps = forms.plain_steps(steps)
        why_not = _why_not_a_flow(steps, story)
        if why_not:
            report.warn(story.mark, f"story '{name}' is not run here: {why_not}")
            continue
        for turn in _turns(steps, report, f"story '{name}'"):
            actions = tuple(action for action, _ in turn.actions)
            for intent in turn.intents:
                known = next((reply for reply in replies.setdefault(intent, []) if reply.actions == actions), None)
                if known is None:
                    replies[intent].append(_Reply(actions, list(turn.actions), [name], document))
                elif name not in known.story_names:
                    known.story_names.append(name)


def _story_flows(replies: dict[str, list[_Reply]], ruled: set[str], reporter: Reporter) -> Iterator[Document]:
    converted: dict[str, tuple[Document, list[str]]] = {}  # file -> (its document, flow ids)
    for intent, answers in replies.items():
        if intent in ruled:
            continue  # a rule answers it (rules win over stories, as in Rasa), or it answers a form
        answers = [answer for answer in answers if answer.actions]
        if len(answers) > 1:
            first = answers[0]
            told = "; ".join(f"{', '.join(a.actions)} in '{a.story_names[0]}'" for a in answers[:3])
            reporter.file(first.document.path).warn(
                first.marks[0][1],
                f"stories answer intent '{intent}' in different ways ({told}): which one depends on the "
                "conversation so far, which a flow expresses with a collect step; not run here",
            )
            continue
        if answers:
            reply = answers[0]
            flow_id = f"story_{slug(intent)}"
            converted.setdefault(reply.document.path, (reply.document, []))[1].append(flow_id)
            turn = _Turn((intent,), reply.marks[0][1], reply.marks)
            yield _turn_flow(reply.document, flow_id, f"Rasa stories: {', '.join(reply.story_names)}", turn, turn.mark)
    for document, flow_ids in converted.values():
        reporter.file(document.path).warn(
            document.data.key_mark("stories"), f"stories run as flows, one per intent they answer the same way: {', '.join(flow_ids)}"
        )


def _turns(steps: Any, report: FileReport, what: str) -> list[_Turn]:
    """The user turns of a rule's or story's steps; actions before the first intent are dropped."""
    steps = steps if isinstance(steps, list) else []
    turns: list[_Turn] = []
    for index, step in enumerate(steps):
        mark = steps.item_mark(index) if isinstance(steps, LocatedList) else step.mark
        if not isinstance(step, dict):
            report.warn(mark, f"{what}: a step is a mapping such as 'intent: greet' or 'action: utter_greet'; skipped")
            continue
        intents = intents_of(step)
        if intents:
            turns.append(_Turn(intents, mark))
        elif "action" in step and turns:
            action = _ACTION_ALIASES.get(name_at(step, "action"), name_at(step, "action"))
            if not action:
                report.warn(step.value_mark("action"), f"{what}: 'action' must be an action or response name; skipped")
            elif action not in _SKIPPED_ACTIONS:
                turns[-1].actions.append((action, step.value_mark("action")))
        elif "user" in step:
            report.warn(mark, f"{what}: a 'user' text step has no intent to trigger on; the turn is skipped")
            turns.append(_Turn((), mark))  # its actions answer no intent
    return [turn for turn in turns if turn.intents]


def _turn_flow(source: Document, flow_id: str, description: str, turn: _Turn, mark: Mark) -> Document:
    steps = [({"action": action}, action_mark) for action, action_mark in turn.actions]
    return flow_document(source, flow_id, description, turn.intents, turn.mark, steps, mark)


def _flow_id(prefix: str, name: str, taken: list[str]) -> str:
    base = f"{prefix}_{slug(name)}"
    flow_id, number = base, 2
    while flow_id in taken:
        flow_id, number = f"{base}_{number}", number + 1
    return flow_id
