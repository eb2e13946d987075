"""Shared pytest options (real language models run only with ``--slow``) and fixture plugins.

Fixtures that several folders share live in ``tests/fixtures/`` and load here, as
plugins: a test names them as arguments and imports nothing.
"""

from __future__ import annotations

import pytest

pytest_plugins = ["tests.fixtures.services"]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--slow", action="store_true", default=False, help="run tests that load real models")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--slow"):
        return
    skip_slow = pytest.mark.skip(reason="loads a real model; run with --slow (make test does)")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip_slow)
