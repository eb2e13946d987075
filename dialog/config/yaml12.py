"""YAML 1.2 core-schema scalars for PyYAML, which only knows YAML 1.1.

Rasa reads its files as YAML 1.2, where ``yes``, ``no``, ``on``, ``off`` are text,
``2030-05-06`` is text and ``1_000`` or ``1:30`` are text. Under PyYAML's 1.1 rules
``- intent: no`` is ``False`` and a categorical slot's ``values: [on, off]`` are
booleans, so a Rasa project would mean something else here. These loaders resolve
plain scalars by the 1.2 core schema: ``true``/``false`` (any case in the spec's
three spellings), ``null``/``~``, decimal, ``0o`` octal and ``0x`` hex integers, and
floats such as ``1.5``, ``1e3``, ``.inf`` and ``.nan``.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

__all__ = ["FastLoader", "SafeLoader", "Yaml12Constructor"]

_TAG = "tag:yaml.org,2002:"
_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_INT = re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
_FLOAT = re.compile(r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$")
# Other implicit tags (merge '<<', and '=') stay as in PyYAML.
_KEPT = {f"{_TAG}merge", f"{_TAG}value", f"{_TAG}yaml"}


def _resolvers(base: dict[Any, list[tuple[str, re.Pattern[str]]]]) -> dict[Any, list[tuple[str, re.Pattern[str]]]]:
    """PyYAML's table (first character -> [(tag, regexp)]) with the 1.2 core schema's scalars."""
    table: dict[Any, list[tuple[str, re.Pattern[str]]]] = {}
    for first, entries in base.items():
        kept = [(tag, regexp) for tag, regexp in entries if tag in _KEPT]
        if kept:
            table[first] = kept
    ordered = ((f"{_TAG}bool", _BOOL, "tTfF"), (f"{_TAG}int", _INT, "-+0123456789"), (f"{_TAG}float", _FLOAT, "-+.0123456789"))
    for tag, regexp, firsts in ordered:
        for first in firsts:
            table.setdefault(first, []).append((tag, regexp))
    for first in ["~", "n", "N", None]:  # None: the empty scalar
        table.setdefault(first if first is not None else "", []).append((f"{_TAG}null", _NULL))
    return table


class Yaml12Constructor(yaml.SafeLoader):
    """Builds the 1.2 core schema's integers (``0o17``, ``012`` is twelve) and floats (``1e3``)."""

    yaml_implicit_resolvers = _resolvers(yaml.SafeLoader.yaml_implicit_resolvers)

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        value = str(self.construct_scalar(node))
        if value.startswith(("0o", "0x")):
            return int(value, 0)  # 0o17, 0x1F
        return int(value, 10)

    def construct_yaml_float(self, node: yaml.ScalarNode) -> float:
        value = str(self.construct_scalar(node)).lower()
        if value.endswith(".inf"):
            return float("-inf") if value.startswith("-") else float("inf")
        if value == ".nan":
            return float("nan")
        return float(value)


Yaml12Constructor.add_constructor(f"{_TAG}int", Yaml12Constructor.construct_yaml_int)
Yaml12Constructor.add_constructor(f"{_TAG}float", Yaml12Constructor.construct_yaml_float)


class SafeLoader(yaml.SafeLoader):
    """PyYAML's pure-Python safe loader, resolving plain scalars by YAML 1.2."""

    yaml_implicit_resolvers = Yaml12Constructor.yaml_implicit_resolvers


_CLoader: Any = getattr(yaml, "CSafeLoader", None)
FastLoader: Any = None
if _CLoader is not None:

    class _FastLoader(_CLoader):
        """libyaml's parser (~10x faster), resolving plain scalars by YAML 1.2."""

        yaml_implicit_resolvers = Yaml12Constructor.yaml_implicit_resolvers

    FastLoader = _FastLoader
