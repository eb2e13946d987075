"""Projects adapted from Rasa's own examples (e2ebot, responseselectorbot) and from
RasaHQ/helpdesk-assistant run unchanged: `dialog validate`, `dialog test` on their test
stories, and `dialog shell`. bench/RESULTS.md ("real Rasa projects") has the full ones."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from dialog.cli import cli
from tests.data_projects import copy_project

pytestmark = pytest.mark.e2e



@pytest.fixture(scope="module")
def e2ebot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_project(tmp_path_factory, "rasa_e2ebot")


@pytest.fixture(scope="module")
def retrievalbot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_project(tmp_path_factory, "rasa_retrievalbot")


@pytest.fixture(scope="module")
def helpdesk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_project(tmp_path_factory, "rasa_helpdesk")


def test_the_end_to_end_bot_validates_and_says_what_it_learnt(e2ebot: Path) -> None:
    result = CliRunner().invoke(cli, ["validate", str(e2ebot)])
    assert result.exit_code == 0, result.output
    assert "the pipeline has no intent classifier" in result.stderr
    assert "user text 'I can always go for sushi' is learnt as an example of intent 'affirm'" in result.stderr


def test_the_end_to_end_bot_s_test_stories_pass(e2ebot: Path) -> None:
    result = CliRunner().invoke(cli, ["test", str(e2ebot), "--llm", "fake"])
    assert result.exit_code == 0, result.output
    assert "4 passed" in result.stdout


def test_the_retrieval_bot_needs_no_code_for_respond_chitchat(retrievalbot: Path) -> None:
    result = CliRunner().invoke(cli, ["validate", str(retrievalbot)])
    assert result.exit_code == 0, result.output
    assert "respond_chitchat" not in result.stderr


def test_the_retrieval_bot_s_test_stories_pass(retrievalbot: Path) -> None:
    result = CliRunner().invoke(cli, ["test", str(retrievalbot), "--llm", "fake"])
    assert result.exit_code == 0, result.output
    assert "3 passed" in result.stdout


def test_the_retrieval_bot_answers_each_sub_intent_in_the_shell(retrievalbot: Path) -> None:
    result = CliRunner().invoke(cli, ["shell", str(retrievalbot), "--no-llm"], input="what is your name?\nis it sunny outside today?\n")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["Oh yeah, I am called the retrieval bot.", "Oh, it does look sunny right now in Berlin."]


def test_the_helpdesk_validates_with_warnings_where_rasa_only_warns(helpdesk: Path) -> None:
    result = CliRunner().invoke(cli, ["validate", str(helpdesk)])
    assert result.exit_code == 0, result.output
    assert "unknown key 'helpdesk' in endpoints file (ignored, as Rasa ignores it" in result.stderr
    assert "action 'action_handoff_options' is a Rasa SDK custom action, but endpoints.yml names no action_endpoint" in result.stderr
    assert "which is not run here" not in result.stderr  # help and out_of_scope inside the form are digressions


def test_the_helpdesk_s_test_stories_pass(helpdesk: Path) -> None:
    result = CliRunner().invoke(cli, ["test", str(helpdesk), "--llm", "fake"])
    assert result.exit_code == 0, result.output
    assert "3 passed" in result.stdout


def test_help_inside_the_helpdesk_form_answers_then_asks_again(helpdesk: Path) -> None:
    said = "I have a problem with my email\ncan you help me\nmy email is abel.tuter@example.com\nhigh\n"
    result = CliRunner().invoke(cli, ["shell", str(helpdesk), "--no-llm"], input=said)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "What is your email address?",
        "I can help you open a service request ticket.",
        "What is your email address?",
        "What is the priority of this issue?",
        "  1. low",
        "  2. high",
        "Opened an incident with priority high for abel.tuter@example.com.",
    ]
