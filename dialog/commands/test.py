"""``dialog test DOMAIN [PATHS...]``: run end-to-end story tests against the bot.

Cases come from ``PATHS`` (files or folders) or, by default, from
``stories/<bot name>/`` next to the ``domains/`` folder that holds the bot (or under
the current directory, or the bot's ``tests/`` folder as in a Rasa project). Both Rasa Pro ``test_cases:`` and Rasa ``stories:`` files
run; ``dialog.testing.matching`` documents how steps are compared.

The model is trained first when it is missing or stale. ``--llm`` chooses the
language model for fallback turns: ``real`` (default) is the one config.yml names,
``fake`` a canned instant reply; stories never compare generated text (they assert
``llm_fallback: true``), so ``--llm fake`` gives the same verdicts, only faster.

Exit codes: 0 all passed, 1 a case failed, 2 a usage or config error.
"""

from __future__ import annotations

import asyncio
import dataclasses
import fnmatch
import sys
from pathlib import Path
from typing import Any, Callable

import click

from dialog.config import load_bot
from dialog.config.models import BotConfig
from dialog.errors import ConfigError, DialogError, Problem
from dialog.nlu.spacy_import import import_spacy_without_torch
from dialog.testing.case_checks import problems_by_case
from dialog.testing.report import case_line, failure_report, summary_line, write_junit
from dialog.testing.results import CaseResult, Failure, SuiteResult
from dialog.testing.stories import TestCase, load_cases

__all__ = ["command", "default_story_dir", "select_cases"]

PROGRESS_BAR_MIN_CASES = 10


def default_story_dir(domain: Path, config: BotConfig) -> Path:
    """``stories/<name>`` beside the bot's ``domains/`` folder, else under the current
    directory, else the bot's own ``tests/`` folder (where a Rasa project keeps them)."""
    candidates = [
        domain.resolve().parent.parent / "stories" / config.name,
        Path.cwd() / "stories" / config.name,
        domain.resolve() / "tests",
    ]
    for candidate in candidates:
        if candidate.is_dir():
            try:
                return candidate.relative_to(Path.cwd())
            except ValueError:
                return candidate
    searched = ", ".join(str(c) for c in dict.fromkeys(candidates))
    raise ConfigError(Problem(str(domain), 0, 0, f"no story folder found (looked in {searched}); pass story files or folders"))


def select_cases(cases: list[TestCase], patterns: tuple[str, ...]) -> list[TestCase]:
    """Cases whose ``file::name`` contains a pattern (case-insensitive; ``*``/``?`` globs)."""
    if not patterns:
        return cases

    def matches(case: TestCase, pattern: str) -> bool:
        target, pattern = case.id.lower(), pattern.lower()
        if any(char in pattern for char in "*?["):
            return fnmatch.fnmatch(target, pattern) or fnmatch.fnmatch(target, f"*{pattern}*")
        return pattern in target

    return [case for case in cases if any(matches(case, pattern) for pattern in patterns)]


def _styled(result: CaseResult) -> str:
    line = case_line(result)
    status, rest = line.split(" ", 1)
    return click.style(status, fg="green" if result.passed else "red", bold=True) + " " + rest


class _Output:
    """One line per case on stdout; a progress bar on stderr for long suites in a terminal.

    The bar appears with the first result, so its time estimate leaves out the
    model loading before it.
    """

    def __init__(self, total: int) -> None:
        self.total = total
        self.show_bar = total >= PROGRESS_BAR_MIN_CASES and sys.stderr.isatty()
        self.bar: Any = None

    def __enter__(self) -> _Output:
        return self

    def __exit__(self, *exc: Any) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)

    def __call__(self, result: CaseResult) -> None:
        if self.bar is not None:
            click.echo("\r\033[K", err=True, nl=False)  # clear the bar's line before printing above it
        click.echo(_styled(result))
        if self.show_bar and self.bar is None:
            self.bar = click.progressbar(length=self.total, label="stories", file=sys.stderr, show_pos=True)
            self.bar.__enter__()
        if self.bar is not None:
            self.bar.update(1)


async def _run_serial(config: BotConfig, cases: list[TestCase], llm: str, fail_fast: bool, on_result: Callable[[CaseResult], None]) -> SuiteResult:
    from dialog.testing.runner import StoryRunner, build_test_bot, wait_for_llm

    bot = build_test_bot(config, llm)
    await bot.start()
    try:
        if llm == "real":
            await wait_for_llm(bot, on_wait=lambda message: click.echo(message, err=True))
        return await StoryRunner(bot).run(cases, fail_fast=fail_fast, on_result=on_result)
    finally:
        await bot.close()


def _frozen_now(value: str | None) -> str | None:
    from dialog.testing.clock import frozen_now

    if value is None:
        return None
    frozen = frozen_now(value)
    if frozen is None:
        raise click.BadParameter(f"{value!r} is not an ISO date and time such as 2030-05-06T10:00:00", param_hint="--now")
    return frozen


def _train(config: BotConfig) -> None:
    from dialog.nlu.training import train_model

    result = train_model(config, progress=lambda message: click.echo(f"  {message}", err=True))
    if not result.skipped:
        click.echo(f"trained the NLU model in {result.seconds:.1f}s: {result.path}", err=True)


@click.command("test")
@click.argument("domain", type=click.Path(path_type=Path))
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--junit", type=click.Path(path_type=Path), default=None, help="Write JUnit XML results to this file.")
@click.option("-x", "--fail-fast", is_flag=True, help="Stop at the first failing case.")
@click.option("-k", "patterns", multiple=True, metavar="PATTERN", help="Run only cases whose 'file::name' contains PATTERN (globs allowed; repeatable).")
@click.option("-n", "workers", default="1", show_default=True, metavar="auto|N", help="Run cases in N processes ('auto': one per CPU); each loads the bot, so it pays off for long suites.")
@click.option("--coverage", is_flag=True, help="Report the flows, flow steps and responses that no case reached.")
@click.option("--llm", type=click.Choice(["real", "fake"]), default="real", show_default=True, help="The model for LLM fallback turns: as configured, or an instant fake (stories never compare LLM text).")
@click.option("--now", "now", default=None, metavar="ISO", help="Freeze the bot's clock at this moment (e.g. 2030-05-06T10:00:00) in cases without their own 'now:'.")
def command(domain: Path, paths: tuple[Path, ...], junit: Path | None, fail_fast: bool, patterns: tuple[str, ...], workers: str, coverage: bool, llm: str, now: str | None) -> None:
    """Run the end-to-end test stories of the bot in DOMAIN.

    PATHS are story files or folders (default: stories/<bot name>/, else DOMAIN/tests/).
    Rasa Pro test_cases and Rasa test stories both run. Each case runs
    in a fresh conversation; a failure prints the first step that did not hold,
    with the turn's parse, slots and active flow. Exits 1 if any case fails.
    """
    from dialog.testing.parallel import resolve_workers, run_in_processes

    frozen = _frozen_now(now)
    config = load_bot(domain)
    import_spacy_without_torch(config)
    count = resolve_workers(workers)
    story_paths = list(paths) or [default_story_dir(domain, config)]
    cases = select_cases(load_cases(story_paths), patterns)
    if frozen is not None:
        cases = [case if case.now else dataclasses.replace(case, now=frozen) for case in cases]
    unrunnable = problems_by_case(cases, config)
    if unrunnable and len(unrunnable) == len(cases):
        raise ConfigError([problem for found in unrunnable.values() for problem in found])
    for problem in (problem for found in unrunnable.values() for problem in found):
        click.echo(f"error: {problem}", err=True)  # that case fails; the others run, as in `rasa test`
    broken = [_named_nothing(case, unrunnable[case.id]) for case in cases if case.id in unrunnable]
    cases = [case for case in cases if case.id not in unrunnable]
    if not cases and not broken:
        where = ", ".join(str(p) for p in story_paths)
        raise DialogError(f"no test cases to run in {where}" + (f" matching -k {' '.join(patterns)}" if patterns else ""))
    _train(config)
    with _Output(len(cases)) as output:
        if count > 1 and len(cases) > 1:
            suite = run_in_processes(str(domain), cases, count, llm, fail_fast, output)
        else:
            suite = asyncio.run(_run_serial(config, cases, llm, fail_fast, output))
    suite.results.extend(broken)
    for result in suite.failed:
        click.echo("")
        click.echo(failure_report(result))
    if coverage:
        from dialog.testing.coverage import format_coverage, measure_coverage

        click.echo("")
        click.echo(format_coverage(measure_coverage(config, suite.results)))
    if junit is not None:
        write_junit(suite, junit, name=config.name)
    click.echo("")
    click.echo(click.style(summary_line(suite), fg="green" if suite.passed else "red", bold=True))
    if not suite.passed:
        click.get_current_context().exit(1)


def _named_nothing(case: TestCase, problems: list[Problem]) -> CaseResult:
    """A case that names what the bot does not have ("utter_gret"), as a failed result: it
    cannot pass, and running it would only show a mismatch that looks like a bot bug."""
    first = problems[0]
    failure = Failure("a step that names what the bot lacks", first.line, "a name the bot has", first.message, note="not run: fix the test case")
    return CaseResult(case_id=case.id, name=case.name, path=case.path, line=case.line, duration_s=0.0, failure=failure)

