"""The shared part of reading a story file: where problems are reported, and the
helpers both formats use (steps, slot pairs, metadata, scalars as written).

``StoryFileReader`` collects every problem of a file with its ``file:line:col``;
``dialog/testing/rasa_stories.py`` adds Rasa's ``stories:``, ``dialog/testing/stories.py``
Rasa Pro's ``test_cases:`` and the file itself.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any, Callable, Mapping

from dialog.config.yaml_reader import LocatedList, LocatedMap, Mark
from dialog.errors import ConfigError, Problem
from dialog.testing.cases import ANY_VALUE, Step
from dialog.testing.clock import frozen_now

__all__ = ["AnnotationParser", "StoryFileReader"]

AnnotationParser = Callable[[str], tuple[str, list[Any]]]


def _default_annotation_parser() -> AnnotationParser:
    """The nlu.yml annotation parser of ``dialog.config`` (one grammar for both files)."""
    from dialog.config.annotations import AnnotationError, parse_annotated

    def parse(text: str) -> tuple[str, list[Any]]:
        try:
            plain, entities = parse_annotated(text)
        except AnnotationError as exc:
            raise ConfigError(str(exc)) from exc
        return plain, list(entities)

    return parse


def _iso(value: Any) -> Any:
    """YAML reads ``2030-05-07`` as a date; date and time slots hold it as ISO text."""
    return value.isoformat() if isinstance(value, (date, datetime)) else value


class StoryFileReader:
    """Turns located YAML into test cases, collecting every problem on the way."""

    def __init__(self, path: str, parse_annotations: AnnotationParser | None) -> None:
        self.path = path
        self._parse_annotations = parse_annotations
        self._lines: list[str] | None = None
        self.problems: list[Problem] = []
        self.metadata: Mapping[str, Any] = {}
        self.fixtures: dict[str, list[tuple[str, Any]]] = {}
        self.now: str | None = None

    def parse_annotations(self, text: str) -> tuple[str, list[Any]]:
        """Resolved on first use: only Rasa stories carry annotations."""
        if self._parse_annotations is None:
            self._parse_annotations = _default_annotation_parser()
        return self._parse_annotations(text)

    def problem(self, mark: Mark, message: str) -> None:
        self.problems.append(Problem(self.path, mark[0], mark[1], message))

    def _read_now(self, data: LocatedMap) -> str | None:
        """``now: 2030-05-06T10:00:00``: the frozen clock of a file's cases, or of one case."""
        if data.get("now") is None:
            return None
        now = frozen_now(data["now"])
        if now is None:
            self.problem(data.value_mark("now"), f"'now' must be an ISO date and time such as 2030-05-06T10:00:00, got {data['now']!r}")
        return now

    def _read_metadata(self, data: LocatedMap) -> Mapping[str, Any]:
        """Rasa Pro's top-level ``metadata:`` list of ``{name: {...}}`` entries."""
        entries = data.get("metadata") or []
        named: dict[str, Any] = {}
        if not isinstance(entries, list):
            self.problem(data.value_mark("metadata"), "'metadata' must be a list of named mappings")
            return named
        for entry in entries:
            if isinstance(entry, dict):
                named.update(entry)
        return named

    def _read_steps(self, case: LocatedMap, read_step: Callable[[LocatedMap], list[Step]]) -> list[Step]:
        raw = case.get("steps")
        if not isinstance(raw, LocatedList) or not raw:
            self.problem(case.value_mark("steps") if "steps" in case else case.mark, "'steps' must be a non-empty list")
            return []
        steps: list[Step] = []
        for index, item in enumerate(raw):
            if not isinstance(item, LocatedMap):
                self.problem(raw.item_mark(index), "a step must be a mapping such as '- user: hello'")
                continue
            steps.extend(read_step(item))
        if steps and steps[0].kind != "user":
            first = steps[0]
            self.problem((first.line, first.column), f"'{first.kind}' must follow a user step: the bot only speaks after the user")
        return steps

    def _slot_pairs(self, value: Any, mark: Mark) -> list[tuple[tuple[str, Any], Mark]]:
        """A name, a ``{slot: value}`` mapping, or a list of names and one-key mappings."""
        if isinstance(value, str) and value.strip():
            return [((value.strip(), ANY_VALUE), mark)]
        if isinstance(value, LocatedMap) and value:
            return [((str(k), _iso(v)), value.key_mark(k)) for k, v in value.items()]
        if isinstance(value, LocatedList) and value:
            pairs: list[tuple[tuple[str, Any], Mark]] = []
            for index, item in enumerate(value):
                pairs.extend(self._slot_pairs(item, value.item_mark(index)))
            return pairs
        self.problem(mark, "a slot step needs a slot name, a {slot: value} mapping, or a list of them")
        return []

    def _user_metadata(self, step: LocatedMap) -> Mapping[str, Any]:
        raw = step.get("metadata")
        if raw is None:
            return {}
        if isinstance(raw, dict):
            return dict(raw)
        if str(raw) in self.metadata:
            return dict(self.metadata[str(raw)] or {})
        known = ", ".join(sorted(self.metadata)) or "none defined"
        self.problem(step.value_mark("metadata"), f"unknown metadata '{raw}'; known: {known}")
        return {}

    def _as_written(self, value: Any, mark: Mark) -> str:
        """A plain scalar as the author typed it: YAML 1.1 reads ``user: yes`` as True and
        ``user: 0123`` as 83, but a test conversation means the text (Rasa reads YAML 1.2)."""
        if isinstance(value, str):
            return value
        if self._lines is None:
            self._lines = Path(self.path).read_text(encoding="utf-8").splitlines()
        line, column = mark
        if not 0 < line <= len(self._lines):
            return str(value)
        written = self._lines[line - 1][column - 1 :]
        comment = written.find(" #")
        return (written[:comment] if comment >= 0 else written).strip() or str(value)

    def _check_keys(self, mapping: LocatedMap, valid: tuple[str, ...]) -> None:
        for key in mapping:
            if key not in valid:
                self.problem(mapping.key_mark(key), f"unknown key '{key}'; valid keys: {', '.join(valid)}")
