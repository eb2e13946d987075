"""Every story of ``stories/<domain>/`` is one pytest case (docs/architecture.md, "Tests"), as ``dialog test`` runs it.

Collected at import from the stories folder; each domain's real NLU model is trained
(or found fresh) once per session, and the LLM is the fake one: stories assert
``llm_fallback`` and never generated text.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from dialog.config import load_bot
from dialog.testing.report import failure_report
from dialog.testing.runner import StoryRunner, build_test_bot
from dialog.testing.stories import TestCase, load_cases

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]


def _collect() -> list[Any]:
    params = []
    for story_dir in sorted(path for path in (ROOT / "stories").glob("*") if path.is_dir()):
        for case in load_cases([story_dir]):
            params.append(pytest.param(story_dir.name, case, id=f"{story_dir.name}/{case.id}"))
    return params


@pytest.fixture(scope="session")
def trained(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """domain name -> (config, loaded NLU pipeline), filled on first use.

    Under pytest-xdist every worker has its own session; a lock file in the temp
    folder the workers share lets one train while the others wait, then load.
    """
    return {"_locks": tmp_path_factory.getbasetemp().parent}


def _domain(trained: dict[str, Any], name: str) -> tuple[Any, Any]:
    if name not in trained:
        import fcntl

        from dialog.nlu.training import load_model

        config = load_bot(ROOT / "domains" / name)
        with open(trained["_locks"] / f"dialog-train-{name}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            trained[name] = (config, load_model(config, train_if_stale=True))
    return trained[name]


async def _run(config: Any, nlu: Any, case: TestCase) -> Any:
    bot = build_test_bot(config, llm="fake", nlu=nlu)
    await bot.start()
    try:
        return await StoryRunner(bot).run_case(case)
    finally:
        await bot.close()


@pytest.mark.parametrize(("domain", "case"), _collect())
def test_story(trained: dict[str, Any], domain: str, case: TestCase) -> None:
    config, nlu = _domain(trained, domain)
    result = asyncio.run(_run(config, nlu, case))
    if not result.passed:
        pytest.fail(failure_report(result), pytrace=False)


@pytest.mark.parametrize("domain", sorted(path.name for path in (ROOT / "stories").glob("*") if path.is_dir()))
def test_stories_name_only_what_the_bot_has(domain: str) -> None:
    from dialog.testing.case_checks import check_cases

    problems = check_cases(load_cases([ROOT / "stories" / domain]), load_bot(ROOT / "domains" / domain))
    assert not problems, "\n".join(str(problem) for problem in problems)
