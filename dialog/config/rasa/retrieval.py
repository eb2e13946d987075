"""Rasa's retrieval intents (the FAQ pattern) run as one flow per sub-intent.

A Rasa project writes ``faq/ask_name`` examples, lists ``faq`` in the domain, answers
with ``utter_faq/ask_name`` and has one rule "``intent: faq`` -> ``action: utter_faq``"
(or Rasa's built-in ``respond_faq``, which does the same);
Rasa's ResponseSelector picks the sub-intent at run time. Here the classifier learns
each sub-intent as an intent (``intents``), and that rule becomes one flow per
sub-intent, triggered by ``faq/ask_name`` and uttering ``utter_faq/ask_name``.

Rasa lets responses live in training-data files too (``responses:`` next to ``nlu:``);
``responses_documents`` hands them to the domain.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dialog.config.files import Document
from dialog.config.rasa.flow_yaml import slug
from dialog.config.rasa.intents import RETRIEVAL_ACTION_PREFIX, retrieval_base
from dialog.config.schema import FileReport
from dialog.config.yaml_reader import LocatedMap, Mark

__all__ = ["RetrievalIntents", "responses_documents"]

Action = tuple[str, Mark]


@dataclass
class RetrievalIntents:
    """The sub-intents of each retrieval intent, from the NLU files, and the responses there are."""

    subs: dict[str, list[str]] = field(default_factory=dict)  # faq -> [faq/ask_name, ...]
    responses: set[str] = field(default_factory=set)

    @classmethod
    def read(cls, nlu_documents: list[Document], domain_documents: list[Document]) -> RetrievalIntents:
        found = cls()
        for document in nlu_documents:
            items = document.data.get("nlu") if isinstance(document.data, dict) else None
            for item in items if isinstance(items, list) else ():
                name = item.get("intent") if isinstance(item, dict) else None
                if isinstance(name, str) and retrieval_base(name):
                    subs = found.subs.setdefault(retrieval_base(name), [])
                    if name not in subs:
                        subs.append(name)
        for document in [*domain_documents, *nlu_documents]:
            responses = document.data.get("responses") if isinstance(document.data, dict) else None
            found.responses.update(str(name) for name in (responses if isinstance(responses, dict) else ()))
        return found

    def split(self, intents: tuple[str, ...], actions: list[Action], report: FileReport) -> list[tuple[str, tuple[str, ...], list[Action]]]:
        """``(flow id suffix, trigger intents, actions)`` for each flow one turn becomes: one
        per sub-intent of each retrieval intent, ``utter_faq`` becoming ``utter_faq/<sub>``."""
        bases = [intent for intent in intents if intent in self.subs]
        if not bases:
            return [("", intents, actions)]
        plain = tuple(intent for intent in intents if intent not in self.subs)
        groups = [("", plain, actions)] if plain else []
        for base in bases:
            for full in self.subs[base]:
                answers = (f"utter_{base}", f"{RETRIEVAL_ACTION_PREFIX}{base}")
                renamed = [(f"utter_{full}" if action in answers else action, mark) for action, mark in actions]
                missing = [action for action, _ in renamed if action == f"utter_{full}" and action not in self.responses]
                if missing:
                    report.warn(actions[0][1] if actions else (0, 0), f"retrieval intent '{full}' has examples but no response '{missing[0]}'; it is not answered")
                    continue
                groups.append((f"_{slug(full)}", (full,), renamed))
        return groups


def responses_documents(nlu_documents: list[Document]) -> list[Document]:
    """Domain documents holding the ``responses:`` of training-data files."""
    found = []
    for document in nlu_documents:
        data: Any = document.data
        if isinstance(data, LocatedMap) and "responses" in data:
            part = LocatedMap({"responses": data["responses"]})
            part.mark = data.mark
            part.key_marks["responses"] = data.key_mark("responses")
            part.value_marks["responses"] = data.value_mark("responses")
            found.append(Document(document.path, part, document.lines))
    return found
