"""Custom actions load from the domain folder, sync or async, and their failures are contained."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest

from dialog.actions import ActionContext, ActionResult
from dialog.errors import ActionError
from dialog.flows.action_runner import ActionRunner


def ctx(**slots) -> ActionContext:
    return ActionContext("u1", slots, {"text": "hi"})


def write_domain(root: Path, actions: str, helpers: str = "") -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "actions.py").write_text(actions)
    if helpers:
        (root / "helpers.py").write_text(helpers)
    return root


def test_sync_async_and_relative_imports(tmp_path: Path) -> None:
    root = write_domain(
        tmp_path / "a",
        "from .helpers import STATUS\n"
        "from dialog.actions import ActionResult\n"
        "def sync(ctx):\n    return {'status': STATUS[ctx.slots['id']]}\n"
        "async def asynchronous(ctx):\n    return ActionResult(slots={'x': 1}, responses=('utter_ok',), texts=('hi',))\n"
        "def nothing(ctx):\n    return None\n",
        "STATUS = {'1': 'shipped'}\n",
    )
    runner = ActionRunner({"sync": "actions:sync", "async": "actions:asynchronous", "none": "actions:nothing"}, root)
    assert asyncio.run(runner.run("sync", ctx(id="1"))) == ActionResult(slots={"status": "shipped"})
    assert asyncio.run(runner.run("async", ctx())).responses == ("utter_ok",)
    assert asyncio.run(runner.run("none", ctx())) == ActionResult()
    assert str(tmp_path) not in sys.path


def test_two_domains_may_both_have_actions_py(tmp_path: Path) -> None:
    one = write_domain(tmp_path / "one", "def f(ctx):\n    return {'who': 'one'}\n")
    two = write_domain(tmp_path / "two", "def f(ctx):\n    return {'who': 'two'}\n")
    assert asyncio.run(ActionRunner({"f": "actions:f"}, one).run("f", ctx())).slots == {"who": "one"}
    assert asyncio.run(ActionRunner({"f": "actions:f"}, two).run("f", ctx())).slots == {"who": "two"}


def test_failures_are_action_errors(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    root = write_domain(tmp_path / "b", "def boom(ctx):\n    raise ValueError('no db')\ndef odd(ctx):\n    return 42\n")
    runner = ActionRunner({"boom": "actions:boom", "odd": "actions:odd", "gone": "missing:f", "typo": "actions:nope"}, root)
    with pytest.raises(ActionError, match="action 'boom' raised ValueError: no db"):
        asyncio.run(runner.run("boom", ctx()))
    assert "Traceback" in caplog.text
    with pytest.raises(ActionError, match="returned int"):
        asyncio.run(runner.run("odd", ctx()))
    with pytest.raises(ActionError, match="no module missing.py"):
        runner.function("gone")
    with pytest.raises(ActionError, match="has no function 'nope'"):
        runner.function("typo")
    with pytest.raises(ActionError, match="unknown action 'other'"):
        runner.function("other")


def test_import_error_in_the_module(tmp_path: Path) -> None:
    root = write_domain(tmp_path / "c", "import not_a_real_module_xyz\ndef f(ctx):\n    return None\n")
    with pytest.raises(ActionError, match="importing actions failed: ModuleNotFoundError"):
        ActionRunner({"f": "actions:f"}, root).function("f")
