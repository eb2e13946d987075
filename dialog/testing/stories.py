"""Load end-to-end test conversations: Rasa Pro ``test_cases:`` and Rasa ``stories:``.

Both formats become the same ``TestCase`` of flat ``Step`` values, so the runner
knows one shape only. Every problem is reported with ``file:line:col`` (through
``dialog.config.yaml_reader``), all problems of a file at once.

Rasa Pro e2e (docs/reference.md, "Story tests"): ``test_cases: [{test_case: name, steps: [{user: ...},
{utter: ...}, ...]}]``. Top-level ``fixtures:`` (named lists of ``{slot: value}``) and
a case's ``fixtures: [name]`` preset slots before the first turn; top-level
``metadata:`` entries may be named by a user step's ``metadata:``; a user step's
``assertions:`` list becomes steps too (``assertions.py``). Plain scalars are the
text as written (``user: yes`` sends "yes"), as in Rasa, whose YAML is 1.2.

Rasa test stories (``tests/test_stories.yml``)::

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
so is ``action: action_listen``, which the next user step implies."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

from dialog.config.yaml_reader import LocatedList, LocatedMap, Mark, load_yaml
from dialog.errors import ConfigError, Problem
from dialog.testing.assertions import read_assertions
from dialog.testing.cases import ANY_VALUE, STEP_KINDS, Step, TestCase

__all__ = [
    "ANY_VALUE",
    "STEP_KINDS",
    "Step",
    "TestCase",
    "find_story_files",
    "load_cases",
    "load_story_file",
]

_E2E_STEP_KEYS = (
    "user", "utter", "bot", "slot_was_set", "slot_was_not_set", "intent",
    "flow_started", "flow_completed", "flow_cancelled", "llm_fallback", "bot_knowledge",
)
_E2E_CASE_KEYS = ("test_case", "steps", "fixtures", "metadata")
_STORY_CASE_KEYS = ("story", "steps", "metadata")
_STORY_STEP_KEYS = ("user", "intent", "entities", "action", "slot_was_set", "active_loop", "bot", "metadata")
_TOP_KEYS = ("version", "test_cases", "stories", "fixtures", "metadata")
STORY_SUFFIXES = (".yml", ".yaml")

AnnotationParser = Callable[[str], tuple[str, list[Any]]]


def find_story_files(paths: Iterable[str | Path]) -> list[Path]:
    """YAML files in ``paths`` (files or folders, searched recursively), sorted.

    In folders, ``conftest.yml`` (Rasa Pro's test settings, not test cases) is skipped.
    """
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(
                sorted(p for p in path.rglob("*") if p.suffix in STORY_SUFFIXES and p.is_file() and p.stem != "conftest")
            )
        elif path.is_file():
            found.append(path)
        else:
            raise ConfigError(Problem(str(path), 0, 0, "no such story file or folder"))
    return found


def load_cases(paths: Iterable[str | Path], parse_annotations: AnnotationParser | None = None) -> list[TestCase]:
    """Every test case of every file; problems of all files are reported together."""
    cases: list[TestCase] = []
    problems: list[Problem] = []
    for path in find_story_files(paths):
        try:
            cases.extend(load_story_file(path, parse_annotations))
        except ConfigError as error:
            problems.extend(error.problems)
    if problems:
        raise ConfigError(problems)
    seen: dict[str, TestCase] = {}
    for case in cases:
        if case.id in seen:
            problems.append(Problem(case.path, case.line, 1, f"duplicate test case name '{case.name}' (first on line {seen[case.id].line})"))
        seen.setdefault(case.id, case)
    if problems:
        raise ConfigError(problems)
    return cases


def load_story_file(path: str | Path, parse_annotations: AnnotationParser | None = None) -> list[TestCase]:
    """The test cases of one file (either format, or both in one file)."""
    data = load_yaml(path)
    reader = _Reader(str(path), parse_annotations)
    cases = reader.read_file(data)
    if reader.problems:
        raise ConfigError(reader.problems)
    return cases


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


class _Reader:
    """Turns located YAML into test cases, collecting every problem on the way."""

    def __init__(self, path: str, parse_annotations: AnnotationParser | None) -> None:
        self.path = path
        self._parse_annotations = parse_annotations
        self._lines: list[str] | None = None
        self.problems: list[Problem] = []
        self.metadata: Mapping[str, Any] = {}
        self.fixtures: dict[str, list[tuple[str, Any]]] = {}

    def parse_annotations(self, text: str) -> tuple[str, list[Any]]:
        """Resolved on first use: only Rasa stories carry annotations."""
        if self._parse_annotations is None:
            self._parse_annotations = _default_annotation_parser()
        return self._parse_annotations(text)

    def problem(self, mark: Mark, message: str) -> None:
        self.problems.append(Problem(self.path, mark[0], mark[1], message))

    def read_file(self, data: Any) -> list[TestCase]:
        if data is None:
            return []
        if not isinstance(data, LocatedMap):
            self.problem(getattr(data, "mark", (1, 1)), "a story file must be a mapping with 'test_cases:' or 'stories:'")
            return []
        for key in data:
            if key not in _TOP_KEYS:
                self.problem(data.key_mark(key), f"unknown key '{key}'; valid keys: {', '.join(_TOP_KEYS)}")
        self.metadata = self._read_metadata(data)
        self.fixtures = self._read_fixtures(data)
        cases: list[TestCase] = []
        for key, reader in (("test_cases", self._read_e2e_case), ("stories", self._read_story)):
            items = data.get(key)
            if items is None:
                continue
            if not isinstance(items, LocatedList):
                self.problem(data.value_mark(key), f"'{key}' must be a list")
                continue
            for index, item in enumerate(items):
                case = reader(item, items.item_mark(index))
                if case is not None:
                    cases.append(case)
        return cases

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

    # -- Rasa Pro test_cases -------------------------------------------------------------

    def _read_e2e_case(self, item: Any, mark: Mark) -> TestCase | None:
        if not isinstance(item, LocatedMap) or "test_case" not in item:
            self.problem(mark, "a test case must be a mapping with 'test_case:' (its name) and 'steps:'")
            return None
        self._check_keys(item, _E2E_CASE_KEYS)
        fixtures = self._case_fixtures(item)
        name = str(item["test_case"])
        steps = self._read_steps(item, self._read_e2e_step)
        return TestCase(name=name, steps=tuple(steps), path=self.path, line=mark[0], style="e2e", fixtures=fixtures) if steps else None

    def _case_fixtures(self, case: LocatedMap) -> tuple[tuple[str, Any], ...]:
        """The slot values of the fixtures a case names (Rasa Pro ``fixtures: [name]``)."""
        if case.get("fixtures") is None:
            return ()
        names = case["fixtures"]
        if not isinstance(names, LocatedList):
            self.problem(case.value_mark("fixtures"), "'fixtures' must be a list of fixture names")
            return ()
        pairs: list[tuple[str, Any]] = []
        for index, name in enumerate(names):
            if str(name) not in self.fixtures:
                known = ", ".join(sorted(self.fixtures)) or "none defined"
                self.problem(names.item_mark(index), f"unknown fixture '{name}'; known: {known}")
                continue
            pairs.extend(self.fixtures[str(name)])
        return tuple(pairs)

    def _read_fixtures(self, data: LocatedMap) -> dict[str, list[tuple[str, Any]]]:
        """Top-level ``fixtures:``: a list of ``{name: [{slot: value}, ...]}``."""
        entries = data.get("fixtures")
        if entries is None:
            return {}
        named: dict[str, list[tuple[str, Any]]] = {}
        if not isinstance(entries, LocatedList):
            self.problem(data.value_mark("fixtures"), "'fixtures' must be a list of {name: [{slot: value}, ...]}")
            return named
        for index, entry in enumerate(entries):
            if not isinstance(entry, LocatedMap) or len(entry) != 1:
                self.problem(entries.item_mark(index), "a fixture is one name holding a list of {slot: value} items")
                continue
            [(name, slots)] = entry.items()
            pairs = self._slot_pairs(slots, entry.value_mark(name))
            named[str(name)] = [pair for pair, _ in pairs if pair[1] != ANY_VALUE]
        return named

    def _read_e2e_step(self, step: LocatedMap) -> list[Step]:
        kinds = [key for key in step if key in _E2E_STEP_KEYS]
        if len(kinds) != 1:
            what = "no step kind" if not kinds else f"several step kinds ({', '.join(kinds)})"
            self.problem(step.mark, f"a step needs exactly one of: {', '.join(_E2E_STEP_KEYS)}; found {what}")
            return []
        kind = kinds[0]
        self._check_keys(step, (kind, "metadata", "assertions") if kind == "user" else (kind,))
        mark = step.value_mark(kind)
        value = step[kind]
        if kind in ("slot_was_set", "slot_was_not_set"):
            return [Step(kind, pair, *pair_mark) for pair, pair_mark in self._slot_pairs(value, mark)]
        if kind == "bot_knowledge":
            return self._knowledge_step(value, mark)
        if kind == "llm_fallback":
            if not isinstance(value, bool):
                self.problem(mark, "'llm_fallback' must be true or false")
                return []
            return [Step(kind, value, *mark)]
        if not isinstance(value, (str, int, float)) or str(value).strip() == "":
            self.problem(mark, f"'{kind}' needs a non-empty text")
            return []
        if kind != "user":
            return [Step(kind, self._as_written(value, mark), *mark)]
        steps = [Step(kind, self._as_written(value, mark).strip(), *mark, metadata=self._user_metadata(step))]
        if "assertions" in step:
            assertions, problems = read_assertions(step["assertions"], step.value_mark("assertions"), self.path)
            self.problems.extend(problems)
            steps.extend(assertions)
        return steps

    def _knowledge_step(self, value: Any, mark: Mark) -> list[Step]:
        """``bot_knowledge: FILE``, ``{source: FILE > HEADING, contains: TEXT}`` or ``none`` ("I don't know")."""
        if value is None or value == "none":
            return [Step("bot_knowledge", (None, None), *mark)]
        if isinstance(value, str) and value.strip():
            return [Step("bot_knowledge", (value.strip(), None), *mark)]
        if isinstance(value, dict) and value and set(value) <= {"source", "contains"}:
            source, contains = value.get("source"), value.get("contains")
            if all(item is None or (isinstance(item, str) and item.strip()) for item in (source, contains)):
                return [Step("bot_knowledge", (source, contains), *mark)]
        self.problem(mark, "'bot_knowledge' must be a source (e.g. shipping.md), {source: ..., contains: ...} or none")
        return []

    # -- Rasa test stories ---------------------------------------------------------------

    def _read_story(self, item: Any, mark: Mark) -> TestCase | None:
        if not isinstance(item, LocatedMap) or "story" not in item:
            self.problem(mark, "a story must be a mapping with 'story:' (its name) and 'steps:'")
            return None
        self._check_keys(item, _STORY_CASE_KEYS)
        steps = self._read_steps(item, self._read_story_step)
        return TestCase(name=str(item["story"]), steps=tuple(steps), path=self.path, line=mark[0], style="story") if steps else None

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

    # -- shared --------------------------------------------------------------------------

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
            return [((str(k), v), value.key_mark(k)) for k, v in value.items()]
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
