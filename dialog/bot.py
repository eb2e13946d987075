"""``Bot``: wiring only. A message goes NLU -> dialogue engine -> (LLM) -> replies.

INTERFACE CONTRACT (channels and the story runner rely on exactly these):

    bot = Bot.from_config(config, store=None, generator=None)   # no heavy loading here
    await bot.start()            # loads the NLU model (trains if stale), starts LLM loading
    replies = await bot.handle(Message(sender_id, text, metadata, channel), on_token=None)
                                 # -> list[Reply]; per-sender lock; one transaction per turn
                                 # on_token(piece) is awaited for each streamed LLM piece
    parse = bot.parse(text)      # -> ParseResult
    tracker = await bot.tracker(sender_id)   # Rasa-like tracker JSON (GET /conversations/{id}/tracker)
    replies = await bot.trigger_intent(sender_id, intent, entities: dict)
    status = bot.status()        # {"model": ..., "llm": {...}, ...}
    await bot.close()            # refuses new turns, lets running ones finish (CLOSE_DRAIN_S)

Also: ``handle_turn`` (the replies plus the turn's events, state and parse, for
the console's ``--debug`` and for tests) and ``resume`` (end a human handoff).
"""

from __future__ import annotations

import asyncio
import logging
import time
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass, field
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Any, AsyncIterator, Callable, Mapping, Sequence

from dialog.builtin_names import STOP_INTENT
from dialog.config.models import BotConfig
from dialog.dates import bot_timezone
from dialog.errors import StoreError
from dialog.events import Event, request_queued, request_taken_up, to_reply
from dialog.events import resume as resume_event
from dialog.flows.collect_classifier import is_bare_yes_or_no
from dialog.flows.engine import DialogueEngine, FallbackFn, TurnResult
from dialog.flows.several_requests import requests_to_queue, taken_up, without_repeated_questions
from dialog.flows.state import ConversationState
from dialog.intent_payload import payload_text
from dialog.nlu.segments import handle_separately, split_clauses
from dialog.protocols import Fallback, FallbackAnswer, Parser, TokenCallback, WarmingParser
from dialog.reference_time import use_reference_time
from dialog.stores import ConversationStore, open_store
from dialog.types import Entity, IntentScore, Message, ParseResult, Reply

if TYPE_CHECKING:
    from dialog.llm.base import Generator

__all__ = ["Bot", "BotTurn"]

logger = logging.getLogger(__name__)

# seconds between loading the NLU model and starting to load its slow parts; see Bot.start
_NLU_WARM_UP_DELAY_S = 1.0
# how long close() lets running turns finish (and store their events) before it closes
# the store under them: past the LLM's default timeout_s of 10 s, with room to append
CLOSE_DRAIN_S = 15.0


@dataclass(frozen=True)
class BotTurn:
    """One handled user turn: what the user gets, what was stored, and why.

    ``timings`` (ms per stage) and ``llm_prompt`` (the messages the LLM saw, when it
    answered) are for the inspector; they are not stored."""

    replies: list[Reply]
    events: list[Event]  # this turn's new events, as stored
    state: ConversationState  # the conversation after them
    parse: ParseResult
    fallback: bool = False  # nothing handled the turn: it went to the LLM fallback (or utter_default)
    timings: Mapping[str, float] = field(default_factory=dict)
    llm_prompt: tuple[Mapping[str, Any], ...] = ()


def _default_fallback(config: BotConfig, generator: Generator | None) -> Fallback | None:
    """``LLMFallback`` for this bot; None while the LLM package is not installed."""
    try:
        from dialog.llm.fallback import LLMFallback
    except ModuleNotFoundError as exc:
        if exc.name != "dialog.llm.fallback":
            raise
        logger.warning("dialog.llm.fallback is not available; unhandled turns get utter_default")
        return None
    from dialog.knowledge.documents import document_texts

    return LLMFallback.from_config(config, generator=generator, documents=document_texts(config.root))


def _knowledge_base(config: BotConfig, generator: Any) -> Any:
    """The bot's ``KnowledgeBase`` (generative answers use the fallback's model); None without documents."""
    from dialog.knowledge.base import KnowledgeBase

    return KnowledgeBase.from_config(config, generator=generator)


class _StageClock:
    """Milliseconds spent in each stage of a turn, measured lap by lap."""

    def __init__(self) -> None:
        self._started = self._last = time.perf_counter()
        self._laps: dict[str, float] = {}

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self._laps[stage] = round((now - self._last) * 1000, 2)
        self._last = now

    def timings(self) -> dict[str, float]:
        return {**self._laps, "total_ms": round((self._last - self._started) * 1000, 2)}


def _acknowledges(part: ParseResult, threshold: float) -> bool:
    """A bare "yes"/"no" clause in front of a request."""
    return is_bare_yes_or_no(part, threshold, max_words=3)


class Bot:
    """One bot: its config, NLU, dialogue engine, LLM fallback and conversation store."""

    def __init__(
        self,
        config: BotConfig,
        store: ConversationStore,
        *,
        nlu: Parser | None = None,
        fallback: Fallback | None = None,
        clock: Callable[[], float] | None = None,
        knowledge: Any = None,
    ) -> None:
        self.config = config
        self.store = store
        self.knowledge = knowledge  # KnowledgeBase, or None when the bot has no documents
        self.engine = DialogueEngine(config, clock=clock, knowledge=knowledge)
        self._nlu = nlu
        self._fallback = fallback
        self._model_path: Path | None = None
        self._running_turns = 0
        self._no_turns_running = asyncio.Event()
        self._no_turns_running.set()
        self._closing = False
        self._zone = bot_timezone(config.settings)

    @classmethod
    def from_config(
        cls,
        config: BotConfig,
        store: ConversationStore | None = None,
        generator: Generator | None = None,
        *,
        nlu: Parser | None = None,
        fallback: Fallback | None = None,
        clock: Callable[[], float] | None = None,
        llm: bool = True,
    ) -> Bot:
        """Wire a bot; nothing heavy happens until ``start``. ``llm=False``: no fallback model."""
        if store is None:
            store = open_store(config.settings.tracker_store, root=config.root)
        if fallback is None and llm:
            fallback = _default_fallback(config, generator)
        knowledge = _knowledge_base(config, getattr(fallback, "generator", None))
        return cls(config, store, nlu=nlu, fallback=fallback, clock=clock, knowledge=knowledge)

    def reconfigured(self, config: BotConfig) -> Bot:
        """A bot for a changed ``config`` that shares this one's store and LLM (``dialog serve --reload``).

        The language model is kept as it is (a changed ``llm:`` needs a restart), so a
        reload costs only the NLU training; the persona and prompt follow ``config``."""
        generator = getattr(self._fallback, "generator", None)
        return Bot.from_config(config, self.store, generator, llm=self._fallback is not None)

    async def start(self, progress: Callable[[str], None] | None = None) -> None:
        """Load (training if stale) the NLU model and start loading the LLM in the background.

        The NLU's slow models (the sentence encoder) start loading in the background a
        moment later: importing torch holds the GIL for long stretches, and would
        otherwise delay the answers to the first requests, which rarely need it."""
        if self._fallback is not None:
            self._fallback.start()
        if self._nlu is None:
            self._nlu = await asyncio.to_thread(self._load_nlu, progress)
        if self.knowledge is not None:
            self.knowledge.use_nlu(self._nlu)  # one sentence encoder for both
            self.knowledge.start_loading()
        if isinstance(self._nlu, WarmingParser):
            asyncio.get_running_loop().call_later(_NLU_WARM_UP_DELAY_S, self._nlu.warm_up, True)

    def _load_nlu(self, progress: Callable[[str], None] | None = None) -> Parser:
        from dialog.nlu.training import load_model, model_dir

        pipeline = load_model(self.config, train_if_stale=True, progress=progress)
        self._model_path = model_dir(self.config)
        return pipeline

    def parse(self, text: str) -> ParseResult:
        """The NLU parse; relative dates ("tomorrow") are read against the bot's clock."""
        if self._nlu is None:
            self._nlu = self._load_nlu()
        with use_reference_time(self.engine.runtime.clock(), self._zone):
            return self._nlu.parse(text)

    async def handle(self, message: Message, on_token: TokenCallback | None = None) -> list[Reply]:
        return (await self.handle_turn(message, on_token)).replies

    async def handle_turn(
        self, message: Message, on_token: TokenCallback | None = None, parse: ParseResult | None = None
    ) -> BotTurn:
        """One user turn under the sender's lock; its events are appended once, then returned.

        The text is parsed on a worker thread, under the lock (so a sender's turns keep
        their order): a parse that runs the sentence encoder, or waits for it to load,
        must not hold up other conversations."""
        sender = message.sender_id
        clock = _StageClock()
        async with self._turn_running(), self.store.lock(sender):
            clock.lap("wait_ms")
            # "tomorrow" in the text, date slots and `now` in conditions: all this turn's moment
            with use_reference_time(self.engine.runtime.clock(), self._zone):
                return await self._run_turn(message, sender, on_token, parse, clock)

    async def _run_turn(
        self, message: Message, sender: str, on_token: TokenCallback | None, parse: ParseResult | None, clock: _StageClock
    ) -> BotTurn:
        prompt: list[tuple[Mapping[str, Any], ...]] = []
        stored = await self.store.load(sender)
        clock.lap("store_load_ms")
        parts: list[ParseResult] | None = None
        if parse is None:
            state = self.engine.state(stored, sender)
            whole, parts = await asyncio.to_thread(self._parse_parts, message.text, state)
        else:
            whole = parse
        clock.lap("parse_ms")
        new_events: list[Event] = []
        used_fallback = False
        pending = list(parts or [whole])  # "hi, where is my order?": one turn per request
        while pending:
            result = await self._handle_part(stored, new_events, pending.pop(0), message, on_token, prompt)
            used_fallback = used_fallback or result.fallback
            if pending and result.state.requested_slot is not None:
                pending, waiting = requests_to_queue(self.config, pending)  # one task's questions at a time
                new_events.extend(request_queued(part.text, self.engine.runtime.clock()) for part in waiting)
        while result.state.top is None and result.state.queued_requests and not result.state.paused:  # the task before it ended
            text = result.state.queued_requests[0]
            new_events.append(request_taken_up(text, self.engine.runtime.clock()))
            queued = taken_up(self.config, await asyncio.to_thread(self.parse, text), chain(reversed(new_events), reversed(stored)))
            result = await self._handle_part(stored, new_events, queued, message, on_token, prompt)
            used_fallback = used_fallback or result.fallback
        if parts or len([event for event in new_events if event.get("event") == "user"]) > 1:
            new_events = without_repeated_questions(new_events)
        clock.lap("engine_ms")
        await self.store.append(sender, new_events)
        clock.lap("store_append_ms")
        replies = [to_reply(event) for event in new_events if event.get("event") == "bot"]
        return BotTurn(replies, new_events, result.state, whole, used_fallback, clock.timings(), prompt[0] if prompt else ())

    async def _handle_part(
        self, stored: Sequence[Event], new_events: list[Event], part: ParseResult, message: Message, on_token: TokenCallback | None, prompt: list[Any]
    ) -> TurnResult:
        """One request through the engine; its events are added to ``new_events``."""
        result = await self.engine.handle(
            list(stored) + new_events, part, message.sender_id, metadata=message.metadata, fallback=self._fallback_fn(on_token, prompt), input_channel=message.channel
        )
        new_events.extend(result.events)
        return result

    def _parse_parts(self, text: str, state: ConversationState) -> tuple[ParseResult, list[ParseResult] | None]:
        """The parse of ``text``, and of each of its clauses when they are separate requests
        (``dialog/nlu/segments.py``; None otherwise)."""
        parse = self.parse(text)
        clauses = split_clauses(text)
        if len(clauses) < 2:
            return parse, None
        parts = [self.parse(clause) for clause in clauses]
        running = set(state.flow_ids())
        cancels = {*self.config.settings.cancel_intents, STOP_INTENT}  # "no, actually keep it" is one answer
        triggers = {
            trigger.intent for flow in self.config.flows.values() if flow.id not in running for trigger in flow.nlu_trigger
        } - cancels
        running_triggers = {trigger.intent for flow_id in running if flow_id in self.config.flows for trigger in self.config.flows[flow_id].nlu_trigger}
        def answers(part: ParseResult) -> bool:
            return self.engine.fills_open_question(state, part)

        # each clause must be as sure as a digression: a split is the bolder reading
        bar = self.config.settings.digression_threshold
        if handle_separately(parts, bar, triggers.__contains__, answers, running_triggers.__contains__):
            return parse, parts
        if _acknowledges(parts[0], bar) and not answers(parts[0]):
            # "yes, and what is your return policy?" with no question open: the "yes" only
            # acknowledges what the bot said; the request is the rest of the message
            rest = parts[1:]
            if len(rest) > 1 and not handle_separately(rest, bar, triggers.__contains__, lambda _: False):
                rest = [self.parse(" ".join(clauses[1:]))]
            return parse, rest
        return parse, None

    def _fallback_fn(
        self, on_token: TokenCallback | None, prompt: list[tuple[Mapping[str, Any], ...]] | None = None
    ) -> FallbackFn | None:
        """The engine's hook into the LLM; ``prompt`` receives the messages the model saw."""
        if self._fallback is None:
            return None
        fallback = self._fallback

        clock = self.engine.runtime.clock

        async def ask(history: Sequence[Mapping[str, Any]], text: str, stream: bool = True) -> FallbackAnswer:
            answer = await fallback.reply(history, text, on_token=on_token if stream else None, clock=clock)
            if prompt is not None:
                prompt.append(tuple(getattr(answer, "prompt", ())))
            return answer

        return ask

    async def trigger_intent(self, sender_id: str, intent: str, entities: Mapping[str, Any] | None = None) -> list[Reply]:
        """Act as if the user sent ``/intent{entities}`` (confidence 1.0, no NLU)."""
        entities = dict(entities or {})
        text = payload_text(intent, entities)
        parse = ParseResult(
            text,
            intent,
            1.0,
            tuple(Entity(name, value, 0, 0, extractor="trigger_intent") for name, value in entities.items()),
            (IntentScore(intent, 1.0),),
        )
        return (await self.handle_turn(Message(sender_id, text), parse=parse)).replies

    async def resume(self, sender_id: str) -> None:
        """End a human handoff: the bot answers this sender again."""
        async with self._turn_running(), self.store.lock(sender_id):
            await self.store.append(sender_id, [resume_event(self.engine.runtime.clock())])

    async def tracker(self, sender_id: str) -> dict[str, Any]:
        """Rasa-like tracker JSON (``GET /conversations/{id}/tracker``), derived from the stored events."""
        events = await self.store.load(sender_id)
        state = self.engine.state(events, sender_id)
        return {
            "sender_id": sender_id,
            "slots": dict(state.slots),
            "latest_message": dict(state.latest_message),
            "latest_event_time": state.last_event_at,
            "latest_action_name": state.latest_action,
            "events": events,
            "active_flow": state.active_flow,
            "requested_slot": state.requested_slot,
            "flow_stack": [asdict(frame) for frame in state.stack],
            "paused": state.paused,
        }

    def status(self) -> dict[str, Any]:
        return {
            "bot": self.config.name,
            "model": str(self._model_path) if self._model_path is not None else None,
            "nlu_loaded": self._nlu is not None,
            "nlu_warm": self._nlu is not None and (self._nlu.warm if isinstance(self._nlu, WarmingParser) else True),  # the sentence encoder too
            "llm": self._fallback.status() if self._fallback is not None else {"state": "disabled"},
            "tracker_store": self.config.settings.tracker_store,
            "knowledge": self.knowledge.status() if self.knowledge is not None else {"loaded": False, "chunks": 0},
        }

    @asynccontextmanager
    async def _turn_running(self) -> AsyncIterator[None]:
        """Counts the turns that will write to the store, so ``close`` can wait for them."""
        if self._closing:
            raise StoreError("the bot is shutting down; send the message again once it is back")
        self._running_turns += 1
        self._no_turns_running.clear()
        try:
            yield
        finally:
            self._running_turns -= 1
            if not self._running_turns:
                self._no_turns_running.set()

    async def close(self, drain_s: float = CLOSE_DRAIN_S) -> None:
        """Refuse new turns, let running ones finish for up to ``drain_s``, then close.

        A turn can outlive its request (an SSE client that hung up, a shutdown while the
        LLM writes): closing the store under it would lose the user's message."""
        self._closing = True
        if self._running_turns:
            try:
                await asyncio.wait_for(self._no_turns_running.wait(), drain_s)
            except TimeoutError:
                logger.warning(
                    "closing the bot with %d turn(s) still running after %g s; their events are not stored",
                    self._running_turns,
                    drain_s,
                )
        if self._fallback is not None:
            await self._fallback.close()
        await self.store.close()
