"""The dialogue rules: what one parsed user turn does to a conversation (docs/reference.md).

``DialogueEngine.handle`` takes the stored events and a ``ParseResult`` (never text: the NLU is not its business)
and returns the new events of the turn. The order of the rules, first match wins. Before them, a typed reply to
the buttons the bot just showed ("yes" to a single offer, "the second one", a title) becomes that button's click
(``flows/button_replies.py``).

1. ``/restart``: forget everything, new session, ``utter_restart``.
2. Handed off to a human: stay silent (only the user event is recorded).
3. A cancel intent (``settings.cancel_intents`` or ``/stop``, confidence >= the
   trigger threshold, or the digression threshold, see below) with a flow active:
   cancel it (``stack.cancel_active``), then ``pattern_cancel_flow``
   (``utter_flow_cancelled``).
3b. A repair (``dialog/flows/repair.py``): "can you repeat that?", "I don't know",
   a correction of an earlier answer, a person asked for, two flows about as
   likely. Its pattern (``dialog/flows/patterns.py``) runs above the active flow,
   which then resumes and asks again; no failed attempt is counted. Right after
   a flow ended, a new value for one of its slots ("actually order 234567") runs
   it again with that value and the answers given before it
   (``repair.finished_flow_correction``).
4. An intent that triggers a flow (confidence >= threshold, guard holds):
   no flow active -> start it (a message that refers back, "cancel it" after
   order 123456 was tracked, gives its first question that earlier value:
   ``flows/carry_over.py``; further values of that question wait their turn:
   ``flows/several_requests.py``); another flow active -> digression (interrupt,
   run the new one, resume and re-ask after, with the slots the interrupted flow
   had set given back: ``stack.resume_frame``; a ``goodbye`` as sure as the
   digression threshold cancels the flows instead: nobody is left to answer); the same flow (or one already on
   the stack) -> treated as an answer if it fills the open question, else re-ask.
   A bot with documents answers an information question about the flow's topic
   from them instead ("how long do I have to return something?"), and offers the
   flow with a button (``flows/knowledge_routing.py``); asked while that very flow
   runs, the answer comes before the re-ask.
5. A collect is open: a filled slot is validated and advances the flow. A turn
   that fills nothing is chit-chat (an out-of-scope intent or a question:
   ``pattern_chitchat`` answers it with the fallback, then the question again) or a failed attempt (re-ask,
   give up at ``max_attempts``; a hesitation does not count: ``flows/acknowledgements.py``); keyboard mashing
   is always a failed attempt (``dialog/flows/collect_classifier.py``).
6. Otherwise the bot's documents when they answer (``pattern_search``,
   ``flows/search.py``; a question during a collect too), else the LLM fallback
   (``utter_default`` when there is none or it fails);
   keyboard mashing gets ``pattern_cannot_handle`` instead, and a bare yes, no or
   "hang on" that answers nothing an acknowledgement (``flows/acknowledgements.py``).

A step that fails (a bad regex or template, a broken action) never poisons the conversation: the turn's events
are dropped, every flow is cancelled and ``pattern_internal_error`` says ``utter_internal_error``.

A turn after ``session_expiration_time`` minutes of silence (and the first turn) starts a session (``flows/session_start.py``).

Slots are filled first (``slot_filling``); a digression's words never answer the interrupted question, a question fills no other flow's slot.

The open question comes first. While a ``collect`` waits, a turn that is a
valid answer to it (its slot mappings fill the requested slot and none of the
step's ``rejections`` refuses the value) is taken as the answer; a cancel
intent or another flow's trigger overrides it only with confidence >=
``settings.digression_threshold`` (0.8 by default, never below the trigger
threshold). So "they stopped working after a week", parsed as ``stop`` at 0.53,
becomes the return reason instead of cancelling the return. A turn that does
not answer (a ``from_entity``-only slot with no entity, a value a rejection
refuses, an intent excluded by the mapping's ``not_intent``) digresses or
cancels at the normal trigger threshold, and a button payload (``/intent``)
always acts as the intent it names. This is how Rasa 3 forms decide (the form
keeps the turn when it can extract the requested slot; an interruption is
what it cannot extract), with the classifier's certainty as the tie-break
where Rasa Pro would ask its command generator; authors steer it per slot with
``not_intent`` on the mapping.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Mapping, Protocol, Sequence

from dialog import events
from dialog.builtin_names import CORRECT_INTENT, DEFAULT_RESPONSES, GOODBYE_INTENT, RESTART_INTENT, STOP_INTENT
from dialog.config.flow_model import CollectStep
from dialog.config.models import BotConfig
from dialog.dates import said_values
from dialog.errors import ActionError, FlowError, TemplateError
from dialog.flows import patterns
from dialog.flows.acknowledgements import acknowledgement, hesitation_reply
from dialog.flows.button_replies import typed_button_choice
from dialog.flows.carry_over import referred_values
from dialog.flows.collect_classifier import is_chitchat, is_nonsense, is_payload, reads_as_answer, restates_request
from dialog.flows.knowledge_routing import answer_instead_of_flow, answer_instead_of_flows
from dialog.flows.pattern_actions import answer_with_fallback
from dialog.flows.question_form import asks_for_information
from dialog.flows.rejections import refusing_rejection, reject
from dialog.flows.repair import Rerun, find_repair, finished_flow_correction, flow_for_value
from dialog.flows.search import answer_from_knowledge
from dialog.flows.session_start import begins_session, session_flow
from dialog.flows.several_requests import queue_other_values
from dialog.flows.slot_filling import fill_slots, given_not_asked
from dialog.flows.stack import ask, cancel_active, cancel_stack
from dialog.flows.state import ACTIVE, ConversationState, replay, replay_from
from dialog.flows.steps import failed_attempt, restart, run_flows, run_pending_asks, start_flow
from dialog.flows.turn import FlowRuntime, Turn, evaluate
from dialog.protocols import FallbackAnswer
from dialog.types import ParseResult

__all__ = ["DialogueEngine", "FallbackFn", "TurnResult"]

logger = logging.getLogger(__name__)

class FallbackFn(Protocol):
    """The LLM fallback as the engine calls it: the history, the user's text, and whether the
    reply may stream to the user as it is written (``stream=False``: it is checked first)."""

    def __call__(self, history: Sequence[Mapping[str, Any]], text: str, stream: bool = True) -> Awaitable[FallbackAnswer]: ...


@dataclass(frozen=True)
class TurnResult:
    events: list[dict[str, Any]]  # this turn's new events, to append
    state: ConversationState  # the state after them
    fallback: bool = False  # the turn went to the LLM fallback

    def bot_events(self) -> list[dict[str, Any]]:
        return [event for event in self.events if event.get("event") == "bot"]


class DialogueEngine:
    """Applies the dialogue rules; stateless between turns (state is replayed)."""

    def __init__(
        self, config: BotConfig, clock: Callable[[], float] | None = None, cache_size: int = 4096, knowledge: Any = None
    ) -> None:
        self.config = config
        self.runtime = FlowRuntime.from_config(config, clock=clock or time.time)
        self.runtime.knowledge = knowledge  # the bot's KnowledgeBase (dialog/knowledge/base.py), None without documents
        # sender -> (events folded, the last of them, state): conversations only
        # grow, so a turn folds just the events since; any mismatch replays all.
        self._states: OrderedDict[str, tuple[int, Mapping[str, Any], ConversationState]] = OrderedDict()
        self._cache_size = cache_size
        self._intents = frozenset(config.domain.intents) | frozenset(config.nlu.intents)

    def state(self, stored: Sequence[Mapping[str, Any]], sender_id: str | None = None) -> ConversationState:
        """The state the ``stored`` events lead to (incrementally for a sender seen before)."""
        cached = self._states.get(sender_id) if sender_id is not None else None
        if cached is not None:
            count, last, state = cached
            if 0 < count <= len(stored) and stored[count - 1] == last:
                return self._remember(sender_id, len(stored), stored, replay_from(state, stored[count:]))
        return self._remember(sender_id, len(stored), stored, replay(stored, self.runtime.initial_slots))

    def _remember(
        self, sender_id: str | None, count: int, events: Sequence[Mapping[str, Any]], state: ConversationState
    ) -> ConversationState:
        """Cache ``state`` as the fold of ``count`` events, the last of which ends ``events``."""
        if sender_id is not None and count and events:
            self._states[sender_id] = (count, dict(events[-1]), state)
            self._states.move_to_end(sender_id)
            while len(self._states) > self._cache_size:
                self._states.popitem(last=False)
        return state

    async def handle(
        self,
        stored: Sequence[Mapping[str, Any]],
        parse: ParseResult,
        sender_id: str,
        metadata: Mapping[str, Any] | None = None,
        fallback: FallbackFn | None = None,
        input_channel: str | None = None,
    ) -> TurnResult:
        """The events one user turn adds to ``stored`` (which is not modified)."""
        turn = Turn(self.runtime, self.state(stored, sender_id), sender_id, metadata, input_channel)
        turn.stored, turn.fallback = list(stored), fallback
        new_session = begins_session(turn, self.config.domain.session_expiration_minutes)
        parse = self._typed_button_choice(turn, parse)
        turn.emit(events.user(parse.text, parse.as_json(), turn.now(), metadata, input_channel))
        mark, before = len(turn.events), turn.state
        try:
            greeting = session_flow(self.config, parse) if new_session else None  # pattern_session_start
            if greeting is not None:
                await run_flows(turn, start_flow(turn, greeting))
            used_fallback = await self._respond(turn, parse)
            await run_pending_asks(turn)
            if used_fallback and await answer_from_knowledge(turn, parse.text):
                used_fallback = False  # answered from the bot's documents (pattern_search)
            if used_fallback:
                await answer_with_fallback(turn)
        except (FlowError, TemplateError, ActionError) as exc:
            # a broken step (a bad regex, a failing template): the turn's events are
            # dropped, the stack is cleared and pattern_internal_error apologises, so
            # the next message starts clean instead of failing again
            logger.error("turn of %s failed, running %s: %s", sender_id, patterns.INTERNAL_ERROR, exc)
            del turn.events[mark:]
            turn.state = before
            used_fallback = False
            await self._internal_error(turn)
        used_fallback = used_fallback or any(event.get("event") == "llm_fallback" for event in turn.events)
        self._remember(sender_id, len(stored) + len(turn.events), turn.events, turn.state)
        return TurnResult(turn.events, turn.state, used_fallback)

    async def _internal_error(self, turn: Turn) -> None:
        """Cancel every flow and run ``pattern_internal_error``; its default text if that fails too."""
        mark, before = len(turn.events), turn.state
        try:
            cancel_stack(turn, reason="internal_error")
            await run_flows(turn, start_flow(turn, patterns.INTERNAL_ERROR))
        except (FlowError, TemplateError, ActionError) as exc:
            logger.error("%s failed too: %s", patterns.INTERNAL_ERROR, exc)
            del turn.events[mark:]
            turn.state = before
            while turn.state.top is not None:  # the flows' own events, without their slot resets
                turn.emit(events.flow_cancelled(turn.state.top.flow_id, turn.now(), "internal_error"))
            turn.say_text(DEFAULT_RESPONSES["utter_internal_error"])

    async def _respond(self, turn: Turn, parse: ParseResult) -> bool:
        """Apply the rules; True when the turn needs the fallback."""
        state = turn.state
        if parse.intent == RESTART_INTENT:
            restart(turn)
            return False
        if state.paused:
            return False
        requested = state.requested_slot
        bar = self._override_threshold(turn, parse)
        trigger = self._trigger(turn, parse, self._preview(turn, parse, None), bar) or flow_for_value(self.config, self.runtime, state, parse)
        # A flow written for this very intent with a guard, which holds, wins over cancelling
        # (a Rasa form's "stop" question); one without a guard is for when nothing runs.
        guarded = trigger is not None and self.runtime.flow(trigger).guard is not None
        if state.top is not None and self._is_cancel(parse, bar) and not guarded:
            cancel_active(turn, reason=f"intent {parse.intent}", resume=False)
            await self._run_pattern(turn, patterns.CANCEL_FLOW)
            return False
        repair = find_repair(self.config, self.runtime, state, parse, bar, turn.stored)
        if repair is not None:
            choices = repair.context.get("choices") if repair.pattern == patterns.CLARIFICATION else None
            if choices and await answer_instead_of_flows(turn, parse, choices, self._preview(turn, parse, None)):
                return False  # "which of two flows?" is moot: the documents answer the question
            turn.repair = dict(repair.context)
            await self._run_pattern(turn, repair.pattern)
            return False
        redo = finished_flow_correction(self.config, self.runtime, turn.stored, state, parse, trigger)
        if redo is not None:
            await self._run_again(turn, parse, redo)
            return False
        if trigger is not None and trigger not in state.flow_ids():
            others = self.runtime.collected - set(self.runtime.flow(trigger).collected_slots())  # "are you open on saturday?" books no day
            filled = given_not_asked(self._preview(turn, parse, None), parse.text, requested, others)  # and the value "cancel it" means (carry_over.py)
            preview = {**referred_values(self.runtime.flow(trigger), parse.text, turn.newest_first(), state.slots, filled, self.config.domain.slots), **filled}
            if await answer_instead_of_flow(turn, parse, trigger, preview):
                return False  # a question about the flow's topic, answered from the documents
            if state.top is not None and parse.intent == GOODBYE_INTENT and parse.confidence >= self.config.settings.digression_threshold:
                cancel_stack(turn, reason=f"intent {GOODBYE_INTENT}")  # a sure goodbye: no question to come back to
            elif state.top is not None:
                turn.emit(events.flow_interrupted(state.top.flow_id, turn.now(), by=trigger))
            cursor = start_flow(turn, trigger)
            self._fill(turn, preview, requested)  # after the start: these slots are the new flow's (state.Frame.slots_set)
            queue_other_values(turn, self.runtime.flow(trigger), parse, preview)  # "check INC-1001 and REQ-2002": one run per ticket
            await run_flows(turn, cursor)
            return False
        if requested is None:
            self._fill(turn, given_not_asked(self._preview(turn, parse, None), parse.text, None, self.runtime.collected), None)
            if is_nonsense(parse):
                await self._run_pattern(turn, patterns.CANNOT_HANDLE)
                return False
            reply = acknowledgement(self.config, parse)
            if reply is not None:
                turn.say(reply)
                return False
            return True
        filled = self._preview(turn, parse, requested)
        rejection = refusing_rejection(turn, filled) if requested in filled else None
        # "change my plan" again at its own question, refused as free text: the request restated, not a try
        restated = trigger is not None and state.top is not None and trigger == state.top.flow_id
        if rejection is not None and restated and restates_request(parse.text, filled[requested]):
            filled, rejection = {k: v for k, v in filled.items() if k != requested}, None  # the request restated: asked again
        if rejection is not None:  # refused before it is set: a rejected value never lands in the tracker
            self._fill(turn, {name: value for name, value in filled.items() if name != requested}, None)
            reject(turn, rejection)
            return False
        self._fill(turn, given_not_asked(filled, parse.text, requested, self.runtime.collected), requested)
        # a question the documents answer: pattern_search, then the question again; also one
        # about the running flow's own topic ("how long do I have to return it?" while a return
        # asks for the order), which would otherwise only re-ask
        about_running_flow = trigger is not None and asks_for_information(parse.text)
        if (
            requested not in filled
            and (trigger is None or about_running_flow)
            and await answer_from_knowledge(turn, parse.text, during_collect=True)
        ):
            return False
        if requested not in filled and trigger is None and is_chitchat(parse, self.config.settings.trigger_threshold):
            await self._run_pattern(turn, patterns.CHITCHAT)  # a reply, then the question again
            return False
        hesitation = hesitation_reply(self.config, parse)  # "hang on, let me check": take your time; "hmm": asked again
        if hesitation and requested not in filled:
            turn.say(hesitation)
            return False
        await self._answer(turn, requested in filled, retrigger=trigger is not None or hesitation is not None)
        return False

    def _typed_button_choice(self, turn: Turn, parse: ParseResult) -> ParseResult:
        """``parse`` as the click of the button its text chooses, if any (``flows/button_replies.py``)."""
        return typed_button_choice(turn, parse, self._intents, lambda candidate: self._preview(turn, candidate, None))

    def fills_open_question(self, state: ConversationState, parse: ParseResult) -> bool:
        """Whether ``parse`` answers the question the active flow waits on (nothing is emitted)."""
        requested = state.requested_slot
        if requested is None:
            return False
        return requested in self._preview(Turn(self.runtime, state, ""), parse, requested)

    def _preview(self, turn: Turn, parse: ParseResult, requested: str | None) -> dict[str, Any]:
        """The slots this turn fills; a ``from_text`` slot only from a message that reads as an answer."""
        threshold = self.config.settings.trigger_threshold
        return fill_slots(
            self.config.domain.slots,
            parse,
            turn.state.slots,
            requested,
            self.runtime.collected,
            reads_as_answer=lambda candidate: reads_as_answer(candidate, threshold),
        )

    async def _run_again(self, turn: Turn, parse: ParseResult, rerun: Rerun) -> None:
        """Run the flow that just ended again with the corrected slots; a correction says so first."""
        if rerun.announced and parse.intent == CORRECT_INTENT and parse.confidence >= self.config.settings.trigger_threshold:
            shown = said_values(rerun.corrections, self.config.domain.slots)
            turn.say("utter_corrected_previous_input", context={"new_values": shown, "corrected_slots": list(rerun.corrections)})
        cursor = start_flow(turn, rerun.flow_id)
        self._fill(turn, {**rerun.kept, **rerun.corrections}, None)
        await run_flows(turn, cursor)

    async def _run_pattern(self, turn: Turn, pattern_id: str) -> None:
        """Run a repair pattern above the active flow, which resumes and re-asks when it ends."""
        top = turn.state.top
        if top is not None and top.status == ACTIVE:
            turn.emit(events.flow_interrupted(top.flow_id, turn.now(), by=pattern_id))
        await run_flows(turn, start_flow(turn, pattern_id))

    async def _answer(self, turn: Turn, filled: bool, retrigger: bool) -> None:
        """The user replied to the open collect of the active flow."""
        top = turn.state.top
        if top is None or top.step_id is None:
            raise FlowError("a flow waits for an answer but its position is unknown; were events lost?")
        flow = self.runtime.flow(top.flow_id)
        step = flow.step(top.step_id)
        if filled:
            await run_flows(turn, step.id, answering=True)
        elif not isinstance(step, CollectStep):
            await run_flows(turn, step.id)
        elif retrigger:
            ask(turn, flow, step, top.attempts)  # "the same flow again", "hang on": just re-ask
        else:
            failed_attempt(turn, flow, step, top.attempts + 1)

    def _fill(self, turn: Turn, updates: Mapping[str, Any], requested: str | None) -> None:
        """Emit slot events for changed values (always for the requested slot)."""
        for name, value in updates.items():
            if name == requested or turn.state.slots.get(name) != value:
                turn.set_slot(name, value)

    def _override_threshold(self, turn: Turn, parse: ParseResult) -> float:
        """The confidence a cancel or another flow's trigger needs to override this turn.

        ``digression_threshold`` when the turn validly answers the open collect
        (and is not a button payload), else 0: the usual thresholds apply alone.
        """
        requested = turn.state.requested_slot
        if requested is None or is_payload(parse):
            return 0.0
        filled = self._preview(turn, parse, requested)
        if requested not in filled or refusing_rejection(turn, filled) is not None:
            return 0.0
        return self.config.settings.digression_threshold

    def _is_cancel(self, parse: ParseResult, bar: float = 0.0) -> bool:
        """A cancel intent as sure as a trigger must be (and >= ``bar``): a doubtful "stop" does not end a flow."""
        settings = self.config.settings
        if parse.intent is None or parse.confidence < max(settings.trigger_threshold, bar):
            return False
        return parse.intent == STOP_INTENT or parse.intent in settings.cancel_intents

    def _trigger(self, turn: Turn, parse: ParseResult, preview: Mapping[str, Any], bar: float = 0.0) -> str | None:
        """The flow this parse triggers (confidence >= ``bar`` too), guards evaluated over the slots it would
        fill: the first whose guard holds, else the first with none (a guard makes a flow the more specific)."""
        if parse.intent is None:
            return None
        variables = turn.variables()
        variables["slots"] = {**variables["slots"], **preview}
        default, unguarded = self.config.settings.trigger_threshold, None
        for flow in self.config.flows.values():
            triggers = [t for t in flow.nlu_trigger if t.intent == parse.intent]
            if not any(parse.confidence >= max(default if t.min_confidence is None else t.min_confidence, bar) for t in triggers):
                continue
            if flow.guard is None:
                unguarded = unguarded or flow.id
            elif evaluate(flow.guard, variables, f"{flow.path or 'flows.yml'}: flow '{flow.id}' guard"):
                return flow.id
        return unguarded

