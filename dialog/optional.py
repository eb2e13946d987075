"""Importing a package that only an optional extra installs, with an error that says how to get it.

Why: the default install is lean (no transformers); the few paths that need a package
from an extra (a non-Llama LLM folder, a non-BERT sentence encoder) must tell the user
the exact ``pip install`` line instead of failing with a bare ``ModuleNotFoundError``.
"""

from __future__ import annotations

import importlib
from types import ModuleType

__all__ = ["MissingExtraError", "require"]


class MissingExtraError(ImportError):
    """A package from an optional extra is not installed; the message names the extra."""


def require(module: str, extra: str, purpose: str) -> ModuleType:
    """``import module``, or MissingExtraError saying ``purpose`` needs ``pip install 'dialog[extra]'``."""
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name is None or exc.name.split(".")[0] != module.split(".")[0]:
            raise  # the package is there but one of its own imports failed: not ours to explain
        raise MissingExtraError(
            f"{purpose} needs the '{module.split('.')[0]}' package, which the default install leaves out: "
            f"pip install 'dialog[{extra}]'"
        ) from exc
