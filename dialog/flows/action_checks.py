"""``dialog validate``: import every in-process Python action and find its function.

Loading a bot only checks that an action's module file exists (importing user code
on every start would run it). ``dialog validate`` goes further: it imports each
``module:function`` and checks that the function is there, so a typo or an import
error shows up before the first user meets it. A Rasa project's custom actions, written
for a Rasa SDK action server that endpoints.yml does not name, are a warning, as in Rasa,
and so is a custom action that replaces one of Rasa's default actions (never called here).
"""

from __future__ import annotations

import re
from pathlib import Path

from dialog.config.models import ACTION_SERVER, BotConfig
from dialog.config.rasa.dialogue import RASA_DEFAULT_ACTIONS
from dialog.errors import ActionError, Problem
from dialog.flows.action_runner import ActionRunner
from dialog.flows.rasa_sdk_actions import RasaSdkActionError

__all__ = ["check_action_imports"]


def check_action_imports(config: BotConfig) -> tuple[list[Problem], list[Problem]]:
    """(errors, warnings): an error per action whose module does not import or lacks the
    function; a warning per Rasa-listed action written for a Rasa SDK action server
    (``rasa_sdk_actions``), which Rasa itself only reports when the action runs."""
    runner = ActionRunner(config.domain.actions, config.root)
    path = config.domain.path or str(Path(config.root) / "domain.yml")
    errors, warnings = [], []
    for name, reference in config.domain.actions.items():
        if name in RASA_DEFAULT_ACTIONS:
            warnings.append(Problem(path, *_line_of(path, name), _overridden(name)))
            continue
        if reference == ACTION_SERVER or _never_called(name, config):
            continue
        try:
            runner.function(name)
        except RasaSdkActionError as exc:
            warnings.append(Problem(path, *_line_of(path, name), str(exc)))
        except ActionError as exc:
            errors.append(Problem(path, *_line_of(path, name), str(exc)))
    return errors, warnings


# What does the job of a Rasa default action that a project overrides with its own.
_BUILT_IN_JOB = {
    "action_session_start": "a new session starts with empty slots, after session_config's expiration time",
    "action_restart": "/restart (or a flow's action_restart step) clears the conversation",
    "action_default_fallback": "the LLM fallback (utter_default without one) answers",
}


def _overridden(name: str) -> str:
    """Rasa lets a project replace its default actions (a custom ``action_session_start``
    that sets slots); here the built-in behaviour runs and the custom one is never called."""
    job = _BUILT_IN_JOB.get(name, "Rasa's machinery behind it is not used; write a flow in flows.yml")
    return f"action '{name}' overrides Rasa's default action of that name, which is not called here: {job}"


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
