"""``dialog validate``: import every in-process Python action and find its function.

Loading a bot only checks that an action's module file exists (importing user code
on every start would run it). ``dialog validate`` goes further: it imports each
``module:function`` and checks that the function is there, so a typo or an import
error shows up before the first user meets it.
"""

from __future__ import annotations

import re
from pathlib import Path

from dialog.config.models import ACTION_SERVER, BotConfig
from dialog.errors import ActionError, Problem
from dialog.flows.action_runner import ActionRunner

__all__ = ["check_action_imports"]


def check_action_imports(config: BotConfig) -> list[Problem]:
    """One problem per action whose module does not import or lacks the function."""
    runner = ActionRunner(config.domain.actions, config.root)
    path = config.domain.path or str(Path(config.root) / "domain.yml")
    problems = []
    for name, reference in config.domain.actions.items():
        if reference == ACTION_SERVER or _never_called(name, config):
            continue
        try:
            runner.function(name)
        except ActionError as exc:
            line, column = _line_of(path, name)
            problems.append(Problem(path, line, column, str(exc)))
    return problems


def _never_called(name: str, config: BotConfig) -> bool:
    """A Rasa form's ``validate_<form>`` is optional: without an action server or function the
    form runs unvalidated (``ActionRunner.runnable``), so a missing one is not an error."""
    return name.startswith("validate_") and name.removeprefix("validate_") in config.domain.forms


def _line_of(path: str, name: str) -> tuple[int, int]:
    """Where ``name:`` is written in domain.yml (0, 0 when it cannot be found)."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError:
        return 0, 0
    pattern = re.compile(rf"^(\s*-?\s*){re.escape(name)}\s*:")
    for number, line in enumerate(lines, start=1):
        match = pattern.match(line)
        if match:
            return number, len(match.group(1)) + 1
    return 0, 0
