"""Faster start for the commands that load a bot: spaCy without thinc's torch import.

spaCy imports thinc, and thinc imports torch when it is installed (~1.5 s of CPU),
only to offer a torch bridge that a blank spaCy tokenizer never uses. The sentence
encoder and the LLM import torch themselves when they first need it, which for a
fast-path parse or a running server's first answers is later or never.
"""

from __future__ import annotations

import importlib
import sys

from dialog.config.models import BotConfig

__all__ = ["import_spacy_without_torch"]


def import_spacy_without_torch(config: BotConfig) -> None:
    """Import spaCy with torch hidden for that one import; torch stays importable.

    Skipped when a pipeline component names a spaCy model (a packaged pipeline may
    need thinc's torch bridge) and when spaCy or torch is already imported.
    """
    if "torch" in sys.modules or "spacy" in sys.modules:
        return
    if any("model" in spec.options for spec in config.settings.pipeline):
        return
    sys.modules["torch"] = None  # type: ignore[assignment]  # makes `import torch` fail
    try:
        importlib.import_module("spacy")
    except ImportError:  # no spaCy at all: the pipeline reports that itself, later
        pass
    finally:
        del sys.modules["torch"]
