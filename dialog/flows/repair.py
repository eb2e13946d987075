"""Which repair pattern (``dialog/flows/patterns.py``), if any, a user turn calls for.

Checked by the engine after ``/restart`` and a cancel, before flow triggers:

* "why do you need that?" while a question is open -> ``pattern_chitchat``, which
  says why the flow asks (``flows/why_asked.py``), whatever intent the NLU read.
* ``repeat`` -> ``pattern_repeat_bot_messages``; ``skip`` while a question is
  open -> ``pattern_skip_question``; ``human_handoff`` that no flow of the bot
  handles -> ``pattern_human_handoff``. A flow in flows.yml triggered by the
  same intent wins: the bot's own handling comes first.
* A new value for a slot the active flow already collected, from the
  message's entities ("actually, order 345678", "make it Tuesday") ->
  ``pattern_correction``, unless the message simply answers the open question.
  A message with no entities and no confident other intent that names its new
  value after a replacement phrase ("actually make it 14 Oak Street", "I meant
  Jane Smith") corrects the free-text slot the flow collected last.
* The top two intents within ``CLARIFY_MARGIN`` of each other, each starting a
  different flow -> ``pattern_clarification`` ("Did you mean ...?"). So does a value
  nothing asked for ("234567" with nothing going on, or a number in a request the NLU is
  unsure of): "What would you like me to do with 234567?", a button for each flow whose
  first question it answers. When only one flow takes it and the NLU's best guess is that
  flow too, the flow starts instead (``flow_for_value``, engine rule 4).

``finished_flow_correction``: right after a flow ended, a new value for a slot it
collected ("actually order 234567" after "order 123456 has shipped, so it can't be
cancelled"; or just "234567" after an order's status) runs that flow again with it,
keeping the answers given before that question (``carry_over.answers_before``). So does
a "no" taken back ("actually yes, cancel it" right after "no" to the cancellation).

Repair intents need the trigger threshold, or the digression threshold when the
message validly answers the open question (``bar``), as a digression would.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

from dialog.builtin_names import AFFIRM_INTENT, CORRECT_INTENT, HANDOFF_INTENT, REPEAT_INTENT, SKIP_INTENT
from dialog.config.flow_model import CollectStep, Step
from dialog.config.models import BotConfig, Slot
from dialog.flows import patterns
from dialog.flows.carry_over import answers_before, last_run_values
from dialog.flows.collect_classifier import ANSWER_INTENT, is_payload
from dialog.flows.slot_filling import fill_slots
from dialog.flows.state import ConversationState
from dialog.flows.turn import FlowRuntime
from dialog.flows.why_asked import asks_why_it_is_asked
from dialog.questions import looks_like_question
from dialog.types import ParseResult

__all__ = ["CLARIFY_MARGIN", "CLARIFY_MIN", "Repair", "Rerun", "find_repair", "finished_flow_correction", "flow_for", "flow_for_value"]

CLARIFY_MARGIN = 0.15  # top two intents this close: ask which one
CLARIFY_MIN = 0.25  # ...and the second at least this likely
MAX_VALUE_CHOICES = 3  # "What would you like me to do with 234567?": buttons for the likeliest flows
MAX_WORDS_BESIDE_VALUE = 3  # "order 234567", "it's ticket INC-1003": a value; longer messages say more
_CHANGE_OF_MIND = re.compile(r"\b(?:actually|on second thoughts?|changed? my mind|come to think of it|wait)\b", re.IGNORECASE)
# "actually yes, change it": a yes after the change of mind, whatever intent the NLU read ("actually" trains correct)
_YES_AFTER_ALL = re.compile(
    r"^\W*(?:(?:oh|um|hmm|no|sorry)\W+)*(?:actually|on second thoughts?|(?:i(?:'ve| have)? )?changed? my mind|come to think of it|wait)\W+"
    r"(?:yes|yeah|yep|yup|sure|ok(?:ay)?|go ahead|do it|please do)\b",
    re.IGNORECASE,
)

# "actually, make it 14 Oak Street": fillers, then a phrase that announces the new value
_REPLACEMENT = re.compile(
    r"^\s*(?:(?:no|nope|sorry|oops|wait|hold on|actually|oh|um|uh|hmm|correction|my bad|ah)\b[\s,.!:-]*)*"
    r"(?:please\s+)?(?:(?:(?:my|the) \w+ is |it's |it is |that's )?spel(?:led|t)|make (?:it|that)|change (?:it|that|the \w+|my \w+) to|(?:it|that) should (?:be|say|read)|"
    r"should be|i meant|i mean|set it to|use|it's|it is|not that,? (?:but|it's))\b[\s,:]*(?P<value>.+?)[\s.!]*$",
    re.IGNORECASE,
)


_SPELLED = re.compile(r"\bspel(?:led|t)\b", re.IGNORECASE)
CORRECTION_REACH = 1  # messages between a finished task and a correction that still reaches it ("thanks")


@dataclass(frozen=True)
class Rerun:
    """The flow that just ended, to run again with ``corrections`` and the ``kept`` earlier answers."""

    flow_id: str
    corrections: Mapping[str, Any]
    kept: Mapping[str, Any]
    announced: bool = True  # a correct intent says utter_corrected_previous_input; a "no" taken back asks again instead


@dataclass(frozen=True)
class Repair:
    pattern: str
    context: Mapping[str, Any] = field(default_factory=dict)  # becomes ``Turn.repair``


def find_repair(
    config: BotConfig, runtime: FlowRuntime, state: ConversationState, parse: ParseResult, bar: float, stored: Sequence[Mapping[str, Any]] = ()
) -> Repair | None:
    """The repair this turn needs, or None for the usual rules (``stored``: the conversation's events)."""
    requested = config.domain.slots.get(state.requested_slot or "")
    if requested is not None and not _names_a_value_for(requested, parse) and asks_why_it_is_asked(parse.text):
        return Repair(patterns.CHITCHAT)  # "why do you need that?": the flow's reason, then the question again
    threshold = max(config.settings.trigger_threshold, bar)
    confident = parse.intent is not None and parse.confidence >= threshold
    if confident and not _handled_by_a_flow(config, parse.intent):
        if parse.intent == REPEAT_INTENT:
            return Repair(patterns.REPEAT_BOT_MESSAGES)
        if parse.intent == SKIP_INTENT and state.requested_slot is not None:
            return Repair(patterns.SKIP_QUESTION)
        if parse.intent == HANDOFF_INTENT:
            return Repair(patterns.HUMAN_HANDOFF)
    correction = _correction(config, runtime, state, parse, answers=bar > 0)
    if correction is not None:
        return correction
    if bar == 0 and not is_payload(parse):
        return _clarification(config, state, parse) or _which_flow_for_value(config, runtime, state, parse, stored)
    return None


def _names_a_value_for(slot: Slot, parse: ParseResult) -> bool:
    """Whether ``parse`` carries an entity ``slot`` is filled from ("why? it's 234567")."""
    wanted = {mapping.entity for mapping in slot.mappings if mapping.type == "from_entity"}
    return any(entity.entity in wanted for entity in parse.entities)


def finished_flow_correction(
    config: BotConfig,
    runtime: FlowRuntime,
    stored: Sequence[Mapping[str, Any]],
    state: ConversationState,
    parse: ParseResult,
    trigger: str | None = None,
) -> Rerun | None:
    """The flow that ended since the user last wrote, with the new values this message gives
    the slots it had collected (from entities: a free text could be anything); None otherwise.
    A message that starts another flow (``trigger``) is a request of its own; one that
    starts the same flow again runs it again only when it keeps earlier answers ("no,
    Saturday instead" keeps the order whose delivery day it changes)."""
    if state.top is not None:
        return None
    if not parse.entities:
        return _changed_mind(config, runtime, stored, state, parse)
    finished = _finished_flow(config, stored)
    if finished is None or finished not in config.flows or trigger not in (None, finished):
        return None
    flow = runtime.flow(finished)
    preview = fill_slots(config.domain.slots, parse.replace(intent=ANSWER_INTENT), state.slots, None, runtime.collected)
    # only a slot the flow had filled: "high" after "we already know about the VPN outage"
    # answers a question it never asked; the same value again in a question ("what's the
    # vpn address?") asks about the topic, not for the flow again
    before = last_run_values(finished, stored)
    asks = looks_like_question(parse.text)
    values = {}
    for name in flow.collected_slots():
        slot = config.domain.slots.get(name)
        if name not in preview or name not in before or (asks and preview[name] == before[name]):
            continue
        if slot is not None and slot.mappings and not _only_free_text(slot):
            values[name] = preview[name]
    if not values:
        return None
    kept = answers_before(flow, before, values)
    request = parse.intent not in (CORRECT_INTENT, ANSWER_INTENT) and parse.confidence >= config.settings.trigger_threshold
    if request and (trigger != finished or not kept):
        return None  # a request of its own ("and where is my refund for 234567?")
    return Rerun(finished, values, kept)


def _changed_mind(
    config: BotConfig, runtime: FlowRuntime, stored: Sequence[Mapping[str, Any]], state: ConversationState, parse: ParseResult
) -> Rerun | None:
    """"actually yes, cancel it" right after a "no" ended the flow: it runs again from that
    yes/no question, with the answers given before it. Only a "no" is taken back: the flow
    did nothing on it, while a "yes" may have acted (a cancellation, a ticket) and running
    the flow again would not undo that."""
    finished = _finished_flow(config, stored)
    if finished is None or finished not in config.flows or not _CHANGE_OF_MIND.search(parse.text):
        return None
    if _YES_AFTER_ALL.search(parse.text):
        parse = parse.replace(intent=AFFIRM_INTENT, confidence=1.0)
    if parse.intent is None or parse.confidence < config.settings.trigger_threshold:
        return None
    flow = runtime.flow(finished)
    before = last_run_values(finished, stored)
    for name in flow.collected_slots():
        slot = config.domain.slots.get(name)
        if slot is None or before.get(name) is not False or not slot.mappings or any(m.type != "from_intent" for m in slot.mappings):
            continue
        answer = fill_slots({name: slot}, parse, state.slots, name).get(name)
        if answer is True:
            return Rerun(finished, {name: True}, answers_before(flow, before, [name]), announced=False)
    return None


def _finished_flow(config: BotConfig, stored: Sequence[Mapping[str, Any]]) -> str | None:
    """The last task (a flow of the bot's own that asks something) that completed since the
    user's last message, or before at most ``CORRECTION_REACH`` more that started no other
    task: "thanks", then "oh wait, make it Wednesday" still corrects the delivery day."""
    user_messages = 0
    for event in reversed(stored):
        kind, flow_id = event.get("event"), str(event.get("flow_id"))
        if kind == "user":
            user_messages += 1
            if user_messages > CORRECTION_REACH:
                return None
        elif flow_id in config.flows and not patterns.is_pattern(flow_id):
            if not config.flows[flow_id].collected_slots():
                continue  # "thanks" answered: no task
            if kind == "flow_completed":
                return flow_id
            if kind == "flow_started":
                return None  # another task ran since
    return None


def _handled_by_a_flow(config: BotConfig, intent: str | None) -> bool:
    return flow_for(config, intent) is not None


def _correction(
    config: BotConfig, runtime: FlowRuntime, state: ConversationState, parse: ParseResult, answers: bool
) -> Repair | None:
    """New values for slots the active flow asked for before its current step."""
    top = state.top
    if top is None or top.step_id is None or patterns.is_pattern(top.flow_id):
        return None
    said_correct = parse.intent == CORRECT_INTENT and parse.confidence >= config.settings.trigger_threshold
    if answers and not said_correct:
        return None  # "345678" while the order number is asked is the answer, not a correction
    flow = runtime.flow(top.flow_id)
    starts = flow_for(config, parse.intent) if parse.intent and parse.confidence >= config.settings.trigger_threshold else None
    if not said_correct and starts is not None and starts != flow.id:
        return None  # "track 123456" while a cancellation waits: a request of its own, not a new order to cancel
    try:
        current = flow.steps.index(flow.step(top.step_id))
    except KeyError:
        return None
    # "actually, make it zoom" carries its value as an answer would: a mapping limited to
    # `intent: [inform, ...]` takes it from a correction too
    as_answer = parse.replace(intent=ANSWER_INTENT) if said_correct else parse
    preview = fill_slots(config.domain.slots, as_answer, state.slots, None, runtime.collected)
    corrections: dict[str, Any] = {}
    first: CollectStep | None = None
    for step in flow.steps[:current]:
        if not isinstance(step, CollectStep) or step.collect == state.requested_slot:
            continue
        old, new = state.slots.get(step.collect), preview.get(step.collect)
        if old is not None and new is not None and new != old and step.collect not in corrections:
            corrections[step.collect] = new
            first = first or step
    if first is None:
        other_intent = parse.intent not in (CORRECT_INTENT, ANSWER_INTENT) and parse.confidence >= config.settings.trigger_threshold
        spelled = _SPELLED.search(parse.text) is not None  # "it's spelled Jon not John": a correction whatever the NLU read
        return None if (other_intent and not spelled) or parse.entities else _free_text_correction(config, state, flow.steps[:current], parse)
    return Repair(patterns.CORRECTION, {"corrections": corrections, "step_id": first.id, "slot": first.collect})


def _free_text_correction(config: BotConfig, state: ConversationState, before: Sequence[Step], parse: ParseResult) -> Repair | None:
    """The value after "make it" / "I meant" for the free-text slot (one only ``from_text``
    fills) that the flow collected last; slots with entities were handled above."""
    match = _REPLACEMENT.match(parse.text)
    if match is None:
        return None
    value = match.group("value").strip().strip("\"'")
    for step in reversed(before):
        if not isinstance(step, CollectStep) or step.collect == state.requested_slot:
            continue
        slot = config.domain.slots.get(step.collect)
        old = state.slots.get(step.collect)
        if slot is not None and old is not None and slot.mappings and _only_free_text(slot):
            value = _with_word_replaced(str(old), value)  # "spelled Jon not John": John Smith -> Jon Smith
            if value and value != old:
                return Repair(patterns.CORRECTION, {"corrections": {step.collect: value}, "step_id": step.id, "slot": step.collect})
            return None
    return None


def _with_word_replaced(old: str, value: str) -> str:
    """``old`` with one word replaced when ``value`` reads "NEW not OLD" and ``old`` has OLD;
    else ``value`` (without its "not ..." part)."""
    match = re.fullmatch(r"(?P<new>.+?),?\s+(?:not|instead of)\s+(?P<old>.+)", value, re.IGNORECASE)
    if match is None:
        return value
    wrong = re.compile(rf"\b{re.escape(match.group('old').strip())}\b", re.IGNORECASE)
    return wrong.sub(match.group("new").strip(), old, count=1) if wrong.search(old) else match.group("new").strip()


def _only_free_text(slot: Slot) -> bool:
    """Only ``from_text`` mappings fill the slot: any words could be its value."""
    return all(mapping.type == "from_text" for mapping in slot.mappings)


def _clarification(config: BotConfig, state: ConversationState, parse: ParseResult) -> Repair | None:
    """Two intents about as likely, each starting a different flow that is not running."""
    if len(parse.ranking) < 2:
        return None
    first, second = parse.ranking[0], parse.ranking[1]
    if second.confidence < CLARIFY_MIN or first.confidence - second.confidence > CLARIFY_MARGIN:
        return None
    choices = []
    for score in (first, second):
        flow_id = flow_for(config, score.name)
        if flow_id is None or flow_id in state.flow_ids():
            return None
        choices.append((score.name, flow_id))
    if choices[0][1] == choices[1][1]:
        return None
    return Repair(patterns.CLARIFICATION, {"choices": choices, "entities": _entities(parse)})


def _which_flow_for_value(
    config: BotConfig, runtime: FlowRuntime, state: ConversationState, parse: ParseResult, stored: Sequence[Mapping[str, Any]]
) -> Repair | None:
    """A bare value with no question open and no confident request ("234567", "order
    234567"): "What would you like me to do with 234567?" and a button for each of
    the likeliest flows (at most ``MAX_VALUE_CHOICES``) whose first question it answers.
    Right after a flow ended, the value is that flow's again (``finished_flow_correction``)."""
    if state.top is not None or not parse.entities or looks_like_question(parse.text):
        return None  # a question naming a value ("how do I connect to the VPN?") is for the documents
    if len(_words_beside_entities(parse)) > MAX_WORDS_BESIDE_VALUE and not _names_an_identifier(parse):
        return None  # "the printer has a paper jam" says more than a value: the documents may answer it
    if parse.intent not in (None, ANSWER_INTENT) and parse.confidence >= config.settings.trigger_threshold:
        return None  # a request of its own ("where is 234567?"), or thanks, a greeting...
    preview = fill_slots(config.domain.slots, parse.replace(intent=ANSWER_INTENT), state.slots, None, runtime.collected)
    finished = _finished_flow(config, stored)
    if finished is not None and finished in config.flows and any(name in preview for name in runtime.flow(finished).collected_slots()):
        return None  # the flow that just ended takes it (finished_flow_correction), not a greeting's
    candidates = _flows_taking_the_value(config, parse, preview)
    if not candidates or _the_one_the_nlu_leans_to(config, parse, candidates) is not None:
        return None  # none, or the one flow the NLU leans to as well: it starts (engine rule 4)
    choices = [(intent, flow_id) for _, intent, flow_id in candidates[:MAX_VALUE_CHOICES]]
    shown = ", ".join(str(entity.value) for entity in parse.entities)
    return Repair(patterns.CLARIFICATION, {"choices": choices, "entities": _entities(parse), "value": shown})


def _names_an_identifier(parse: ParseResult) -> bool:
    """A value with a digit in it (an order or ticket number): no document answers "I need
    help with order 234567", however many words come with it; a name or a device may."""
    return any(any(character.isdigit() for character in str(entity.value)) for entity in parse.entities)


def flow_for_value(config: BotConfig, runtime: FlowRuntime, state: ConversationState, parse: ParseResult) -> str | None:
    """The one flow whose first question the message's value answers, when the NLU's best
    guess (under the trigger threshold, at least ``CLARIFY_MIN``) starts that flow too:
    "order number 345678, what's going on?" with one order flow. The two agree, so the flow
    starts instead of "What would you like me to do with 345678?" and a single button."""
    if state.top is not None or not parse.entities or not parse.ranking or is_payload(parse):
        return None
    preview = fill_slots(config.domain.slots, parse.replace(intent=ANSWER_INTENT), state.slots, None, runtime.collected)
    return _the_one_the_nlu_leans_to(config, parse, _flows_taking_the_value(config, parse, preview))


def _the_one_the_nlu_leans_to(config: BotConfig, parse: ParseResult, candidates: Sequence[tuple[float, str, str]]) -> str | None:
    """The only candidate flow, when the NLU's best guess (at least ``CLARIFY_MIN``) triggers it and it has no guard."""
    if len(candidates) != 1 or not parse.ranking:
        return None
    _, intent, flow_id = candidates[0]
    top = parse.ranking[0]
    agrees = top.name == intent and top.confidence >= CLARIFY_MIN
    return flow_id if agrees and config.flows[flow_id].guard is None else None


def _flows_taking_the_value(config: BotConfig, parse: ParseResult, preview: Mapping[str, Any]) -> list[tuple[float, str, str]]:
    """(likelihood, trigger intent, flow id) of each flow whose first question ``preview`` fills, likeliest first."""
    likelihood = {score.name: score.confidence for score in parse.ranking}
    candidates = []
    for flow in config.flows.values():
        first = flow.first_question()
        intent = next((trigger.intent for trigger in flow.nlu_trigger), None)
        if first in preview and intent is not None and not patterns.is_pattern(flow.id):
            candidates.append((likelihood.get(intent, 0.0), intent, flow.id))
    return sorted(candidates, key=lambda candidate: -candidate[0])


def _words_beside_entities(parse: ParseResult) -> list[str]:
    """The message's words outside its entities' spans ("order 234567": ["order"])."""
    text = parse.text
    for entity in sorted(parse.entities, key=lambda entity: -entity.start):
        if 0 <= entity.start < entity.end <= len(text):
            text = text[: entity.start] + " " + text[entity.end :]
    return re.findall(r"\w+", text)


def _entities(parse: ParseResult) -> dict[str, Any]:
    """The message's entities, for the buttons' payloads (the first value of each)."""
    found: dict[str, Any] = {}
    for entity in parse.entities:
        found.setdefault(entity.entity, entity.value)
    return found


def flow_for(config: BotConfig, intent: str | None) -> str | None:
    """The bot's flow that ``intent`` triggers (the first in flows.yml), if any."""
    for flow in config.flows.values():
        if any(trigger.intent == intent for trigger in flow.nlu_trigger):
            return flow.id
    return None
