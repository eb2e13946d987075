"""A Rasa project's ``rules:`` and ``stories:`` run as flows, so a ``rasa init`` bot answers here.

Rasa learns its dialogue from rules and stories; here flows run it. What carries over
without guessing is "this intent is answered by these actions":

- A rule with one user intent (or an ``or:`` of intents) and the actions after it
  becomes a flow ``rule_<name>`` triggered by that intent (with ``conversation_start:
  true``, only while the bot has not acted yet; after an ``action`` step before the
  intent, only right after that action). Rules with a ``condition``,
  a second user turn, ``nlu_fallback`` (the LLM fallback answers those turns here) or
  a Rasa-only built-in action are left out, each with a warning;
  ``action_default_fallback`` is ``utter_default``, as in Rasa.
- Stories are cut at each user intent. An intent that every story (and no rule)
  answers with the same actions becomes a flow ``story_<intent>``, unless it also
  answers a form's questions (a flow it triggered would interrupt the form). When
  stories answer it differently, the choice depends on the conversation so far, which
  only a flow with a ``collect`` step can say: the actions they all start with run (what
  Rasa would predict first), and a warning names the stories.
- Rules and stories that run a form go to ``forms``, which makes the form's flow.
- A turn that answers a retrieval intent (``faq`` -> ``utter_faq``) becomes one flow
  per sub-intent (``retrieval``).
- End-to-end stories (``user:`` text with no intent, ``bot:`` text) read as the intent
  and response they stand for (``end_to_end``).

The flows are built as YAML-shaped data marked with the rule's or story's lines, so
``parse_flows`` checks them like any flow and its errors point into rules.yml or
stories.yml. Slot events (``slot_was_set``) and checkpoints are records here, not steps.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

from dialog.config.files import Document
from dialog.config.rasa.conditions import condition_guard
from dialog.config.rasa.end_to_end import TextTurn, bot_texts_as_actions, learnt_texts
from dialog.config.rasa.flow_yaml import flow_document, intents_of, name_at, slug
from dialog.config.rasa.forms import RasaForms
from dialog.config.rasa.ignored_intents import apply_ignored_intents
from dialog.config.rasa.retrieval import RetrievalIntents
from dialog.config.rasa.slot_rules import condition_slots, setting_intents, triggered_steps
from dialog.config.rasa.story_context import (
    NOTHING_BEFORE,
    StoryCheckpoints,
    guard_for,
    keyed_answers,
    latest_actions,
)
from dialog.config.rasa.story_slots import Fact, SlotFacts, slot_guards
from dialog.config.schema import FileReport, Reporter
from dialog.config.yaml_reader import LocatedList, LocatedMap, Mark

__all__ = ["RASA_DEFAULT_ACTIONS", "flows_from_rules_and_stories"]

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
    "action_revert_fallback_events",
    "action_two_stage_fallback",
    "action_unlikely_intent",
    "action_validate_slot_mappings",
}


_AT_START = "context.latest_action is none"  # a rule's `conversation_start: true`

# Every action Rasa knows without the domain listing it (a test story may name any).
RASA_DEFAULT_ACTIONS = frozenset({*_ACTION_ALIASES, *_SKIPPED_ACTIONS, *_RASA_ONLY_ACTIONS, "action_restart"})


@dataclass
class _Turn:
    """One user intent (or several, from ``or:``) and the actions that answer it."""

    intents: tuple[str, ...]
    mark: Mark
    actions: list[tuple[str, Mark]] = field(default_factory=list)
    previous: frozenset[str] = frozenset()  # the bot's latest action before it (story_context)
    text: str = ""  # an end-to-end user turn's text, when it has no intent
    facts: frozenset[Fact] = frozenset()  # the slots the story has set by then (story_slots)


@dataclass
class _Reply:
    """How the stories answer one intent: the actions, and where it was first seen."""

    actions: tuple[str, ...]
    marks: list[tuple[str, Mark]]  # action names and marks of the first story that has it
    story_names: list[str]
    document: Document
    previous: set[str] = field(default_factory=set)  # latest actions it follows, in any story
    facts: list[frozenset[Fact]] = field(default_factory=list)  # the slots set by each turn it answers


def flows_from_rules_and_stories(documents: list[Document], domain_documents: list[Document], reporter: Reporter) -> list[Document]:
    """Flows documents for the rules and stories of NLU-side ``documents`` and for the
    forms of ``domain_documents`` that they start (``forms``). The slots those flows
    need (``form_questions``) are appended to ``domain_documents``, and the end-to-end
    stories' user texts, as NLU examples, to ``documents``."""
    bot_texts_as_actions(documents, domain_documents, reporter)
    apply_ignored_intents(domain_documents)
    forms = RasaForms(domain_documents)
    retrieval = RetrievalIntents.read(documents, domain_documents)
    flows: list[Document] = []
    ruled: dict[str, tuple[str, ...]] = {}  # intent -> the actions its rule answers with

    def slot_setters(slots: list[str]) -> list[str]:  # the intents that can set these slots (slot_rules.py)
        return setting_intents(slots, domain_documents, documents)

    for document in documents:
        if isinstance(document.data, dict) and "rules" in document.data:
            flows.extend(_rule_flows(document, reporter.file(document.path), ruled, forms, retrieval, slot_setters))
    flows.sort(key=lambda flow: not _guarded(flow))  # a rule with a condition is tried before one without
    replies: dict[str, list[_Reply]] = {}
    checkpoints = StoryCheckpoints(documents)
    slot_facts = SlotFacts.read(domain_documents)
    texts: list[TextTurn] = []
    for document in documents:
        if isinstance(document.data, dict) and "stories" in document.data:
            _collect_story_replies(document, reporter.file(document.path), replies, forms, checkpoints, texts, slot_facts)
    answers = {intent: [(reply.actions, reply.previous) for reply in found] for intent, found in replies.items()}
    documents.extend(list(learnt_texts(texts, answers, reporter)))
    flows.extend(_story_flows(replies, ruled, forms.answer_intents, reporter, retrieval))
    flows.extend(forms.flows(reporter))
    running = {name for name, form in forms.forms.items() if form.triggers and form.required_slots}
    domain_documents.extend(forms.questions.slots(running))  # the yes/no slots of questions inside forms
    domain_documents.extend(forms.unasked.values())  # questions for form slots that have none
    return flows


def _rule_flows(
    document: Document,
    report: FileReport,
    ruled: dict[str, tuple[str, ...]],
    forms: RasaForms,
    retrieval: RetrievalIntents,
    slot_setters: Callable[[list[str]], list[str]],
) -> Iterator[Document]:
    data = document.data
    rules = report.sequence(data["rules"], data.value_mark("rules"), "'rules'") or []
    converted: list[str] = []
    for rule in report.mappings(rules, data.value_mark("rules"), "'rules'", "each rule"):
        name = str(rule.get("rule", f"line {rule.mark[0]}"))
        interruption = forms.interruption(rule)  # "chitchat while the form runs": a digression here
        if forms.mentions(rule):
            forms.take(rule, document)
            if interruption is None:
                continue
        guard, why_not = condition_guard(rule["condition"], forms.slots) if "condition" in rule and not interruption else (None, "")
        if rule.get("conversation_start") is True:  # only before the bot has done anything
            guard = f"({guard}) and {_AT_START}" if guard else _AT_START
        before = _action_before_intent(rule.get("steps")) if not interruption else ""
        if before:  # "action: utter_did_that_help, intent: affirm": only right after that action
            after = guard_for(frozenset({before}))
            guard = f"({guard}) and {after}" if guard else after
        why_not = why_not or ("" if interruption else _why_not_a_flow(rule.get("steps"), rule))
        turns = [] if why_not else _turns(interruption or rule.get("steps"), report, f"rule '{name}'")
        slot_rule = not why_not and not turns and guard is not None and not interruption
        if slot_rule:  # "when topic is company, utter_company": after a message that can set those slots
            slots = condition_slots(rule["condition"])
            setters = slot_setters(slots)
            if setters:
                turns = _turns(triggered_steps(rule, setters), report, f"rule '{name}'")
            else:
                why_not = f"no intent sets {', '.join(slots)} (no example annotates the entity its from_entity mapping reads){_WRITE_A_FLOW}"
        if not why_not and len(turns) != 1:
            why_not = ("it has no user intent" if not turns else "it spans several user turns") + _WRITE_A_FLOW
        if not why_not and not turns[0].actions:
            why_not = f"no action follows its intent{_WRITE_A_FLOW}"
        if why_not:
            report.warn(rule.mark, f"rule '{name}' is not run here: {why_not}")
            continue
        flow_id = _flow_id("rule", name, converted)
        converted.append(flow_id)
        if slot_rule:  # it answers its intents only when the slots hold: stories still may
            report.warn(rule.mark, f"rule '{name}' has no intent: it runs after a message of {', '.join(turns[0].intents)} when {guard}")
        else:
            ruled.update({intent: tuple(action for action, _ in turns[0].actions) for intent in turns[0].intents})
        yield from _turn_flows(document, report, flow_id, f"Rasa rule: {name}", turns[0], rule.mark, retrieval, guard)
    if converted:
        report.warn(data.key_mark("rules"), f"rules run as flows triggered by their intent: {', '.join(converted)}")


def _action_before_intent(steps: Any) -> str:
    """The bot's last action a rule names before its user intent ("" if none): Rasa applies
    such a rule only right after that action."""
    latest = ""
    for step in steps if isinstance(steps, list) else ():
        if intents_of(step):
            return latest
        action = _ACTION_ALIASES.get(name_at(step, "action"), name_at(step, "action"))
        if action and action not in _SKIPPED_ACTIONS:
            latest = action
    return ""


def _why_not_a_flow(steps: Any, item: LocatedMap) -> str:
    """Why a rule or story needs Rasa's machinery (empty if it does not); a rule's
    ``condition`` is read by ``condition_guard``."""
    steps = [step for step in steps if isinstance(step, dict)] if isinstance(steps, list) else []
    if any("active_loop" in step for step in steps):
        return "its form ('active_loop') is not among domain.yml's forms; declare it there, or write a flow in flows.yml"
    if any("nlu_fallback" in intents_of(step) for step in steps):
        return "a turn the NLU is unsure of ('nlu_fallback') goes to the LLM fallback here (utter_default without one)"
    rasa_only = sorted({name_at(step, "action") for step in steps} & _RASA_ONLY_ACTIONS)
    if rasa_only:
        return f"Rasa's {', '.join(rasa_only)} has no counterpart here{_WRITE_A_FLOW}"
    return ""


def _collect_story_replies(
    document: Document,
    report: FileReport,
    replies: dict[str, list[_Reply]],
    forms: RasaForms,
    checkpoints: StoryCheckpoints,
    texts: list[TextTurn],
    slot_facts: SlotFacts,
) -> None:
    data = document.data
    stories = report.sequence(data["stories"], data.value_mark("stories"), "'stories'") or []
    for story in report.mappings(stories, data.value_mark("stories"), "'stories'", "each story"):
        name = str(story.get("story", f"line {story.mark[0]}"))
        steps = story.get("steps")
        before = latest_actions(steps, checkpoints.before(story), _SKIPPED_ACTIONS)  # from every step, forms' too
        facts = slot_facts.at_user_turns(steps)
        if forms.mentions(story):
            forms.take(story, document)
            steps = forms.plain_steps(steps)
        why_not = _why_not_a_flow(steps, story)
        if why_not:
            report.warn(story.mark, f"story '{name}' is not run here: {why_not}")
            continue
        for turn in _turns(steps, report, f"story '{name}'", before, keep_texts=True, facts=facts):
            actions = tuple(action for action, _ in turn.actions)
            if turn.text:
                texts.append(TextTurn(turn.text, turn.previous, actions, turn.mark, document.path, name))
            for intent in turn.intents:
                known = next((reply for reply in replies.setdefault(intent, []) if reply.actions == actions), None)
                if known is None:
                    known = _Reply(actions, list(turn.actions), [name], document)
                    replies[intent].append(known)
                elif name not in known.story_names:
                    known.story_names.append(name)
                known.previous |= turn.previous
                known.facts.append(turn.facts)


def _story_flows(
    replies: dict[str, list[_Reply]], ruled: dict[str, tuple[str, ...]], form_answers: set[str], reporter: Reporter, retrieval: RetrievalIntents
) -> Iterator[Document]:
    converted: dict[str, tuple[Document, list[str]]] = {}  # file -> (its document, flow ids)
    for intent, answers in replies.items():
        answers = [answer for answer in answers if answer.actions]
        if intent in ruled or intent in form_answers:
            answers = [answer for answer in answers if answer.actions != ruled.get(intent)]  # the rule does the same
            _warn_unused(intent, answers, "a rule answers it, and rules win here as in Rasa" if intent in ruled else
                         "it answers a form's question in some story, and a flow it started would interrupt the form", reporter)
            continue
        keyed = len(answers) > 1 and keyed_answers([frozenset(answer.previous) for answer in answers])
        by_slot = slot_guards([answer.facts for answer in answers]) if len(answers) > 1 and not keyed else None
        if by_slot is not None:
            pairs = sorted(zip(by_slot, answers), key=lambda pair: pair[0] is None)  # the default last
            by_slot, answers = [guard for guard, _ in pairs], [answer for _, answer in pairs]
            told = "; ".join(f"{', '.join(answer.actions)} {'when ' + guard if guard else 'otherwise'}" for guard, answer in zip(by_slot, answers))
            reporter.file(answers[0].document.path).warn(answers[0].marks[0][1], f"stories answer intent '{intent}' as a slot says: {told}")
        elif len(answers) > 1 and not keyed:
            shared = _shared_start(answers)
            for answer in answers:  # each story that is not run whole is named
                told = f"{', '.join(answer.actions)} in {', '.join(repr(name) for name in answer.story_names)}"
                runs = f"only the actions they all start with run here ({', '.join(shared.actions)})" if shared else "not run here"
                reporter.file(answer.document.path).warn(
                    answer.marks[0][1],
                    f"stories answer intent '{intent}' in different ways, and the bot's action before it does not tell "
                    f"which ({told}); {runs}: write a flow with a collect step",
                )
            if shared is None:
                continue
            answers = [shared]  # as Rasa would predict first: what every story does next
        # Answers guarded by the action before them (or by a slot) first, so the default one is tried last.
        ordered = answers if by_slot is not None else sorted(answers, key=lambda answer: NOTHING_BEFORE in answer.previous)
        for index, reply in enumerate(ordered):
            if by_slot is not None:
                guard = by_slot[index]
                name = intent + (f"_when_{slug(guard.removeprefix('slots'))}" if guard else "")
            else:
                guard = guard_for(frozenset(reply.previous)) if keyed else None
                name = intent + (f"_after_{min(reply.previous)}" if guard else "")
            flow_id = _flow_id("story", name, [flow for _, flows in converted.values() for flow in flows])
            converted.setdefault(reply.document.path, (reply.document, []))[1].append(flow_id)
            turn = _Turn((intent,), reply.marks[0][1], reply.marks)
            description = f"Rasa stories: {', '.join(reply.story_names)}"
            report = reporter.file(reply.document.path)
            yield from _turn_flows(reply.document, report, flow_id, description, turn, turn.mark, retrieval, guard)
    for document, flow_ids in converted.values():
        reporter.file(document.path).warn(
            document.data.key_mark("stories"),
            f"stories run as flows, one per intent they answer the same way (or per action before it): {', '.join(flow_ids)}",
        )


def _shared_start(answers: list[_Reply]) -> _Reply | None:
    """The actions every one of ``answers`` starts with ("utter_num_of_rooms" of [utter_num_of_rooms,
    utter_room_type] and [utter_num_of_rooms]), as one reply; None when they start differently."""
    count = 0
    while all(len(answer.actions) > count for answer in answers) and len({answer.actions[count] for answer in answers}) == 1:
        count += 1
    if count == 0:
        return None
    first = answers[0]
    names = [name for answer in answers for name in answer.story_names]
    return _Reply(first.actions[:count], first.marks[:count], names, first.document, {p for answer in answers for p in answer.previous})


def _guarded(document: Document) -> bool:
    """Whether the one flow of a flows document built here has an ``if``."""
    return any("if" in flow for flow in document.data["flows"].values())


def _warn_unused(intent: str, answers: list[_Reply], why: str, reporter: Reporter) -> None:
    """Say which stories' answers to ``intent`` are not run (none go silently)."""
    for answer in answers:
        reporter.file(answer.document.path).warn(
            answer.marks[0][1],
            f"stories answer intent '{intent}' with {', '.join(answer.actions)} ({', '.join(repr(n) for n in answer.story_names)}), "
            f"which is not run here: {why}",
        )


def _turns(
    steps: Any,
    report: FileReport,
    what: str,
    before: dict[int, frozenset[str]] | None = None,
    keep_texts: bool = False,
    facts: dict[int, frozenset[Fact]] | None = None,
) -> list[_Turn]:
    """The user turns of a rule's or story's steps, each with the bot's action before it
    (``before``: see ``latest_actions``); actions before the first intent answer nothing.
    ``keep_texts``: a user text without an intent is a turn too (``end_to_end``)."""
    steps = steps if isinstance(steps, list) else []
    turns: list[_Turn] = []
    for index, step in enumerate(steps):
        mark = steps.item_mark(index) if isinstance(steps, LocatedList) else step.mark
        if not isinstance(step, dict):
            report.warn(mark, f"{what}: a step is a mapping such as 'intent: greet' or 'action: utter_greet'; skipped")
            continue
        intents = intents_of(step)
        if intents:
            turns.append(_Turn(intents, mark, previous=(before or {}).get(id(step), frozenset()), facts=(facts or {}).get(id(step), frozenset())))
        elif "action" in step and turns:
            action = _ACTION_ALIASES.get(name_at(step, "action"), name_at(step, "action"))
            if not action:
                report.warn(step.value_mark("action"), f"{what}: 'action' must be an action or response name; skipped")
            elif action not in _SKIPPED_ACTIONS:
                turns[-1].actions.append((action, step.value_mark("action")))
        elif "user" in step:
            text = step["user"].strip() if isinstance(step["user"], str) and keep_texts else ""
            if not text:
                report.warn(mark, f"{what}: a 'user' text step has no intent to trigger on; the turn is skipped")
            turns.append(_Turn((), mark, previous=(before or {}).get(id(step), frozenset()), text=text))  # its actions answer no intent
    return [turn for turn in turns if turn.intents or turn.text]


def _turn_flows(
    source: Document,
    report: FileReport,
    flow_id: str,
    description: str,
    turn: _Turn,
    mark: Mark,
    retrieval: RetrievalIntents,
    guard: str | None = None,
) -> Iterator[Document]:
    """The turn's flow, or one per sub-intent of a retrieval intent it answers (``retrieval``)."""
    for suffix, intents, actions in retrieval.split(turn.intents, turn.actions, report):
        steps = [({"action": action}, action_mark) for action, action_mark in actions]
        yield flow_document(source, flow_id + suffix, description, intents, turn.mark, steps, mark, guard=guard)


def _flow_id(prefix: str, name: str, taken: list[str]) -> str:
    base = f"{prefix}_{slug(name)}"
    flow_id, number = base, 2
    while flow_id in taken:
        flow_id, number = f"{base}_{number}", number + 1
    return flow_id
