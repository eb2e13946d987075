"""``dialog test -n N``: run cases in N worker processes, with the results of a serial run.

Each worker loads the bot once (in the pool's initializer) and keeps one event loop
for all its cases. A case's outcome depends only on the case (fresh conversation,
sender id derived from the case id, seeded variations), so the order the workers
finish in does not matter: results are released in the order of the cases. With
``fail_fast`` the run stops after the first failing case *in case order*, exactly
what a serial run reports. The model must be trained before the workers start (the
command does that), so workers only load it.

Workers are spawned, not forked: the parent may already run threads (torch,
tokenizers, the LLM loader) that a fork would copy in a broken state.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import time
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Callable

from dialog.errors import DialogError
from dialog.testing.results import CaseResult, SuiteResult
from dialog.testing.stories import TestCase

__all__ = ["resolve_workers", "run_in_processes"]

logger = logging.getLogger(__name__)

# The bot of THIS worker process (set by the pool initializer; one per process by
# construction). Process pools offer no other place for per-worker state.
_WORKER: dict[str, Any] = {}


def resolve_workers(value: str | int | None) -> int:
    """``auto`` -> the CPU count; a number -> itself; 0/None -> 1 (serial)."""
    if value in (None, "", 0, "0"):
        return 1
    if str(value) == "auto":
        return max(1, os.cpu_count() or 1)
    try:
        count = int(value)
    except ValueError as exc:
        raise DialogError(f"-n must be 'auto' or a number of processes, not '{value}'") from exc
    if count < 1:
        raise DialogError(f"-n must be at least 1, not {count}")
    return count


def _start_worker(domain: str, llm: str) -> None:
    """Pool initializer: load the config and start the bot once for this process."""
    from dialog.config import load_bot
    from dialog.nlu.spacy_import import import_spacy_without_torch
    from dialog.testing.runner import StoryRunner, build_test_bot, wait_for_llm

    config = load_bot(domain)
    import_spacy_without_torch(config)
    loop = asyncio.new_event_loop()
    bot = build_test_bot(config, llm)
    loop.run_until_complete(bot.start())
    if llm == "real":
        loop.run_until_complete(wait_for_llm(bot))
    _WORKER.update(loop=loop, runner=StoryRunner(bot))


def _run_case(case: TestCase) -> CaseResult:
    return _WORKER["loop"].run_until_complete(_WORKER["runner"].run_case(case))


def run_in_processes(
    domain: str,
    cases: list[TestCase],
    workers: int,
    llm: str = "real",
    fail_fast: bool = False,
    on_result: Callable[[CaseResult], None] | None = None,
) -> SuiteResult:
    """Run ``cases`` across ``workers`` processes.

    Results are released in case order (``on_result`` sees exactly what a serial run
    would show, in the same order, only in bursts); with ``fail_fast`` nothing after
    the first failing case is released and the cases not yet started are cancelled.
    """
    started = time.perf_counter()
    workers = max(1, min(workers, len(cases)))
    finished: dict[int, CaseResult] = {}
    released: list[CaseResult] = []
    stop = False
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker, initargs=(domain, llm)) as pool:
        pending: dict[Future[CaseResult], int] = {pool.submit(_run_case, case): index for index, case in enumerate(cases)}
        while pending and not stop:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                index = pending.pop(future)
                try:
                    finished[index] = future.result()
                except BrokenProcessPool as exc:
                    raise DialogError(f"a test worker process died ({exc}); run without -n to see why") from exc
            while not stop and len(released) in finished:
                result = finished[len(released)]
                released.append(result)
                if on_result:
                    on_result(result)
                stop = fail_fast and not result.passed
        for future in pending:
            future.cancel()  # only after a fail-fast stop; running cases finish, unreported
    suite = SuiteResult(released, duration_s=time.perf_counter() - started)
    suite.stopped_early = stop and len(released) < len(cases)
    return suite
