"""The contract every NLU pipeline component follows (docs/architecture.md, "NLU").

A component class has:

* ``name`` - its registry name (``sklearn_intent``),
* ``Config`` - a frozen dataclass whose fields are the YAML keys, with defaults,
* ``from_config(options, context)`` - validates the keys and builds it (no loading),
* ``__call__(ParseResult) -> ParseResult`` - compute, then set annotations,
* optionally ``process_batch(list[ParseResult])`` for speed, and for trainable ones
  ``train(examples, processed, data)``, ``save(directory)`` and
  ``load(directory, options, context)``,
* optionally ``process_training_batch(list[ParseResult])``: how the training data
  reaches the next component, when that differs from parsing (batched embeddings;
  the CRF passes it on untouched while it trains), and ``finish_training()``, which
  the pipeline calls after every component has trained (to wait for a worker process),
* optionally ``warm_up()`` (load a slow model now) and ``start_warm_up()`` (load it
  in a background thread; a running bot calls this once the pipeline is loaded).

Heavy libraries (spaCy, sklearn, torch) are imported inside methods, never at
module import, so resolving a class to read its ``Config`` is cheap.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, TypeVar

from dialog.config.schema import describe
from dialog.errors import ComponentError

__all__ = ["ComponentContext", "build_config", "config_keys"]

ConfigT = TypeVar("ConfigT")


@dataclass(frozen=True)
class ComponentContext:
    """What a component may know about the bot it serves."""

    language: str = "en"
    root: Path = field(default_factory=Path.cwd)  # the domain folder
    entities: tuple[str, ...] = ()  # declared entity names
    intents: tuple[str, ...] = ()


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
    if origin is tuple and arguments and Ellipsis not in arguments:
        if not isinstance(value, (list, tuple)) or len(value) != len(arguments) or any(_expected(a, v) for a, v in zip(arguments, value)):
            return f"a list of {len(arguments)} ({', '.join(_NAMES.get(a, str(a)) for a in arguments)})"
    return ""
