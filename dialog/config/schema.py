"""Tiny schema helpers: check the keys and value types of located YAML and report.

Every check appends a ``Problem`` (or a warning) and carries on, so one run of the
loader reports everything wrong in every file at once.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Mapping, Sequence, TypeVar

from dialog.config.yaml_reader import LocatedList, LocatedMap, Mark
from dialog.errors import ConfigError, Problem

if TYPE_CHECKING:  # files.py imports this module
    from dialog.config.files import Document

__all__ = [
    "FileReport",
    "Reporter",
    "UNLESS_TYPO",
    "describe",
    "known",
    "suggest",
]

UNLESS_TYPO = "unless a typo"  # ``lenient=``: a foreign key is a warning, a near miss of a valid one an error

_Container = TypeVar("_Container", LocatedMap, LocatedList)

_TYPE_NAMES = {
    str: "a string",
    bool: "true or false",
    int: "an integer",
    float: "a number",
    dict: "a mapping",
    list: "a list",
}


@dataclass
class Reporter:
    """Collects problems and warnings across every file of one bot."""

    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def file(self, path: str) -> FileReport:
        return FileReport(path, self)

    def top_mappings(
        self,
        documents: Sequence[Document],
        what: str,
        valid: Iterable[str],
        ignored: Mapping[str, str] | None = None,
        keys_what: str = "",
        lenient: bool | str = False,
    ) -> Iterator[tuple[FileReport, LocatedMap, Document]]:
        """Each document whose top level is a mapping (``what``), its keys checked (as ``keys_what``;
        ``lenient``: unknown ones are warnings, where Rasa's schema accepts any).

        Every file kind (domain, NLU, flows, config) starts the same way; a file whose
        top level is not a mapping is reported and skipped.
        """
        for document in documents:
            report = self.file(document.path)
            data = report.mapping(document.data, (1, 1), what)
            if data is None:
                continue
            report.keys(data, valid, keys_what or what, ignored=ignored, lenient=lenient)
            yield report, data, document

    def warning_lines(self) -> tuple[str, ...]:
        """Warnings in file and line order, each once."""
        ordered = sorted(self.warnings, key=lambda p: (p.path, p.line, p.column))
        return tuple(dict.fromkeys(str(problem) for problem in ordered))

    def raise_if_any(self) -> None:
        if self.problems:
            raise ConfigError(self.problems)


@dataclass
class FileReport:
    """Problems of one file: every method takes a 1-based ``(line, column)`` mark."""

    path: str
    reporter: Reporter

    def error(self, mark: Mark, message: str) -> None:
        self.reporter.problems.append(Problem(self.path, mark[0], mark[1], message))

    def warn(self, mark: Mark, message: str) -> None:
        self.reporter.warnings.append(Problem(self.path, mark[0], mark[1], message))

    def mapping(self, value: Any, mark: Mark, what: str) -> LocatedMap | None:
        """``value`` if it is a mapping (``None`` counts as empty), else an error."""
        return self._container(value, mark, what, dict, LocatedMap)

    def sequence(self, value: Any, mark: Mark, what: str) -> LocatedList | None:
        """``value`` if it is a list (``None`` counts as empty), else an error."""
        return self._container(value, mark, what, list, LocatedList)

    def mappings(self, value: Any, mark: Mark, what: str, each: str) -> Iterator[LocatedMap]:
        """Each mapping in the list ``value``; a non-list (``what``) or a non-mapping item (``each``) is reported."""
        items = self.sequence(value, mark, what)
        for index, item in enumerate(items or ()):
            data = self.mapping(item, items.item_mark(index), each)
            if data is not None:
                yield data

    def _container(self, value: Any, mark: Mark, what: str, kind: type, empty: type[_Container]) -> _Container | None:
        """``value`` if it is a ``kind``; ``None`` becomes an ``empty`` one located at ``mark``."""
        if value is None:
            located = empty()
            located.mark = mark
            return located
        if isinstance(value, kind):
            return value
        self.error(mark, f"{what} must be {_TYPE_NAMES[kind]}, got {describe(value)}")
        return None

    def duplicate(self, mark: Mark, what: str, first: tuple[str, int, int]) -> None:
        """``what`` (``"slot 'size'"``) is defined again at ``mark``; ``first`` is where it was first."""
        self.error(mark, f"{what} is defined twice (first at {first[0]}:{first[1]}:{first[2]})")

    def keys(
        self,
        data: LocatedMap,
        valid: Iterable[str],
        what: str,
        ignored: Mapping[str, str] | None = None,
        required: Iterable[str] = (),
        lenient: bool | str = False,
    ) -> None:
        """Unknown keys are errors listing the valid ones (warnings when ``lenient``: where Rasa
        itself accepts any key; with ``UNLESS_TYPO`` a key close to a valid one stays an error,
        as it is likely a typo of it); ``ignored`` keys are warnings."""
        ignored = ignored or {}
        allowed = sorted(set(valid) | set(ignored))
        for key in data:
            if key in ignored:
                self.warn(data.key_mark(key), f"'{key}' in {what} is accepted but ignored: {ignored[key]}")
            elif key not in allowed:
                hint = suggest(str(key), allowed)
                warn_only = lenient is True or (lenient == UNLESS_TYPO and not hint)
                told = f"unknown key '{key}' in {what}{hint}{' is ignored, as Rasa does' if warn_only else ''}"
                (self.warn if warn_only else self.error)(data.key_mark(key), f"{told}; valid keys: {', '.join(allowed)}")
        for key in required:
            if key not in data:
                self.error(data.mark, f"{what}: missing required key '{key}'")

    def typed(self, data: LocatedMap, key: str, types: type | tuple[type, ...], what: str, default: Any = None) -> Any:
        """``data[key]`` when present and of ``types`` (``bool`` is never a number), else ``default``."""
        if key not in data:
            return default
        value = data[key]
        if self.is_type(value, types):
            return float(value) if float in _as_tuple(types) and type(value) is int else value
        names = " or ".join(_TYPE_NAMES.get(kind, kind.__name__) for kind in _as_tuple(types))
        hint = "; quote it to keep it as text (YAML reads true/false as booleans)" if isinstance(value, bool) and str in _as_tuple(types) else ""
        self.error(data.value_mark(key), f"{what}: '{key}' must be {names}, got {describe(value)}{hint}")
        return default

    @staticmethod
    def is_type(value: Any, types: type | tuple[type, ...]) -> bool:
        kinds = _as_tuple(types)
        if isinstance(value, bool):
            return bool in kinds
        if isinstance(value, int) and float in kinds:
            return True
        return isinstance(value, kinds)

    def names(self, value: Any, mark: Mark, what: str) -> tuple[str, ...]:
        """A string or a list of strings, as a tuple of strings."""
        if value is None:
            return ()
        if isinstance(value, str):
            return (value,)
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            return tuple(value)
        self.error(mark, f"{what} must be a name or a list of names, got {describe(value)}")
        return ()


def _as_tuple(types: type | tuple[type, ...]) -> tuple[type, ...]:
    return types if isinstance(types, tuple) else (types,)


def describe(value: Any) -> str:
    """A short phrase for a YAML value in messages: ``a string ('abc')``."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    kind = _TYPE_NAMES.get(type(value), type(value).__name__)
    text = repr(value) if len(repr(value)) <= 40 else repr(value)[:37] + "..."
    return f"{kind} ({text})"


def suggest(name: str, candidates: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for a close match, else an empty string."""
    matches = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.75)
    return f" (did you mean '{matches[0]}'?)" if matches else ""


def known(names: Iterable[str], limit: int = 40) -> str:
    """A sorted, comma-separated list for 'known ...:' message tails."""
    items = sorted(set(names))
    if not items:
        return "(none)"
    if len(items) > limit:
        return ", ".join(items[:limit]) + f", ... ({len(items) - limit} more)"
    return ", ".join(items)
