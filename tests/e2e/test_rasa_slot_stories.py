"""A Rasa 3 project that branches on slots passes its own test stories: stories answering
an intent as a slot says, rules with only a slot condition, and a bare entity value."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from dialog.cli import cli
from tests.data_projects import copy_project

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def slot_bot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_project(tmp_path_factory, "rasa_slot_stories")


def test_its_test_stories_pass(slot_bot: Path) -> None:
    result = CliRunner().invoke(cli, ["test", str(slot_bot), "--llm", "fake"])
    assert result.exit_code == 0, result.output
    assert "4 passed" in result.stdout


def test_a_topic_asked_again_answers_with_the_new_value_s_rule(slot_bot: Path) -> None:
    result = CliRunner().invoke(cli, ["shell", str(slot_bot), "--no-llm"], input="how does payment work?\nand the company?\n")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[:2] == ["We take bank transfers.", "We sell houses."]
