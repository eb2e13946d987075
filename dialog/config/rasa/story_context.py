"""What came before a story's user turn, so stories whose answer depends on it can run.

In Rasa's moodbot, ``affirm`` after "Did that help you?" is answered with
``utter_happy``; in another bot ``affirm`` after "Shall I transfer?" with
``utter_done``. Rasa's policies learn that from the turn before. Here each such
answer becomes a flow guarded by the bot's latest action
(``context.latest_action in [...]``), when the stories say unambiguously which
action comes before which answer. A story that starts at a ``checkpoint`` continues
from the stories that end at it: their last actions are what came before.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from dialog.config.files import Document
from dialog.config.rasa.flow_yaml import name_at

__all__ = ["NOTHING_BEFORE", "StoryCheckpoints", "guard_for", "keyed_answers", "latest_actions"]


class StoryCheckpoints:
    """The last action of the stories that end at each checkpoint."""

    def __init__(self, documents: Iterable[Document]) -> None:
        self._last: dict[str, set[str]] = {}
        for story in _stories(documents):
            steps = _steps(story)
            if steps and name_at(steps[-1], "checkpoint"):
                actions = [name_at(step, "action") for step in steps if name_at(step, "action")]
                if actions:
                    self._last.setdefault(name_at(steps[-1], "checkpoint"), set()).add(actions[-1])

    def before(self, story: Any) -> frozenset[str]:
        """The actions that may precede a story: those ending its checkpoint's stories, or
        ``NOTHING_BEFORE`` for a story that starts with its first turn."""
        steps = _steps(story)
        names = [name_at(step, "checkpoint") for step in steps[:1] if name_at(step, "checkpoint")]
        if not names:
            return frozenset({NOTHING_BEFORE})
        return frozenset(action for name in names for action in self._last.get(name, ()))


NOTHING_BEFORE = ""  # in a set of latest actions: the turn may start a conversation or story


def latest_actions(steps: Any, before: frozenset[str], skipped: Iterable[str]) -> dict[int, frozenset[str]]:
    """For each step (by ``id``), the bot's latest action before it: the story's last
    ``action`` step so far (``skipped`` ones aside), or ``before`` at its start."""
    latest, found = before, {}
    skipped = set(skipped)
    for step in steps if isinstance(steps, list) else ():
        found[id(step)] = latest
        action = name_at(step, "action")
        if action and action not in skipped:
            latest = frozenset({action})
    return found


def keyed_answers(previous: list[frozenset[str]]) -> bool:
    """Whether answers that follow these sets of latest actions can be told apart by them:
    no action precedes two answers, and at most one answer (the default) may come first."""
    seen: set[str] = set()
    defaults = 0
    for actions in previous:
        if not actions:
            return False  # unknown (a checkpoint no story ends at)
        defaults += NOTHING_BEFORE in actions
        named = actions - {NOTHING_BEFORE}
        if seen & named:
            return False
        seen |= named
    return defaults <= 1


def guard_for(actions: frozenset[str]) -> str | None:
    """The flow guard that holds when the bot's latest action is one of ``actions``; None
    for the default answer (it is tried after the guarded ones)."""
    if NOTHING_BEFORE in actions or not actions:
        return None
    return f"context.latest_action in {sorted(actions)!r}"


def _stories(documents: Iterable[Document]) -> Iterable[Any]:
    for document in documents:
        stories = document.data.get("stories") if isinstance(document.data, dict) else None
        yield from (story for story in stories if isinstance(story, dict)) if isinstance(stories, list) else ()


def _steps(story: Any) -> list[Any]:
    steps = story.get("steps") if isinstance(story, dict) else None
    return [step for step in steps if isinstance(step, dict)] if isinstance(steps, list) else []
