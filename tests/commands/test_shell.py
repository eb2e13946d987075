"""``dialog shell`` options and errors (the conversations themselves: tests/e2e/test_shell.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from dialog.cli import cli

MINIBOT = Path(__file__).parents[1] / "data" / "minibot"


@pytest.fixture(scope="module")
def sqlite_bot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The minibot with an on-disk store, so a conversation outlives one ``dialog shell``."""
    root = tmp_path_factory.mktemp("shell") / "minibot"
    shutil.copytree(MINIBOT, root)
    config = root / "config.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("memory://", f"sqlite:///{root / 'conversations.db'}"), encoding="utf-8")
    return root


def shell(root: Path, text: str, *args: str):
    return CliRunner().invoke(cli, ["shell", str(root), "--no-llm", *args], input=text)


def test_help_lists_the_options() -> None:
    result = CliRunner().invoke(cli, ["shell", "--help"])
    assert result.exit_code == 0
    for option in ("--debug", "--sender", "--llm / --no-llm"):
        assert option in result.output


def test_trains_first_when_the_model_is_missing(sqlite_bot: Path) -> None:
    result = shell(sqlite_bot, "hi\n", "--sender", "first")
    assert result.exit_code == 0, result.output
    assert "training" in result.stderr
    assert result.stdout.startswith("Hello! Which order?\n")


def test_the_same_sender_continues_a_stored_conversation(sqlite_bot: Path) -> None:
    assert shell(sqlite_bot, "where is my order\n", "--sender", "u7").stdout == "What is your order number?\n"
    # the next run resumes the open flow after a digression; a new sender has none
    assert shell(sqlite_bot, "how can I pay\n", "--sender", "u7").stdout == "We take cards.\nWhat is your order number?\n"
    assert shell(sqlite_bot, "how can I pay\n", "--sender", "u8").stdout == "We take cards.\n"


def test_a_config_error_exits_2_with_its_position(tmp_path: Path) -> None:
    broken = tmp_path / "minibot"
    shutil.copytree(MINIBOT, broken)
    (broken / "flows.yml").write_text("flows:\n  greet:\n    stepz: []\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["shell", str(broken)], input="hi\n")
    assert result.exit_code == 2
    assert f"{broken / 'flows.yml'}:3:5: unknown key 'stepz'" in result.output
    assert "Traceback" not in result.output
