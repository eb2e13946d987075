"""Rasa Pro's ``assertions:`` under a user step, read into our steps.

Rasa Pro 3.10+ lets a user step carry a list of assertions about its turn::

    - user: I want to cancel order 234567
      assertions:
        - flow_started: cancel_order
        - slot_was_set:
            - name: order_id
              value: "234567"
        - bot_uttered:
            utter_name: utter_ask_confirmed
            text_matches: "cancel order 234567\\?"
        - action_executed: lookup_order

They become the same steps as the plain format, except ``bot_uttered``: an assertion
holds if ANY bot message of the turn has that response name and text (a regular
expression, searched), so assertions need not list every message or keep order,
as in Rasa (``buttons`` is accepted but not compared). Assertions that need an LLM judge (``generative_response_is_relevant``,
``generative_response_is_grounded``) or Rasa's clarification pattern are reported
as unsupported.
"""

from __future__ import annotations

import re
from typing import Any

from dialog.config.yaml_reader import LocatedList, LocatedMap, Mark
from dialog.errors import Problem
from dialog.testing.cases import ANY_VALUE, Step

__all__ = ["ASSERTION_KEYS", "read_assertions"]

_SIMPLE = {"flow_started": "flow_started", "flow_completed": "flow_completed", "flow_cancelled": "flow_cancelled", "action_executed": "action"}
_SLOTS = ("slot_was_set", "slot_was_not_set")
ASSERTION_KEYS = tuple(_SIMPLE) + _SLOTS + ("bot_uttered",)
_UNSUPPORTED = ("generative_response_is_relevant", "generative_response_is_grounded", "pattern_clarification_contains")


class _Reader:
    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []

    def problem(self, mark: Mark, message: str) -> None:
        self.problems.append(Problem(self.path, mark[0], mark[1], message))

    def read(self, items: Any, mark: Mark) -> list[Step]:
        if not isinstance(items, LocatedList):
            self.problem(mark, "'assertions' must be a list such as '- flow_started: my_flow'")
            return []
        steps: list[Step] = []
        for index, item in enumerate(items):
            if not isinstance(item, LocatedMap) or len(item) != 1:
                self.problem(items.item_mark(index), f"an assertion is one of: {', '.join(ASSERTION_KEYS)}")
                continue
            [(key, value)] = item.items()
            steps.extend(self._one(str(key), value, item.key_mark(key), item.value_mark(key)))
        return steps

    def _one(self, key: str, value: Any, key_mark: Mark, mark: Mark) -> list[Step]:
        if key in _SIMPLE:
            name = value.get("flow_id") if isinstance(value, dict) else value
            if not isinstance(name, str) or not name:
                self.problem(mark, f"'{key}' needs a name (or a mapping with 'flow_id')")
                return []
            return [Step(_SIMPLE[key], name, *mark)]
        if key in _SLOTS:
            return self._slots(key, value, mark)
        if key == "bot_uttered":
            return self._bot_uttered(value, mark)
        if key in _UNSUPPORTED:
            self.problem(key_mark, f"assertion '{key}' is not supported (it needs an LLM judge); use llm_fallback: true")
            return []
        self.problem(key_mark, f"unknown assertion '{key}'; valid: {', '.join(ASSERTION_KEYS)}")
        return []

    def _slots(self, key: str, value: Any, mark: Mark) -> list[Step]:
        if not isinstance(value, LocatedList) or not value:
            self.problem(mark, f"'{key}' needs a list of {{name: ..., value: ...}} items")
            return []
        steps = []
        for index, item in enumerate(value):
            if not isinstance(item, LocatedMap) or "name" not in item or set(item) - {"name", "value"}:
                self.problem(value.item_mark(index), f"a '{key}' item has 'name' and optionally 'value'")
                continue
            expected = item.get("value", ANY_VALUE)
            steps.append(Step(key, (str(item["name"]), expected), *value.item_mark(index)))
        return steps

    def _bot_uttered(self, value: Any, mark: Mark) -> list[Step]:
        if not isinstance(value, LocatedMap) or not ({"utter_name", "text_matches"} & set(value)):
            self.problem(mark, "'bot_uttered' needs 'utter_name' and/or 'text_matches'")
            return []
        for key in value:
            if key not in ("utter_name", "text_matches", "buttons"):
                self.problem(value.key_mark(key), f"unknown key '{key}'; valid keys: utter_name, text_matches, buttons")
        pattern = value.get("text_matches")
        if pattern is not None:
            try:
                re.compile(str(pattern))
            except re.error as exc:
                self.problem(value.value_mark("text_matches"), f"'text_matches' is not a valid regular expression: {exc}")
                return []
        name = value.get("utter_name")
        return [Step("bot_uttered", (name, None if pattern is None else str(pattern)), *mark)]


def read_assertions(items: Any, mark: Mark, path: str) -> tuple[list[Step], list[Problem]]:
    """The steps of one user step's ``assertions:`` list, and the problems found."""
    reader = _Reader(path)
    steps = reader.read(items, mark)
    return steps, reader.problems
