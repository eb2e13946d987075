"""``dialog validate``: import every in-process Python action and find its function.

Loading a bot only checks that an action's module file exists (importing user code
on every start would run it). ``dialog validate`` goes further: it imports each
``module:function`` and checks that the function is there, so a typo or an import
error shows up before the first user meets it. A Rasa project's custom actions, written
for a Rasa SDK action server that endpoints.yml does not name, are a warning, as in Rasa.
"""

from __future__ import annotations

import re
from pathlib import Path

from dialog.config.models import ACTION_SERVER, BotConfig
from dialog.errors import ActionError, Problem
from dialog.flows.action_runner import ActionRunner

__all__ = ["check_action_imports"]


def check_action_imports(config: BotConfig) -> tuple[list[Problem], list[Problem]]:
    """(errors, warnings): an error per action whose module does not import or lacks the
    function; a warning per Rasa-listed action written for a Rasa SDK action server
    (``_written_for_rasa_sdk``), which Rasa itself only reports when the action runs."""
    runner = ActionRunner(config.domain.actions, config.root)
    path = config.domain.path or str(Path(config.root) / "domain.yml")
    errors, warnings = [], []
    for name, reference in config.domain.actions.items():
        if reference == ACTION_SERVER or _never_called(name, config):
            continue
        try:
            runner.function(name)
        except ActionError as exc:
            line, column = _line_of(path, name)
            if reference == f"actions:{name}" and _written_for_rasa_sdk(config.root, exc):
                warnings.append(Problem(path, line, column, _NO_ACTION_SERVER.format(name=name)))
            else:
                errors.append(Problem(path, line, column, str(exc)))
    return errors, warnings


_NO_ACTION_SERVER = (
    "action '{name}' is a Rasa SDK custom action, but endpoints.yml names no action_endpoint: "
    "it does not run here, and the bot says utter_internal_error where it would; add an action_endpoint "
    "(and run `rasa run actions`), or write it as a function in actions.py"
)


def _written_for_rasa_sdk(root: Path, error: ActionError) -> bool:
    """A Rasa project keeps its actions in an ``actions/`` package of ``rasa_sdk`` classes (or
    has none in the repository): with no ``actions.py`` module of functions, or one that needs
    ``rasa_sdk``, a listed action is for an action server, not a typo here."""
    if not (Path(root) / "actions.py").is_file():
        return True
    cause = error.__cause__
    return isinstance(cause, ModuleNotFoundError) and (cause.name or "").split(".")[0] == "rasa_sdk"


def _never_called(name: str, config: BotConfig) -> bool:
    """A Rasa form's ``validate_<form>`` is optional: without an action server or function the
    form runs unvalidated (``ActionRunner.runnable``), so a missing one is not an error."""
    return name.startswith("validate_") and name.removeprefix("validate_") in config.domain.forms


def _line_of(path: str, name: str) -> tuple[int, int]:
    """Where ``name:`` (or ``- name``) is written in domain.yml (0, 0 when it cannot be found)."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError:
        return 0, 0
    pattern = re.compile(rf"^(\s*-?\s*){re.escape(name)}\s*(:|#|$)")  # `name: ref` or a list item `- name`
    for number, line in enumerate(lines, start=1):
        match = pattern.match(line)
        if match:
            return number, len(match.group(1)) + 1
    return 0, 0
