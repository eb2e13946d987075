"""The contract every NLU pipeline component follows, as Protocols the pipeline checks (docs/architecture.md, "NLU").

A component class (``ComponentClass``) has:

* ``name`` - its registry name (``sklearn_intent``),
* ``Config`` - a frozen dataclass whose fields are the YAML keys, with defaults,
* ``from_config(options, context)`` - validates the keys and builds it (no loading),
* ``__call__(ParseResult) -> ParseResult`` - compute, then set annotations (``Component``),
* optionally ``process_batch(list[ParseResult])`` for speed (``BatchComponent``),
  ``train(examples, processed, data)`` (``TrainableComponent``), ``save(directory)``
  (``SavedComponent``) and the class method ``load(directory, options, context)``
  (``LoadableComponent``),
* optionally ``process_training_batch(list[ParseResult])``: how the training data
  reaches the next component, when that differs from parsing (batched embeddings;
  the CRF passes it on untouched while it trains), and ``finish_training()``, which
  the pipeline calls after every component has trained (to wait for a worker process)
  (``TrainingBatchComponent``, ``BackgroundTrainingComponent``),
* optionally ``warm``, ``warm_up()`` (load a slow model now) and ``start_warm_up()``
  (load it in a background thread; a running bot calls this once the pipeline is
  loaded) (``SlowComponent``).

Heavy libraries (spaCy, sklearn, torch) are imported inside methods, never at
module import, so resolving a class to read its ``Config`` is cheap.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Protocol, runtime_checkable

from dialog.config.component_options import build_config, config_keys
from dialog.config.models import NLUData
from dialog.types import ParseResult, TrainingExample

__all__ = [
    "BackgroundTrainingComponent",
    "BatchComponent",
    "Component",
    "ComponentClass",
    "ComponentContext",
    "LoadableComponent",
    "SavedComponent",
    "SlowComponent",
    "TrainableComponent",
    "TrainingBatchComponent",
    "build_config",  # re-exported for the components
    "config_keys",
]


@dataclass(frozen=True)
class ComponentContext:
    """What a component may know about the bot it serves."""

    language: str = "en"
    root: Path = field(default_factory=Path.cwd)  # the domain folder
    entities: tuple[str, ...] = ()  # declared entity names
    intents: tuple[str, ...] = ()


class Component(Protocol):
    """Every component: called on each parse, it returns the parse with its annotations."""

    name: ClassVar[str]

    def __call__(self, message: ParseResult) -> ParseResult: ...


class ComponentClass(Protocol):
    """What the registry resolves a pipeline entry's name to (its ``Config`` dataclass
    holds the options; ``dialog.config.component_options`` reads it)."""

    def from_config(self, options: Mapping[str, Any], context: ComponentContext) -> Component:
        """Check the options and build the component; nothing slow is loaded yet."""


@runtime_checkable
class BatchComponent(Protocol):
    def process_batch(self, results: Sequence[ParseResult]) -> list[ParseResult]: ...


@runtime_checkable
class TrainableComponent(Protocol):
    def train(self, examples: Sequence[TrainingExample], processed: Sequence[ParseResult], data: NLUData) -> None:
        """Fit on the examples; ``processed`` are their parses by the earlier components."""


@runtime_checkable
class TrainingBatchComponent(Protocol):
    def process_training_batch(self, results: Sequence[ParseResult]) -> list[ParseResult]: ...


@runtime_checkable
class BackgroundTrainingComponent(Protocol):
    def finish_training(self) -> None:
        """Wait for training that went on in the background (a worker process)."""


@runtime_checkable
class SavedComponent(Protocol):
    def save(self, directory: Path) -> None: ...


@runtime_checkable
class LoadableComponent(Protocol):
    """Checked on the class: ``load`` is a class method."""

    def load(self, directory: Path, options: Mapping[str, Any], context: ComponentContext) -> Component: ...


@runtime_checkable
class SlowComponent(Protocol):
    """A component with a slow model to load (the sentence encoder)."""

    @property
    def warm(self) -> bool: ...

    def warm_up(self) -> None: ...

    def start_warm_up(self) -> None: ...
