"""Loads a shipped domain's actions.py the way the bot does (``ActionRunner``)."""

from __future__ import annotations

import inspect
from pathlib import Path
from types import ModuleType

from dialog.config import load_bot
from dialog.flows.action_runner import ActionRunner

__all__ = ["domain_path", "load_actions"]


def domain_path(name: str) -> Path:
    return Path(__file__).resolve().parents[2] / "domains" / name


def load_actions(name: str) -> ModuleType:
    """The module behind the domain's first declared action, imported by the real runner."""
    root = domain_path(name)
    declared = load_bot(root).domain.actions
    first = sorted(declared)[0]
    module = inspect.getmodule(ActionRunner(declared, root).function(first))
    assert module is not None
    return module
