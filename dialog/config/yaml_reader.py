"""Safe YAML loading that remembers where every key and value came from.

Mappings become ``LocatedMap`` (a dict) and sequences ``LocatedList`` (a list); both
know the 1-based line and column of themselves, of each key and of each value, so
validation can point at ``file:line:col``. Only standard YAML tags are accepted and
a key that appears twice in one mapping is an error. Plain scalars follow YAML 1.2, as
Rasa reads them (``no`` and ``2030-05-06`` are text): see ``yaml12``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from dialog.config.yaml12 import FastLoader, SafeLoader, Yaml12Constructor
from dialog.errors import ConfigError, Problem

__all__ = ["LocatedList", "LocatedMap", "Mark", "load_yaml", "load_yaml_text", "read_source", "to_plain"]

Mark = tuple[int, int]  # 1-based (line, column)


class LocatedMap(dict[Any, Any]):
    """A dict from YAML with ``mark`` (its own position), ``key_marks`` and ``value_marks``."""

    mark: Mark = (0, 0)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.key_marks: dict[Any, Mark] = {}
        self.value_marks: dict[Any, Mark] = {}

    def key_mark(self, key: Any) -> Mark:
        return self.key_marks.get(key, self.mark)

    def value_mark(self, key: Any) -> Mark:
        return self.value_marks.get(key, self.key_mark(key))


class LocatedList(list[Any]):
    """A list from YAML with ``mark`` and ``item_marks`` (one per item)."""

    mark: Mark = (0, 0)

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.item_marks: list[Mark] = []

    def item_mark(self, index: int) -> Mark:
        if 0 <= index < len(self.item_marks):
            return self.item_marks[index]
        return self.mark


_STANDARD_TAGS = frozenset(tag for tag in yaml.SafeLoader.yaml_constructors if tag is not None)


def _mark_of(node: yaml.Node) -> Mark:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


class _Builder:
    """Turns a composed node tree into located Python values, collecting problems."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []
        self._constructor = Yaml12Constructor(" ")

    def build(self, node: yaml.Node) -> Any:
        if not self._tag_allowed(node):
            return None
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node)
        if isinstance(node, yaml.SequenceNode):
            result = LocatedList(self.build(item) for item in node.value)
            result.item_marks = [_mark_of(item) for item in node.value]
            result.mark = _mark_of(node)
            return result
        return self._scalar(node)

    def _tag_allowed(self, node: yaml.Node) -> bool:
        """Only standard YAML types: ``!!python/...`` and custom ``!tags`` are errors."""
        if node.tag in _STANDARD_TAGS:
            return True
        line, column = _mark_of(node)
        tag = node.tag.replace("tag:yaml.org,2002:", "!!")
        self.problems.append(
            Problem(self.path, line, column, f"unsupported YAML tag '{tag}'; only standard YAML types are allowed")
        )
        return False

    def _scalar(self, node: yaml.Node) -> Any:
        try:
            return self._constructor.construct_object(node, deep=True)
        except yaml.YAMLError as exc:
            line, column = _mark_of(node)
            reason = getattr(exc, "problem", None) or str(exc)
            self.problems.append(Problem(self.path, line, column, f"invalid value: {reason}"))
            return None

    def _mapping(self, node: yaml.MappingNode) -> LocatedMap:
        result = LocatedMap()
        result.mark = _mark_of(node)
        self._flatten_merge_keys(node)
        for key_node, value_node in node.value:
            key = self.build(key_node)
            line, column = _mark_of(key_node)
            if isinstance(key, (dict, list)):
                self.problems.append(Problem(self.path, line, column, "a mapping key must be a plain value"))
                continue
            if key in result:
                first_line, _ = result.key_marks[key]
                self.problems.append(
                    Problem(self.path, line, column, f"duplicate key '{key}' (first defined on line {first_line})")
                )
                continue
            result[key] = self.build(value_node)
            result.key_marks[key] = (line, column)
            result.value_marks[key] = _mark_of(value_node)
        return result

    def _flatten_merge_keys(self, node: yaml.MappingNode) -> None:
        if any(key.tag == "tag:yaml.org,2002:merge" for key, _ in node.value):
            self._constructor.flatten_mapping(node)


def _compose(text: str) -> yaml.Node | None:
    """Compose with libyaml when present (~10x faster); on an error, re-parse in Python for its clearer message."""
    if FastLoader is not None:
        try:
            return yaml.compose(text, Loader=FastLoader)
        except yaml.YAMLError:
            pass
    return yaml.compose(text, Loader=SafeLoader)


def load_yaml_text(text: str, path: str | Path) -> Any:
    """Parse ``text`` (from ``path``, used in messages) into located values."""
    path = str(path)
    try:
        node = _compose(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        reason = exc.problem or str(exc)
        if exc.context:
            reason = f"{exc.context}, {reason}"
        raise ConfigError(Problem(path, line, column, f"invalid YAML: {reason}")) from exc
    except yaml.YAMLError as exc:
        raise ConfigError(Problem(path, 0, 0, f"invalid YAML: {exc}")) from exc
    if node is None:
        return None
    builder = _Builder(path)
    value = builder.build(node)
    if builder.problems:
        raise ConfigError(builder.problems)
    return value


def read_source(path: str | Path) -> str:
    """The text of a YAML file; unreadable or non-UTF-8 files are ``ConfigError``."""
    try:
        return Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        before = exc.object[: exc.start]
        line = before.count(b"\n") + 1
        column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", errors="replace")) + 1
        byte = exc.object[exc.start]
        message = f"not UTF-8 text: byte 0x{byte:02x} ({exc.reason}); save the file as UTF-8"
        raise ConfigError(Problem(str(path), line, column, message)) from exc
    except OSError as exc:
        raise ConfigError(Problem(str(path), 0, 0, f"cannot read file: {exc.strerror}")) from exc


def load_yaml(path: str | Path) -> Any:
    """Read and parse one YAML file; unreadable or non-UTF-8 files are ``ConfigError``."""
    return load_yaml_text(read_source(path), path)


def to_plain(value: Any) -> Any:
    """A copy of located values as plain dicts and lists (no positions)."""
    if isinstance(value, dict):
        return {key: to_plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [to_plain(item) for item in value]
    return value
