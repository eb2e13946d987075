"""Static checks of response templates and flow conditions (Jinja2), before anything runs.

A template or condition may only read ``TEMPLATE_NAMES`` and only the slots the
domain declares; ``slots.x``, ``slots['x']`` and ``slots.get('x')`` all count.
"""

from __future__ import annotations

import re
import warnings
from contextlib import contextmanager
from typing import Any, Iterable, Iterator

from jinja2 import TemplateSyntaxError, nodes
from jinja2.parser import Parser

from dialog.config.jinja_sandbox import TEMPLATE_NAMES, compile_condition, make_environment
from dialog.config.rasa.response_format import placeholders, to_jinja
from dialog.config.schema import FileReport, known, suggest
from dialog.config.yaml_reader import Mark

__all__ = ["check_condition", "check_template"]

_DICT_METHODS = frozenset({"get", "items", "keys", "values"})


def check_template(report: FileReport, mark: Mark, what: str, source: str, slots: Iterable[str]) -> None:
    """Syntax, free names and slot names of a response text; Rasa's ``{slot}`` and ``{{``
    escape are read as Rasa reads them (``rasa.response_format``)."""
    environment = make_environment()
    slots = list(slots)
    try:
        with _quiet_escapes():
            tree = environment.parse(to_jinja(source, slots))
    except TemplateSyntaxError as exc:
        report.error(mark, f"{what}: invalid template: {exc.message} (template line {exc.lineno})")
        return
    _check_tree(report, mark, what, "template", tree, _free_names(tree), slots)
    for name in placeholders(source):
        if name not in slots:
            report.warn(mark, f"{what}: '{{{name}}}' names no slot, so it is shown as is{suggest(name, slots)}")


def check_condition(report: FileReport, mark: Mark, what: str, source: str, slots: Iterable[str]) -> None:
    """Syntax, free names and slot names of a flow condition (a Jinja2 expression)."""
    try:
        compile_condition(source)
        with _quiet_escapes():
            tree = Parser(make_environment(), source, state="variable").parse_expression()
    except TemplateSyntaxError as exc:
        reason = "unexpected text after a complete expression" if exc.message == "chunk after expression" else exc.message
        report.error(mark, f"{what}: invalid condition {source!r}: {reason}{_pypred_hint(source)}")
        return
    _check_tree(report, mark, what, "condition", tree, _free_names(tree), slots)


def _check_regexes(report: FileReport, mark: Mark, what: str, kind: str, tree: nodes.Node) -> None:
    """Every ``is matching "regex"`` compiles: a bad one would fail on every later message."""
    for test in _walk(tree, nodes.Test):
        if test.name not in ("matching", "matches") or not test.args:
            continue
        pattern = test.args[0]
        if isinstance(pattern, nodes.Const) and isinstance(pattern.value, str):
            try:
                re.compile(pattern.value)
            except re.error as exc:
                report.error(mark, f"{what}: invalid regular expression '{pattern.value}' in {kind}: {exc}")


def _check_filters_and_tests(report: FileReport, mark: Mark, what: str, kind: str, tree: nodes.Node) -> None:
    """Every ``| filter`` and ``is test`` exists: an unknown one fails only when the text is rendered."""
    environment = make_environment()
    for node_kind, known_names, word in ((nodes.Filter, environment.filters, "filter"), (nodes.Test, environment.tests, "test")):
        for node in _walk(tree, node_kind):
            if node.name not in known_names:
                report.error(mark, f"{what}: unknown {word} '{node.name}' in {kind}{suggest(node.name, known_names)}; {word}s: {known(known_names)}")


def _pypred_hint(source: str) -> str:
    """Rasa Pro writes conditions in pypred; point at the Jinja2 spelling of its usual operators."""
    if re.search(r"(?<![=!<>])=(?!=)", source):
        return " (compare with '==')"
    if re.search(r"\bmatches\s+[\"']", source) and " is matches" not in source:
        return " (write 'x is matching \"regex\"')"
    return ""


@contextmanager
def _quiet_escapes() -> Iterator[None]:
    """Jinja2 warns on regex escapes in string literals ("^\\d+$") but keeps them; so do we."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", SyntaxWarning)
        yield


def _check_tree(report: FileReport, mark: Mark, what: str, kind: str, tree: nodes.Node, names: set[str], slots: Iterable[str]) -> None:
    _check_regexes(report, mark, what, kind, tree)
    _check_filters_and_tests(report, mark, what, kind, tree)
    allowed = sorted(TEMPLATE_NAMES)
    for name in sorted(names - TEMPLATE_NAMES):
        report.error(mark, f"{what}: unknown name '{name}' in {kind}{suggest(name, allowed)}; {kind}s may use: {', '.join(allowed)}")
    known_slots = set(slots)
    for slot in _slot_references(tree):
        if slot not in known_slots:
            report.error(mark, f"{what}: unknown slot '{slot}' in {kind}{suggest(slot, known_slots)}; known slots: {known(known_slots)}")


def _free_names(tree: nodes.Node) -> set[str]:
    """Names read but never bound (``for x in``, ``set x``) in ``tree``, minus Jinja2's globals.

    Cheaper than ``jinja2.meta.find_undeclared_variables``, which generates code.
    """
    loaded: set[str] = set()
    bound: set[str] = set()
    for node in _walk(tree, nodes.Name):
        (loaded if node.ctx == "load" else bound).add(node.name)
    return loaded - bound - set(make_environment().globals)


def _walk(tree: nodes.Node, kinds: type | tuple[type, ...]) -> Iterator[Any]:
    """``tree`` itself (when it is of ``kinds``) and every descendant of ``kinds``."""
    if isinstance(tree, kinds):
        yield tree
    yield from tree.find_all(kinds)


def _is_slots(node: nodes.Node) -> bool:
    return isinstance(node, nodes.Name) and node.name == "slots"


def _slot_references(tree: nodes.Node) -> list[str]:
    """Slot names read as ``slots.x``, ``slots['x']`` or ``slots.get('x')``, in order."""
    found: list[str] = []
    method_calls: set[int] = set()
    for call in _walk(tree, nodes.Call):
        callee = call.node
        if isinstance(callee, nodes.Getattr) and _is_slots(callee.node) and callee.attr in _DICT_METHODS:
            method_calls.add(id(callee))
            if callee.attr == "get" and call.args and isinstance(call.args[0], nodes.Const) and isinstance(call.args[0].value, str):
                found.append(call.args[0].value)
    for node in _walk(tree, (nodes.Getattr, nodes.Getitem)):
        if not _is_slots(node.node) or id(node) in method_calls:
            continue
        if isinstance(node, nodes.Getattr):
            found.append(node.attr)
        elif isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
            found.append(node.arg.value)
    return list(dict.fromkeys(found))
