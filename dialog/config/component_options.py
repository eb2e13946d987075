"""The options of a pipeline component: its ``Config`` dataclass's fields are the YAML keys.

Here rather than in ``dialog.nlu`` because ``config.yml`` is checked against them when a
bot loads, and loading a bot must not depend on the NLU package (see
``tests/test_layering.py``).
"""

from __future__ import annotations

import dataclasses
import types
import typing
from typing import Any, Mapping, TypeVar

from dialog.config.schema import describe
from dialog.errors import ComponentError

__all__ = ["build_config", "config_keys"]

ConfigT = TypeVar("ConfigT")


def config_keys(config_class: type) -> list[str]:
    """The YAML keys a component accepts: its ``Config`` fields, in declaration order."""
    return [f.name for f in dataclasses.fields(config_class)]


def build_config(config_class: type[ConfigT], options: Mapping[str, Any], component: str) -> ConfigT:
    """``config_class(**options)``; unknown keys and bad types name the valid ones."""
    valid = config_keys(config_class)
    unknown = sorted(set(options) - set(valid))
    if unknown:
        raise ComponentError(component, f"unknown option(s) {', '.join(unknown)}; valid options: {', '.join(valid)}")
    hints = typing.get_type_hints(config_class)
    for key, value in options.items():
        expected = _expected(hints.get(key), value)
        if expected:
            raise ComponentError(component, f"option '{key}' must be {expected}, got {describe(value)}")
    try:
        return config_class(**options)
    except (TypeError, ValueError) as exc:
        raise ComponentError(component, str(exc)) from exc


_NAMES = {bool: "true or false", int: "an integer", float: "a number", str: "a string"}  # as config.yml's messages


def _expected(annotation: Any, value: Any) -> str:
    """What ``value`` should have been for a field of type ``annotation``; "" if it fits.
    Types beyond the simple ones Config classes use (bool, int, float, text, optional,
    tuples of those) are left to the dataclass."""
    if annotation in _NAMES:
        fits = {
            bool: isinstance(value, bool),
            int: isinstance(value, int) and not isinstance(value, bool),
            float: isinstance(value, (int, float)) and not isinstance(value, bool),
            str: isinstance(value, str),
        }[annotation]
        return "" if fits else _NAMES[annotation]
    origin, arguments = typing.get_origin(annotation), typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType) and type(None) in arguments:
        inner = [argument for argument in arguments if argument is not type(None)]
        if value is None or len(inner) != 1:
            return ""
        expected = _expected(inner[0], value)
        return f"{expected} or null" if expected else ""
    if origin is tuple and arguments and Ellipsis not in arguments:  # noqa: SIM102  (which tuples, then whether it fits)
        if not isinstance(value, (list, tuple)) or len(value) != len(arguments) or any(_expected(a, v) for a, v in zip(arguments, value)):
            return f"a list of {len(arguments)} ({', '.join(_NAMES.get(a, str(a)) for a in arguments)})"
    return ""
