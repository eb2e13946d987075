"""Rasa's end-to-end training stories: user turns written as text, bot turns as text.

Rasa's e2ebot has stories such as::

    - intent: search_restaurant
    - bot: "how about sushi?"
    - user: "I can always go for sushi"
    - action: utter_search_restaurants

Rasa's TEDPolicy reads such text directly. Here flows start on intents, so:

- a ``bot:`` text that is a variation of exactly one response is that response's
  action (``utter_suggest_cuisine``), so the stories around it read as usual;
- a ``user:`` text with no intent is learnt as an NLU example of the one intent that
  other stories answer with the same actions after the same bot action ("I had that
  yesterday" after a suggestion, answered by suggesting again, is ``deny``). When no
  intent, or more than one, fits, the text is named in a warning and not learnt.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from dialog.config.files import Document
from dialog.config.rasa.flow_yaml import located
from dialog.config.schema import Reporter
from dialog.config.yaml_reader import LocatedMap, Mark

__all__ = ["TextTurn", "bot_texts_as_actions", "learnt_texts"]


@dataclass(frozen=True)
class TextTurn:
    """A story's user turn written as text: what the bot did before it and after it."""

    text: str
    previous: frozenset[str]
    actions: tuple[str, ...]
    mark: Mark
    path: str
    story: str


def bot_texts_as_actions(documents: Iterable[Document], domain_documents: Iterable[Document], reporter: Reporter) -> None:
    """Give each story step ``bot: "text"`` the ``action`` of the one response with that text
    (in place: the steps are read by the story conversion only)."""
    owners = _response_texts([*domain_documents, *documents])
    for document in documents:
        for story in _stories(document):
            steps = story.get("steps")
            for step in steps if isinstance(steps, list) else ():
                text = step.get("bot") if isinstance(step, LocatedMap) and "action" not in step else None
                if not isinstance(text, str):
                    continue
                names = owners.get(text.strip(), set())
                if len(names) == 1:
                    step["action"] = next(iter(names))
                    step.key_marks["action"] = step.value_marks["action"] = step.key_mark("bot")
                    continue
                why = "no response has it as a text" if not names else f"it is a text of {', '.join(sorted(names))}"
                reporter.file(document.path).warn(step.key_mark("bot"), f"story '{story.get('story')}': bot text {text.strip()!r} is skipped: {why}")


def learnt_texts(texts: list[TextTurn], answers: dict[str, list[tuple[tuple[str, ...], set[str]]]], reporter: Reporter) -> Iterator[Document]:
    """NLU documents with each text as an example of the one intent answered the same way.

    ``answers``: intent -> (actions, the bot actions they follow) of every story turn."""
    for turn in texts:
        same = [intent for intent, replies in answers.items() if any(actions == turn.actions for actions, _ in replies)]
        after_same = [intent for intent in same if any(actions == turn.actions and previous & turn.previous for actions, previous in answers[intent])]
        fitting = after_same or same
        report = reporter.file(turn.path)
        if len(fitting) != 1 or not turn.actions:
            why = f"intents {', '.join(sorted(fitting))} all do" if fitting else "no intent's stories do"
            answered = f"it is answered with {', '.join(turn.actions)}, and {why}" if turn.actions else "no action answers it"
            report.warn(turn.mark, f"story '{turn.story}': user text {turn.text!r} is not learnt: {answered}; give the step an intent")
            continue
        report.warn(turn.mark, f"story '{turn.story}': user text {turn.text!r} is learnt as an example of intent '{fitting[0]}'")
        data = located({"nlu": [{"intent": fitting[0], "examples": [turn.text]}]}, turn.mark)
        yield Document(turn.path, data, ())


def _response_texts(documents: Iterable[Document]) -> dict[str, set[str]]:
    """Each response variation's text -> the responses that have it."""
    owners: dict[str, set[str]] = {}
    for document in documents:
        responses = document.data.get("responses") if isinstance(document.data, dict) else None
        for name, variations in responses.items() if isinstance(responses, dict) else ():
            for variation in variations if isinstance(variations, list) else ():
                text = variation.get("text") if isinstance(variation, dict) else None
                if isinstance(text, str):
                    owners.setdefault(text.strip(), set()).add(str(name))
    return owners


def _stories(document: Document) -> Iterator[Any]:
    stories = document.data.get("stories") if isinstance(document.data, dict) else None
    yield from (story for story in stories if isinstance(story, dict)) if isinstance(stories, list) else ()
