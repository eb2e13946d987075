"""A Rasa Pro CALM project (flows with descriptions, no nlu.yml, from_llm slots, an LLM
command generator) validates, passes its own end-to-end tests and talks in the shell."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from dialog.cli import cli
from tests.data_projects import copy_project

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def calm_bot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_project(tmp_path_factory, "rasa_calm")


def test_it_validates_and_says_how_its_flows_start(calm_bot: Path) -> None:
    result = CliRunner().invoke(cli, ["validate", str(calm_bot)])
    assert result.exit_code == 0, result.output
    assert "Rasa component 'CompactLLMCommandGenerator' runs as" in result.stderr
    assert "flow 'transfer_money' has no nlu_trigger: it starts from its description and name" in result.stderr
    assert "slot 'amount': mapping type 'from_llm' is read as from_text" in result.stderr


def test_its_end_to_end_tests_pass(calm_bot: Path) -> None:
    result = CliRunner().invoke(cli, ["test", str(calm_bot), "--llm", "fake"])
    assert result.exit_code == 0, result.output
    assert "4 passed" in result.stdout


def test_small_talk_starts_no_flow(calm_bot: Path) -> None:
    result = CliRunner().invoke(cli, ["shell", str(calm_bot), "--no-llm"], input="hello there\nwhat's the interest rate on savings?\n")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Hi, I'm the bank's assistant")  # pattern_session_start
    assert "Who would you like to send money to?" not in result.stdout
    assert "Savings accounts earn 2 percent a year, paid monthly." in result.stdout
