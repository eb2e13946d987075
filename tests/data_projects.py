"""The small bot projects of tests/data, copied to a temporary folder for a test module
(training writes `.dialog/` into the bot folder, which must not land in the repo)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


def copy_project(tmp_path_factory: pytest.TempPathFactory, name: str) -> Path:
    """A fresh copy of ``tests/data/<name>`` without any trained model."""
    root = tmp_path_factory.mktemp("rasa") / name
    shutil.copytree(DATA / name, root, ignore=shutil.ignore_patterns(".dialog"))
    return root
