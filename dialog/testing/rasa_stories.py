"""Rasa test stories (``tests/test_stories.yml``) as test cases::

    stories:
      - story: check an order
        steps:
          - user: |
              where is my order [123456](order_id)
            intent: check_order_status
          - action: utter_order_status
          - slot_was_set:
              - order_id: "123456"

In a Rasa story the annotations are removed from the text that is sent, and each
annotated entity becomes an ``entity`` assertion on that user turn; ``intent:`` becomes
an ``intent`` assertion; ``action:`` asserts an action or response of that turn. A
story step with ``intent:`` and no ``user:`` sends the intent as a payload
(``/greet{"order_id": "123456"}``), skipping the NLU, as Rasa does for such steps.
``active_loop:`` steps (Rasa forms) are accepted and ignored: flows replace forms;
so is ``action: action_listen``, which the next user step implies.
"""

from __future__ import annotations

import json
from typing import Any

from dialog.config.yaml_reader import LocatedMap, Mark
from dialog.errors import ConfigError
from dialog.testing.cases import ANY_VALUE, Step, TestCase
from dialog.testing.story_base import StoryFileReader

__all__ = ["RasaStoryReader"]

_STORY_CASE_KEYS = ("story", "steps", "metadata", "now")
_STORY_STEP_KEYS = ("user", "intent", "entities", "action", "slot_was_set", "active_loop", "bot", "metadata")


class RasaStoryReader(StoryFileReader):
    """Reads the ``stories:`` of a file (``read_story`` per item)."""

    def read_story(self, item: Any, mark: Mark) -> TestCase | None:
        if not isinstance(item, LocatedMap) or "story" not in item:
            self.problem(mark, "a story must be a mapping with 'story:' (its name) and 'steps:'")
            return None
        self._check_keys(item, _STORY_CASE_KEYS)
        steps = self._read_steps(item, self._read_story_step)
        now = self._read_now(item) or self.now
        return TestCase(name=str(item["story"]), steps=tuple(steps), path=self.path, line=mark[0], style="story", now=now) if steps else None

    def _read_story_step(self, step: LocatedMap) -> list[Step]:
        self._check_keys(step, _STORY_STEP_KEYS)
        if "user" in step or "intent" in step:
            return self._story_user_step(step)
        for kind in ("action", "bot"):
            if kind in step:
                value = self._as_written(step[kind], step.value_mark(kind)).strip()
                if kind == "action" and value == "action_listen":
                    return []  # Rasa's "wait for the user": implied by the next user step
                return [Step(kind, value, *step.value_mark(kind))]
        if "slot_was_set" in step:
            return [Step("slot_was_set", pair, *m) for pair, m in self._slot_pairs(step["slot_was_set"], step.value_mark("slot_was_set"))]
        if "active_loop" in step:
            return []
        if not any(key in step for key in _STORY_STEP_KEYS):
            return []  # unknown keys were reported by _check_keys
        self.problem(step.mark, "a story step needs one of: user, intent, action, slot_was_set, active_loop, bot")
        return []

    def _story_user_step(self, step: LocatedMap) -> list[Step]:
        intent = step.get("intent")
        if isinstance(intent, str) and intent.startswith("/"):
            intent = intent[1:]  # `intent: /restart`, written as the payload that sends it
        entities = self._story_entities(step)
        if "user" not in step:
            mark = step.value_mark("intent")
            payload = f"/{intent}" + (json.dumps(dict(entities), ensure_ascii=False) if entities else "")
            return [Step("user", payload, *mark), Step("intent", str(intent), *mark)]
        mark = step.value_mark("user")
        raw = self._as_written(step["user"], mark).strip()
        try:
            text, annotated = self.parse_annotations(raw)
        except ConfigError as error:
            for problem in error.problems:
                self.problem(mark, problem.message)
            return []
        steps = [Step("user", text, *mark, metadata=self._user_metadata(step))]
        if intent is not None:
            steps.append(Step("intent", str(intent), *step.value_mark("intent")))
        for entity in annotated:
            span = text[entity.start : entity.end]
            value = ANY_VALUE if entity.value == span else entity.value  # no explicit value: any normalisation
            steps.append(Step("entity", (entity.entity, value), *mark, metadata={"span": span}))
        for name, value in entities:
            steps.append(Step("entity", (name, value), *step.value_mark("entities")))
        return steps

    def _story_entities(self, step: LocatedMap) -> list[tuple[str, Any]]:
        """Rasa's ``entities:`` list: names or ``{entity: value}`` items."""
        raw = step.get("entities")
        if raw is None:
            return []
        if not isinstance(raw, list):
            self.problem(step.value_mark("entities"), "'entities' must be a list of names or {entity: value} items")
            return []
        pairs: list[tuple[str, Any]] = []
        for item in raw:
            if isinstance(item, dict):
                pairs.extend((str(k), v) for k, v in item.items())
            else:
                pairs.append((str(item), ANY_VALUE))
        return pairs
