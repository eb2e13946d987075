"""``dialog shell`` end to end: real NLU training and parsing, piped stdin, replies on stdout."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from dialog.cli import cli

MINIBOT = Path(__file__).parent.parent / "data" / "minibot"


@pytest.fixture(scope="module")
def minibot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("shell") / "minibot"
    shutil.copytree(MINIBOT, root)
    return root


def shell(root: Path, text: str, *args: str):
    return CliRunner().invoke(cli, ["shell", str(root), "--sender", "e2e", *args], input=text)


def test_help() -> None:
    result = CliRunner().invoke(cli, ["shell", "--help"])
    assert result.exit_code == 0 and "--debug" in result.output


def test_piped_conversation(minibot: Path) -> None:
    script = "hi\n1\n123456\nhow can I pay\ntell me a joke\nhuman please\nhello?\n/restart\n/exit\nnot read\n"
    result = shell(minibot, script)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "Hello! Which order?",
        "  1. Check an order",
        "  2. Payment",
        "What is your order number?",
        "Order 123456 has shipped.",
        "We take cards.",
        "I am a fake model.",
        "I'm handing you over to a human colleague.",
        "Let's start over.",
    ]


def test_empty_stdin_exits_cleanly(minibot: Path) -> None:
    result = shell(minibot, "")
    assert result.exit_code == 0 and result.stdout == ""


def test_debug_goes_to_stderr(minibot: Path) -> None:
    result = shell(minibot, "where is my order\n", "--debug", "--no-llm")
    assert result.exit_code == 0
    assert result.stdout == "What is your order number?\n"
    assert "[debug] intent: check_order" in result.stderr
    assert "waiting for: order_id" in result.stderr


def test_missing_domain_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["shell", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert "does not exist" in result.output
