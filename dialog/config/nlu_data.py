"""nlu.yml (or ``nlu/``) in Rasa 3 format: intents with examples, synonyms, regexes, lookups.

Examples are a ``|`` block of ``- `` lines or a list of strings or ``{text: ...}``
items. Each example's line is tracked so a bad annotation or regex points at the
exact line of the block.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Iterator

from dialog.config.annotations import AnnotationError, parse_annotated
from dialog.config.files import Document
from dialog.config.models import NLUData
from dialog.config.schema import FileReport, Reporter, describe
from dialog.config.yaml_reader import LocatedMap, Mark
from dialog.types import TrainingExample

__all__ = ["NLUSources", "parse_nlu"]

_TOP_KEYS = ("nlu", "responses", "rules", "stories", "version")  # rules and stories: see rasa/dialogue.py; responses: the domain's
_TOP_IGNORED: dict[str, str] = {}
_ITEM_KINDS = ("intent", "synonym", "regex", "lookup")
_ITEM_KEYS = {
    "intent": ("intent", "examples", "metadata"),
    "synonym": ("synonym", "examples"),
    "regex": ("regex", "examples"),
    "lookup": ("lookup", "examples"),
}
_EXAMPLE_KEYS = ("metadata", "text")


@dataclass
class NLUSources:
    """Where intents and entities were used, for the cross-file checks."""

    intent_marks: dict[str, tuple[FileReport, Mark]] = field(default_factory=dict)  # first use
    entity_uses: list[tuple[FileReport, Mark, str, str | None, str | None]] = field(default_factory=list)  # entity, role, group
    example_counts: dict[str, int] = field(default_factory=dict)


@dataclass
class _Parts:
    examples: list[TrainingExample] = field(default_factory=list)
    synonyms: dict[str, str] = field(default_factory=dict)
    synonym_marks: dict[str, tuple[str, Mark]] = field(default_factory=dict)
    regexes: list[tuple[str, str]] = field(default_factory=list)
    lookups: dict[str, tuple[str, ...]] = field(default_factory=dict)
    seen: dict[str, str] = field(default_factory=dict)  # example text -> intent


def parse_nlu(documents: list[Document], reporter: Reporter) -> tuple[NLUData, NLUSources]:
    """Merge Rasa 3 NLU files (intents, synonyms, regexes, lookups); problems go to ``reporter``."""
    parts, sources = _Parts(), NLUSources()
    for report, data, document in reporter.top_mappings(documents, "an NLU file", _TOP_KEYS, ignored=_TOP_IGNORED, keys_what="NLU file", lenient=True):
        if "version" in data:
            report.typed(data, "version", (str, float), "NLU file")
        items = report.sequence(data.get("nlu"), data.value_mark("nlu") if "nlu" in data else data.mark, "'nlu'")
        for index, item in enumerate(items or ()):
            _parse_item(item, items.item_mark(index), document, report, parts, sources)
    data = NLUData(
        examples=tuple(parts.examples),
        synonyms=MappingProxyType(parts.synonyms),
        regexes=tuple(parts.regexes),
        lookups=MappingProxyType(parts.lookups),
    )
    return data, sources


def _parse_item(item: object, mark: Mark, document: Document, report: FileReport, parts: _Parts, sources: NLUSources) -> None:
    data = report.mapping(item, mark, "each 'nlu' item")
    if data is None:
        return
    kinds = [kind for kind in _ITEM_KINDS if kind in data]
    if len(kinds) != 1:
        found = "none" if not kinds else " and ".join(kinds)
        report.error(mark, f"each 'nlu' item needs exactly one of {', '.join(_ITEM_KINDS)}; found {found}")
        return
    kind = kinds[0]
    name = data[kind]
    if not isinstance(name, str) or not name:
        report.error(data.value_mark(kind), f"'{kind}' must be a name, got {describe(name)}")
        return
    report.keys(data, _ITEM_KEYS[kind], f"{kind} '{name}'", required=("examples",))
    if "metadata" in data:
        report.typed(data, "metadata", dict, f"intent '{name}'")
    lines = list(_examples(data, document, report, f"{kind} '{name}'")) if "examples" in data else []
    if kind == "intent":
        sources.intent_marks.setdefault(name, (report, data.value_mark(kind)))
        sources.example_counts[name] = sources.example_counts.get(name, 0) + len(lines)
        for text, line_mark in lines:
            _add_example(name, text, line_mark, report, parts, sources)
    elif kind == "synonym":
        for text, line_mark in lines:
            _add_synonym(text, name, line_mark, report, parts)
    elif kind == "regex":
        for text, line_mark in lines:
            try:
                re.compile(text)
            except re.error as exc:
                report.error(line_mark, f"regex '{name}': invalid pattern {text!r}: {exc}")
                continue
            parts.regexes.append((name, text))
    else:
        parts.lookups[name] = parts.lookups.get(name, ()) + tuple(text for text, _ in lines)


def _add_example(intent: str, markup: str, mark: Mark, report: FileReport, parts: _Parts, sources: NLUSources) -> None:
    try:
        text, entities = parse_annotated(markup)
    except AnnotationError as exc:
        report.error(mark, f"intent '{intent}': {exc}")
        return
    previous = parts.seen.get(text)
    if previous is not None and previous != intent:
        report.warn(mark, f"example {text!r} of intent '{intent}' is also an example of '{previous}'")
    parts.seen.setdefault(text, intent)
    for entity in entities:
        sources.entity_uses.append((report, mark, entity.entity, entity.role, entity.group))
        matched = text[entity.start : entity.end]
        if isinstance(entity.value, str) and entity.value != matched:
            _add_synonym(matched, entity.value, mark, report, parts)
    parts.examples.append(TrainingExample(text=text, intent=intent, entities=entities))


def _add_synonym(variant: str, canonical: str, mark: Mark, report: FileReport, parts: _Parts) -> None:
    key = variant.lower()
    existing = parts.synonyms.get(key)
    if existing is not None and existing != canonical:
        path, (line, column) = parts.synonym_marks[key]
        report.warn(mark, f"synonym {variant!r} maps to {canonical!r} here but to {existing!r} at {path}:{line}:{column}; keeping {existing!r}")
        return
    parts.synonyms[key] = canonical
    parts.synonym_marks.setdefault(key, (report.path, mark))


def _examples(data: LocatedMap, document: Document, report: FileReport, what: str) -> Iterator[tuple[str, Mark]]:
    """``(text, mark)`` of every example, from a ``|`` block or a YAML list."""
    value = data["examples"]
    mark = data.value_mark("examples")
    if isinstance(value, str):
        yield from _block_examples(value, mark, document, report, what)
        return
    items = report.sequence(value, mark, f"{what}: 'examples'")
    for index, item in enumerate(items or ()):
        item_mark = items.item_mark(index)
        if isinstance(item, dict):
            report.keys(item, _EXAMPLE_KEYS, f"{what} example", required=("text",))
            item = item.get("text")
            if item is None:
                continue
        if isinstance(item, (bool, int, float)) or item is None:
            item = document.scalar_text(item_mark)  # `- yes` is YAML true; the example is "yes"
        if not isinstance(item, str):
            report.error(item_mark, f"{what}: each example must be a string, got {describe(item)}")
            continue
        text = item.strip()
        if text:
            yield text, item_mark


def _block_examples(block: str, mark: Mark, document: Document, report: FileReport, what: str) -> Iterator[tuple[str, Mark]]:
    is_block = mark[0] <= len(document.lines) and document.lines[mark[0] - 1][mark[1] - 1 : mark[1]] in ("|", ">")
    for offset, raw in enumerate(block.split("\n")):
        line_mark = mark
        if is_block:
            line = mark[0] + 1 + offset
            line_mark = (line, document.column_of_line(line))
        stripped = raw.strip()
        if not stripped:
            continue
        if stripped.startswith("#"):
            continue
        if not stripped.startswith("-"):  # Rasa skips such a line with a warning; so do we
            report.warn(line_mark, f"{what}: skipped {stripped!r}: each example line must start with '- '")
            continue
        text = stripped[1:].strip()
        if len(text) > 2 and text[0] == text[-1] and text[0] in "\"'" and text[0] not in text[1:-1]:
            # a block is not YAML: the quotes are part of the example, as in Rasa
            report.warn(line_mark, f"{what}: the quotes of {text} are part of the example's text here (no YAML in a '|' block); drop them")
        if text:
            yield text, line_mark
