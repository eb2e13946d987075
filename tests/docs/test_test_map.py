"""tests/README.md says where each module's tests are, and cannot drift from the tree."""

from __future__ import annotations

from pathlib import Path

import pytest

import scripts.gen_test_map as test_map


def test_the_committed_map_is_what_the_generator_makes() -> None:
    assert test_map.OUTPUT.read_text(encoding="utf-8") == test_map.render(), (
        "tests/README.md is out of date: run `make docs`"
    )


def test_every_module_with_code_has_a_line(tmp_path: Path) -> None:
    rendered = test_map.render()
    for module in test_map.modules():
        assert f"| `{module.replace('.', '/')}.py` |" in rendered


def _tree(
    tmp_path: Path, modules: dict[str, str], tests: dict[str, str], written: str = ""
) -> None:
    for root, files in (("dialog", modules), ("tests", tests)):
        for name, text in files.items():
            path = tmp_path / root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    (tmp_path / "tests" / "map.txt").write_text(written, encoding="utf-8")


@pytest.fixture
def fake_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(test_map, "ROOT", tmp_path)
    monkeypatch.setattr(test_map, "PACKAGE", tmp_path / "dialog")
    monkeypatch.setattr(test_map, "TESTS", tmp_path / "tests")
    monkeypatch.setattr(test_map, "MAP", tmp_path / "tests" / "map.txt")
    return tmp_path


def test_a_module_without_tests_or_a_map_line_is_an_error(fake_repo: Path) -> None:
    _tree(
        fake_repo,
        {
            "__init__.py": '"""marker"""\n',
            "flows/engine.py": "X = 1\n",
            "flows/stack.py": "Y = 2\n",
        },
        {"flows/test_engine.py": ""},
    )
    with pytest.raises(
        test_map.MapProblems,
        match=r"dialog/flows/stack.py has no tests: write tests/flows/test_stack.py",
    ):
        test_map.render()


def test_a_map_line_or_an_importing_test_counts(fake_repo: Path) -> None:
    modules = {
        "__init__.py": '"""marker"""\n',
        "flows/engine.py": "X = 1\n",
        "flows/stack.py": "Y = 2\n",
        "flows/turn.py": "Z = 3\n",
    }
    tests = {"flows/test_engine.py": "from dialog.flows.turn import Z\n"}
    _tree(
        fake_repo, modules, tests, "dialog/flows/stack.py: tests/flows/test_engine.py\n"
    )
    rendered = test_map.render()
    assert "| `dialog/flows/stack.py` | `tests/flows/test_engine.py` |" in rendered
    assert "| `dialog/flows/turn.py` | `tests/flows/test_engine.py` |" in rendered
    assert "dialog/__init__.py" not in rendered  # a package marker has nothing to test


def test_a_stale_map_line_is_an_error(fake_repo: Path) -> None:
    _tree(
        fake_repo,
        {"flows/engine.py": "X = 1\n"},
        {"flows/test_engine.py": ""},
        "dialog/flows/engine.py: tests/flows/test_engine.py\ndialog/gone.py: none, removed\n",
    )
    with pytest.raises(test_map.MapProblems) as raised:
        test_map.render()
    assert "dialog/flows/engine.py has its own tests/flows/test_engine.py now" in str(
        raised.value
    )
    assert "dialog/gone.py is not a module of dialog/" in str(raised.value)
