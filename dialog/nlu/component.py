"""The contract every NLU pipeline component follows (STYLE.md §5).

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

from dataclasses import dataclass, field
from pathlib import Path

from dialog.config.component_options import build_config, config_keys

__all__ = ["ComponentContext", "build_config", "config_keys"]  # the last two re-exported for components


@dataclass(frozen=True)
class ComponentContext:
    """What a component may know about the bot it serves."""

    language: str = "en"
    root: Path = field(default_factory=Path.cwd)  # the domain folder
    entities: tuple[str, ...] = ()  # declared entity names
    intents: tuple[str, ...] = ()
