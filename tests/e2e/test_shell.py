"""``dialog shell`` end to end: real NLU training and parsing, piped stdin, replies on stdout."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from dialog.cli import cli

pytestmark = pytest.mark.e2e

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


DOMAINS = Path(__file__).resolve().parents[2] / "domains"


def domain_shell(name: str, script: str) -> list[str]:
    """Chat with a shipped domain (a new sender each run: its store keeps conversations)."""
    import uuid

    result = CliRunner().invoke(cli, ["shell", str(DOMAINS / name), "--sender", f"e2e-{uuid.uuid4().hex[:8]}", "--no-llm"], input=script)
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()


def test_customer_service_in_the_shell() -> None:
    lines = domain_shell(
        "customer_service",
        "I want to cancel my order\n234567\nwhat payment methods do you take?\n1\ntalk to a human\nhello?\n/restart\n",
    )
    assert "order number" in lines[0]
    assert "234567" in lines[1] and lines[2:4] == ["  1. Yes, cancel it", "  2. No, keep it"]
    assert "Visa" in lines[4]
    assert lines[5:8] == lines[1:4]  # the open question, re-asked after the digression
    assert "234567" in lines[8] and "cancelled" in lines[8]
    assert "support team" in lines[9]  # the handoff; "hello?" then gets no reply
    assert lines[10].startswith("Let's start over")
    assert len(lines) == 11


def test_it_helpdesk_in_the_shell() -> None:
    lines = domain_shell("it_helpdesk", "hi\nthe vpn is down\nwhat is the meaning of life\n")
    assert "IT Help Desk" in lines[0]  # either greeting variation
    assert "INC-1001" in lines[1]
    assert lines[2].startswith("Sorry, I don't have information about that")  # a clear question, no LLM: not "could you rephrase?"
