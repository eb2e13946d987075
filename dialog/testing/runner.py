"""Replay test cases through ``Bot.handle``, exactly as a channel would, and judge them.

Each case gets a fresh conversation: its own sender id in the bot's store (the
runner builds bots with a ``MemoryStore``). The sender id is derived from the case id,
so a case sees the same seeded response variations in every run, serial or parallel.
After every user message the runner reads the conversation's new events from
``bot.tracker`` (events are the truth: bot messages, slots, flows, LLM turns) and
checks the steps that follow with ``matching.TurnChecker``.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections import Counter
from typing import TYPE_CHECKING, Any, Callable, Iterable

from dialog.errors import ConfigError, DialogError, Problem
from dialog.testing.clock import freeze_clock
from dialog.testing.matching import TurnChecker
from dialog.testing.results import CaseResult, Failure, SuiteResult, Turn
from dialog.testing.stories import TestCase
from dialog.types import Message

if TYPE_CHECKING:
    from dialog.bot import Bot
    from dialog.config.models import BotConfig
    from dialog.protocols import Parser

__all__ = ["LLM_MODES", "StoryRunner", "build_test_bot", "sender_id_for", "wait_for_llm"]

logger = logging.getLogger(__name__)

LLM_MODES = ("real", "fake")


def sender_id_for(case: TestCase, run: int = 0) -> str:
    """A stable, unique conversation id for a case (``run`` counts repeats in one bot)."""
    digest = hashlib.sha1(case.id.encode("utf-8")).hexdigest()[:12]
    return f"test-{digest}" if run == 0 else f"test-{digest}-{run}"


def build_test_bot(config: BotConfig, llm: str = "real", nlu: Parser | None = None) -> Bot:
    """A bot on a ``MemoryStore``; ``llm="fake"`` swaps the model for ``FakeGenerator``.

    ``nlu``: an already loaded pipeline to share (else ``start`` loads the trained one).
    """
    from dialog.bot import Bot
    from dialog.stores import MemoryStore

    if llm not in LLM_MODES:
        raise DialogError(f"unknown --llm mode '{llm}'; valid: {', '.join(LLM_MODES)}")
    generator = None
    if llm == "fake":
        from dialog.llm.fake import FakeGenerator

        generator = FakeGenerator()
    return Bot.from_config(config, store=MemoryStore(), generator=generator, nlu=nlu)


async def wait_for_llm(bot: Bot, on_wait: Callable[[str], None] | None = None) -> str:
    """Wait until the bot's LLM has loaded (or failed), so fallback turns meet a ready
    model instead of timing out while it loads; returns the final state."""
    state = bot.status()["llm"]["state"]
    if state == "loading" and on_wait is not None:
        on_wait(f"waiting for the language model ({bot.status()['llm'].get('model')}) to load; --llm fake skips it")
    while state == "loading":
        await asyncio.sleep(0.1)
        state = bot.status()["llm"]["state"]
    return state


def _active_flow(tracker: dict[str, Any]) -> str | None:
    active = tracker.get("active_flow")
    if isinstance(active, dict):
        flow = active.get("flow_id") or active.get("id")
        step = active.get("step_id") or active.get("step")
        return f"{flow} (step {step})" if step else flow
    return str(active) if active else None


class StoryRunner:
    """Runs cases against one started bot; the bot's store must be fresh per runner."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot
        self._runs: Counter[str] = Counter()

    async def run_case(self, case: TestCase) -> CaseResult:
        with freeze_clock(self.bot, case.now):
            return await self._run_case(case)

    async def _run_case(self, case: TestCase) -> CaseResult:
        started = time.perf_counter()
        sender = sender_id_for(case, self._runs[case.id])
        self._runs[case.id] += 1
        checker = TurnChecker()
        failure: Failure | None = None
        error: str | None = None
        if case.fixtures:
            await self._set_fixtures(sender, case)
        seen = len((await self.bot.tracker(sender)).get("events", []))
        try:
            for step in case.steps:
                if step.kind == "user":
                    failure = checker.end_turn()
                    if failure:
                        break
                    turn, seen = await self._send(sender, step.value, step.metadata, seen)
                    checker.begin_turn(turn)
                    continue
                failure = checker.check(step)
                if failure:
                    break
            else:
                failure = checker.end_turn()
        except DialogError as exc:
            logger.info("case %s: the bot raised %s", case.id, exc)
            error = f"{type(exc).__name__}: {exc.show()}"
        events = tuple((await self.bot.tracker(sender)).get("events", []))
        return CaseResult(
            case_id=case.id,
            name=case.name,
            path=case.path,
            line=case.line,
            duration_s=time.perf_counter() - started,
            failure=failure,
            error=error,
            events=events,
        )

    async def _set_fixtures(self, sender: str, case: TestCase) -> None:
        """Rasa Pro fixtures: a session whose slots are already set, before the first turn."""
        from dialog import events

        slots = self.bot.config.domain.slots
        unknown = [name for name, _ in case.fixtures if name not in slots]
        if unknown:
            message = f"test case '{case.name}': fixture sets unknown slot '{unknown[0]}'; slots: {', '.join(sorted(slots))}"
            raise ConfigError(Problem(case.path, case.line, 1, message))
        now = self.bot.engine.runtime.clock()
        seeded = [events.session_started(now)] + [events.slot(name, value, now) for name, value in case.fixtures]
        async with self.bot.store.lock(sender):
            await self.bot.store.append(sender, seeded)

    async def _send(self, sender: str, text: str, metadata: Any, seen: int) -> tuple[Turn, int]:
        await self.bot.handle(Message(sender, text, dict(metadata or {})))
        tracker = await self.bot.tracker(sender)
        events = tracker.get("events", [])
        turn = Turn(
            text=text,
            events=tuple(events[seen:]),
            slots=dict(tracker.get("slots") or {}),
            active_flow=_active_flow(tracker),
            requested_slot=tracker.get("requested_slot"),
        )
        return turn, len(events)

    async def run(
        self,
        cases: Iterable[TestCase],
        fail_fast: bool = False,
        on_result: Callable[[CaseResult], None] | None = None,
    ) -> SuiteResult:
        """Every case in order; with ``fail_fast`` stop after the first failure."""
        suite = SuiteResult()
        started = time.perf_counter()
        cases = list(cases)
        for index, case in enumerate(cases):
            result = await self.run_case(case)
            suite.results.append(result)
            if on_result:
                on_result(result)
            if fail_fast and not result.passed:
                suite.stopped_early = index < len(cases) - 1
                break
        suite.duration_s = time.perf_counter() - started
        return suite
