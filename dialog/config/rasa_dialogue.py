"""A Rasa project's ``rules:`` and ``stories:`` run as flows, so a ``rasa init`` bot answers here.

Rasa learns its dialogue from rules and stories; here flows run it. What carries over
without guessing is "this intent is answered by these actions":

- A rule with one user intent (or an ``or:`` of intents) and the actions after it
  becomes a flow ``rule_<name>`` triggered by that intent. Rules with a ``condition``,
  forms (``active_loop``), a second user turn, ``nlu_fallback`` (the LLM fallback
  answers those turns here) or a Rasa-only built-in action are left out, each with a
  warning; ``action_default_fallback`` is ``utter_default``, as in Rasa.
- Stories are cut at each user intent. An intent that every story (and no rule)
  answers with the same actions becomes a flow ``story_<intent>``. When stories answer
  it differently, the choice depends on the conversation so far, which only a flow
  with a ``collect`` step can say: that intent is left out, with a warning naming the
  stories. A story that needs what a rule cannot have (a form ...) is left out whole.

The flows are built as YAML-shaped data marked with the rule's or story's lines, so
``parse_flows`` checks them like any flow and its errors point into rules.yml or
stories.yml. Slot events (``slot_was_set``) and checkpoints are records here, not steps.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterator

from dialog.config.files import Document
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


def flows_from_rules_and_stories(documents: list[Document], reporter: Reporter) -> list[Document]:
    """Flows documents for the rules and stories of NLU-side ``documents``."""
    flows: list[Document] = []
    ruled: set[str] = set()
    for document in documents:
        if isinstance(document.data, dict) and "rules" in document.data:
            flows.extend(_rule_flows(document, reporter.file(document.path), ruled))
    replies: dict[str, list[_Reply]] = {}
    for document in documents:
        if isinstance(document.data, dict) and "stories" in document.data:
            _collect_story_replies(document, reporter.file(document.path), replies)
    flows.extend(_story_flows(replies, ruled, reporter))
    return flows


def _rule_flows(document: Document, report: FileReport, ruled: set[str]) -> Iterator[Document]:
    data = document.data
    rules = report.sequence(data["rules"], data.value_mark("rules"), "'rules'") or []
    converted: list[str] = []
    for rule in report.mappings(rules, data.value_mark("rules"), "'rules'", "each rule"):
        name = str(rule.get("rule", f"line {rule.mark[0]}"))
        why_not = _why_not_a_flow(rule)
        turns = [] if why_not else _turns(rule, report, f"rule '{name}'")
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
        yield _flow_document(document, flow_id, f"Rasa rule: {name}", turns[0], rule.mark)
    if converted:
        report.warn(data.key_mark("rules"), f"rules run as flows triggered by their intent: {', '.join(converted)}")


def _why_not_a_flow(item: LocatedMap) -> str:
    """Why a rule or story needs Rasa's machinery (empty if it does not)."""
    if "condition" in item:
        return f"flows cannot yet start on a 'condition'{_WRITE_A_FLOW}"
    steps = item.get("steps")
    steps = [step for step in steps if isinstance(step, dict)] if isinstance(steps, list) else []
    if any("active_loop" in step for step in steps):
        return "forms ('active_loop') are flows with collect steps here; write one in flows.yml"
    if any("nlu_fallback" in _intents_of(step) for step in steps):
        return "a turn the NLU is unsure of ('nlu_fallback') goes to the LLM fallback here (utter_default without one)"
    rasa_only = sorted({str(step["action"]) for step in steps if "action" in step} & _RASA_ONLY_ACTIONS)
    if rasa_only:
        return f"Rasa's {', '.join(rasa_only)} has no counterpart here{_WRITE_A_FLOW}"
    return ""


def _collect_story_replies(document: Document, report: FileReport, replies: dict[str, list[_Reply]]) -> None:
    data = document.data
    stories = report.sequence(data["stories"], data.value_mark("stories"), "'stories'") or []
    for story in report.mappings(stories, data.value_mark("stories"), "'stories'", "each story"):
        name = str(story.get("story", f"line {story.mark[0]}"))
        why_not = _why_not_a_flow(story)
        if why_not:
            report.warn(story.mark, f"story '{name}' is not run here: {why_not}")
            continue
        for turn in _turns(story, report, f"story '{name}'"):
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
            continue  # a rule answers it, as in Rasa, where rules win over stories
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
            flow_id = f"story_{_slug(intent)}"
            converted.setdefault(reply.document.path, (reply.document, []))[1].append(flow_id)
            turn = _Turn((intent,), reply.marks[0][1], reply.marks)
            yield _flow_document(reply.document, flow_id, f"Rasa stories: {', '.join(reply.story_names)}", turn, turn.mark)
    for document, flow_ids in converted.values():
        reporter.file(document.path).warn(
            document.data.key_mark("stories"), f"stories run as flows, one per intent they answer the same way: {', '.join(flow_ids)}"
        )


def _turns(item: LocatedMap, report: FileReport, what: str) -> list[_Turn]:
    """The user turns of a rule or story; actions before the first intent are dropped."""
    steps = report.sequence(item.get("steps"), item.value_mark("steps"), f"{what}: 'steps'") or []
    turns: list[_Turn] = []
    for index, step in enumerate(steps):
        mark = steps.item_mark(index)
        if not isinstance(step, dict):
            report.warn(mark, f"{what}: a step is a mapping such as 'intent: greet' or 'action: utter_greet'; skipped")
            continue
        intents = _intents_of(step)
        if intents:
            turns.append(_Turn(intents, mark))
        elif "action" in step and turns:
            action = _ACTION_ALIASES.get(str(step["action"]), str(step["action"]))
            if action not in _SKIPPED_ACTIONS:
                turns[-1].actions.append((action, step.value_mark("action")))
        elif "user" in step:
            report.warn(mark, f"{what}: a 'user' text step has no intent to trigger on; the turn is skipped")
            turns.append(_Turn((), mark))  # its actions answer no intent
    return [turn for turn in turns if turn.intents]


def _intents_of(step: LocatedMap) -> tuple[str, ...]:
    if "intent" in step:
        return (str(step["intent"]),)
    alternatives = step.get("or")
    if isinstance(alternatives, list):
        return tuple(str(option["intent"]) for option in alternatives if isinstance(option, dict) and "intent" in option)
    return ()


def _flow_document(source: Document, flow_id: str, description: str, turn: _Turn, mark: Mark) -> Document:
    """A flows file (as YAML data) with one flow, marked with the rule's or story's lines."""
    steps = _located_list([_located({"action": action}, action_mark) for action, action_mark in turn.actions], mark)
    trigger = _located_list(list(turn.intents), turn.mark)
    flow = _located({"description": description, "nlu_trigger": trigger, "steps": steps}, mark)
    return Document(source.path, _located({"flows": _located({flow_id: flow}, mark)}, mark), source.lines)


def _located(values: dict[str, Any], mark: Mark) -> LocatedMap:
    result = LocatedMap(values)
    result.mark = mark
    for key in values:
        result.key_marks[key] = result.value_marks[key] = getattr(values[key], "mark", mark)
    return result


def _located_list(items: list[Any], mark: Mark) -> LocatedList:
    result = LocatedList(items)
    result.mark = mark
    result.item_marks = [getattr(item, "mark", mark) for item in items]
    return result


def _flow_id(prefix: str, name: str, taken: list[str]) -> str:
    base = f"{prefix}_{_slug(name)}"
    flow_id, number = base, 2
    while flow_id in taken:
        flow_id, number = f"{base}_{number}", number + 1
    return flow_id


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")[:60] or "unnamed"
