"""The test suite's own rules: e2e tests carry their marker, shared fixtures load as plugins."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]


def _marks(path: Path) -> set[str]:
    """The marker names of a module's ``pytestmark`` (one mark or a list of them)."""
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(isinstance(target, ast.Name) and target.id == "pytestmark" for target in node.targets):
            return {sub.attr for sub in ast.walk(node.value) if isinstance(sub, ast.Attribute) and isinstance(sub.value, ast.Attribute) and sub.value.attr == "mark"}
    return set()


@pytest.mark.parametrize("path", sorted((TESTS / "e2e").glob("test_*.py")), ids=lambda path: path.name)
def test_every_e2e_module_carries_the_e2e_marker(path: Path) -> None:
    assert "e2e" in _marks(path), f"add `pytestmark = pytest.mark.e2e` to tests/e2e/{path.name}"


def test_no_test_imports_a_shared_fixture() -> None:
    """Fixtures in tests/fixtures/ reach tests through ``pytest_plugins``; importing one would shadow it."""
    fixtures = {path.stem for path in (TESTS / "fixtures").glob("*.py") if path.stem != "__init__"}
    importing = [
        str(path.relative_to(TESTS))
        for path in TESTS.rglob("test_*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ImportFrom) and node.module in {f"tests.fixtures.{name}" for name in fixtures} | {"tests.services"}
    ]
    assert not importing


def test_the_fixture_plugins_are_registered() -> None:
    conftest = ast.parse((TESTS / "conftest.py").read_text(encoding="utf-8"))
    plugins = next(ast.literal_eval(node.value) for node in conftest.body if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "pytest_plugins")
    assert sorted(plugins) == sorted(f"tests.fixtures.{path.stem}" for path in (TESTS / "fixtures").glob("*.py") if path.stem != "__init__")
