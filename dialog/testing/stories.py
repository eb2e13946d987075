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

Rasa test stories (``stories:``): ``dialog/testing/rasa_stories.py``; the helpers both
formats share: ``dialog/testing/story_base.py``."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

from dialog.config.schema import suggest
from dialog.config.yaml_reader import LocatedList, LocatedMap, Mark, load_yaml
from dialog.errors import ConfigError, Problem
from dialog.testing.assertions import read_assertions
from dialog.testing.cases import ANY_VALUE, STEP_KINDS, Step, TestCase
from dialog.testing.rasa_stories import RasaStoryReader
from dialog.testing.story_base import AnnotationParser

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
    "user", "utter", "bot", "action", "slot_was_set", "slot_was_not_set", "intent", "entity",
    "flow_started", "flow_completed", "flow_cancelled", "llm_fallback", "bot_uttered", "bot_knowledge",
)
_E2E_CASE_KEYS = ("test_case", "steps", "fixtures", "metadata", "now")
_TOP_KEYS = ("version", "test_cases", "stories", "fixtures", "metadata", "now")
STORY_SUFFIXES = (".yml", ".yaml")

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


class _Reader(RasaStoryReader):
    """A story file: Rasa Pro ``test_cases:`` (here) and Rasa ``stories:`` (``RasaStoryReader``)."""

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
        self.now = self._read_now(data)
        cases: list[TestCase] = []
        for key, reader in (("test_cases", self._read_e2e_case), ("stories", self.read_story)):
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

    def _read_e2e_case(self, item: Any, mark: Mark) -> TestCase | None:
        if not isinstance(item, LocatedMap) or "test_case" not in item:
            self.problem(mark, "a test case must be a mapping with 'test_case:' (its name) and 'steps:'")
            return None
        self._check_keys(item, _E2E_CASE_KEYS)
        fixtures = self._case_fixtures(item)
        name = str(item["test_case"])
        steps = self._read_steps(item, self._read_e2e_step)
        now = self._read_now(item) or self.now
        return TestCase(name=name, steps=tuple(steps), path=self.path, line=mark[0], style="e2e", fixtures=fixtures, now=now) if steps else None

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
            unknown = [str(key) for key in step if key not in ("metadata", "assertions")]
            what = f"several step kinds ({', '.join(kinds)})" if kinds else f"unknown step kind '{unknown[0]}'{suggest(unknown[0], _E2E_STEP_KEYS)}" if unknown else "no step kind"
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
        if kind == "bot_uttered":  # as under a user step's assertions (Rasa Pro)
            listed = LocatedList([step])
            listed.mark = step.mark
            assertions, problems = read_assertions(listed, step.mark, self.path)
            self.problems.extend(problems)
            return assertions
        if kind == "entity":
            return self._entity_step(value, mark)
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

    def _entity_step(self, value: Any, mark: Mark) -> list[Step]:
        """``entity: {name: value}`` (that value), or ``entity: name`` (any value)."""
        if isinstance(value, str) and value.strip():
            return [Step("entity", (value.strip(), ANY_VALUE), *mark)]
        if isinstance(value, dict) and len(value) == 1:
            [(name, expected)] = value.items()
            return [Step("entity", (str(name), ANY_VALUE if expected is None else str(expected)), *mark)]
        self.problem(mark, "'entity' must be an entity name, or one {name: value}")
        return []

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
