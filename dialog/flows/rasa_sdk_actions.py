"""Custom actions a Rasa project wrote for a Rasa SDK action server, with none configured.

A Rasa 3 project lists its custom actions in domain.yml and keeps them as
``rasa_sdk`` classes in an ``actions/`` package, served by ``rasa run actions``. With an
``action_endpoint`` in endpoints.yml they run on that server here too. Without one,
such an action cannot run: Rasa only logs that when the action is predicted, so
``dialog validate`` warns (not an error), and a turn that needs it says the same in
its log before ``utter_internal_error``. rasa_sdk's ``ActionQueryKnowledgeBase`` gets
a word of its own: dialog's knowledge answers do that job from documents instead.
"""

from __future__ import annotations

from pathlib import Path

from dialog.errors import ActionError

__all__ = ["RasaSdkActionError", "rasa_sdk_error"]

_KNOWLEDGE_BASE_CLASS = "ActionQueryKnowledgeBase"


class RasaSdkActionError(ActionError):
    """A Rasa SDK custom action with no action server to run it."""


def rasa_sdk_error(name: str, root: Path, error: ActionError) -> RasaSdkActionError | None:
    """The error to report instead of ``error`` (an action ``name`` listed Rasa-style in
    domain.yml, that did not load from ``root``), when it was written for an action server."""
    if not _written_for_rasa_sdk(root, error):
        return None
    message = (
        f"action '{name}' is a Rasa SDK custom action, but endpoints.yml names no action_endpoint: it does not run here, "
        "and the bot says utter_internal_error where it would; add an action_endpoint (and run `rasa run actions`), "
        "or write it as a function in actions.py"
    )
    if _uses_knowledge_base(root):
        message += (
            f"; rasa_sdk's {_KNOWLEDGE_BASE_CLASS} runs only on the action server: dialog's own knowledge answers "
            "read Markdown or text documents in knowledge/ instead (README, 'Answers from documents')"
        )
    return RasaSdkActionError(message)


def _written_for_rasa_sdk(root: Path, error: ActionError) -> bool:
    """No ``actions.py`` module of functions (an ``actions/`` package, or no code in the
    repository), or one that needs ``rasa_sdk``: the action is for a server, not a typo."""
    if not (root / "actions.py").is_file():
        return True
    cause = error.__cause__
    return isinstance(cause, ModuleNotFoundError) and (cause.name or "").split(".")[0] == "rasa_sdk"


def _uses_knowledge_base(root: Path) -> bool:
    """Whether the project's action code subclasses rasa_sdk's knowledge-base action."""
    sources = [root / "actions.py", *sorted((root / "actions").glob("*.py"))]
    for source in sources:
        try:
            if _KNOWLEDGE_BASE_CLASS in source.read_text(encoding="utf-8", errors="replace"):
                return True
        except OSError:
            continue
    return False
