"""Rasa 3 projects in the shape of Rasa's forms tutorial and demo bot run unchanged:
`dialog validate`, `dialog test` on their own test stories, and `dialog shell`."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from dialog.cli import cli
from tests.data_projects import copy_project

pytestmark = pytest.mark.e2e



@pytest.fixture(scope="module")
def pizzaform(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_project(tmp_path_factory, "rasa_pizzaform")


@pytest.fixture(scope="module")
def faqbot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_project(tmp_path_factory, "rasa_faqbot")


MISLEADING = ("is Rasa's placeholder syntax", "forms are not run here", "is not supported", "retrieval intents are not")


def test_the_form_project_validates_without_misleading_warnings(pizzaform: Path) -> None:
    result = CliRunner().invoke(cli, ["validate", str(pizzaform)])
    assert result.exit_code == 0, result.output
    assert not [line for line in result.stderr.splitlines() if any(text in line for text in MISLEADING)]
    assert "form 'simple_pizza_form' runs as the flow form_simple_pizza_form" in result.stderr


def test_the_form_project_s_test_stories_pass(pizzaform: Path) -> None:
    result = CliRunner().invoke(cli, ["test", str(pizzaform), "--llm", "fake"])
    assert result.exit_code == 0, result.output
    assert "3 passed" in result.stdout


def test_the_form_fills_its_placeholders_and_keeps_its_slots(pizzaform: Path) -> None:
    said = "I'd like to order a pizza\nlarge\npepperoni\nno\nI want to buy a pizza\n"
    result = CliRunner().invoke(cli, ["shell", str(pizzaform), "--no-llm"], input=said)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[:6] == [
        "What size would you like your pizza to be?",
        "What kind of pizza would you like?",
        "Thanks, your order is in.",
        "I will order a large pepperoni pizza.",
        "Anything else?",
        "  1. Yes",
    ]
    assert "Enjoy your pizza!" in lines
    # As in Rasa, the slots kept their values: a second order needs no questions.
    assert lines[-5:-2] == ["Thanks, your order is in.", "I will order a large pepperoni pizza.", "Anything else?"]


def test_the_demo_shaped_project_validates_with_retrieval_intents(faqbot: Path) -> None:
    result = CliRunner().invoke(cli, ["validate", str(faqbot)])
    assert result.exit_code == 0, result.output
    assert not [line for line in result.stderr.splitlines() if any(text in line for text in MISLEADING)]
    assert "Rasa component 'ResponseSelector' is not needed" in result.stderr
    assert "story_affirm_after_utter_ask_transfer_confirm, story_affirm_after_utter_greet" in result.stderr


def test_the_demo_shaped_project_s_test_stories_pass(faqbot: Path) -> None:
    result = CliRunner().invoke(cli, ["test", str(faqbot), "--llm", "fake"])
    assert result.exit_code == 0, result.output
    assert "9 passed" in result.stdout


def test_faqs_chitchat_buttons_and_context_in_the_shell(faqbot: Path) -> None:
    said = 'what is your name?\nhow are you doing\nhello\n/feedback{"value": "negative"}\nI want to move 100 dollars\nyes\n'
    result = CliRunner().invoke(cli, ["shell", str(faqbot), "--no-llm"], input=said)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "I'm the demo bot.",
        "I'm great, thanks for asking.",
        "Hey! I answer questions about this demo. Was that helpful so far?",
        "  1. 👍",
        "  2. 👎",
        "Thanks for telling me.",
        "I will transfer 100 dollars for you.",
        "Shall I go ahead?",
        "  1. Yes",
        "  2. No",
        "Done.",
    ]


@pytest.fixture(scope="module")
def formbot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_project(tmp_path_factory, "rasa_formbot")


def test_the_formbot_shaped_project_s_test_stories_pass(formbot: Path) -> None:
    result = CliRunner().invoke(cli, ["test", str(formbot), "--llm", "fake"])
    assert result.exit_code == 0, result.output
    assert "3 passed" in result.stdout


def test_stop_inside_the_form_asks_whether_to_continue(formbot: Path) -> None:
    said = "I want to book a table\nstop\nyes\nitalian\nstop\nno\nhi\n"
    result = CliRunner().invoke(cli, ["shell", str(formbot), "--no-llm"], input=said)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "What cuisine?",
        "Do you want to continue?",
        "What cuisine?",  # yes: the form goes on
        "How many people?",
        "Do you want to continue?",
        # no: the form is deactivated, silently, as in Rasa
        "Hello! I am a restaurant search assistant! How can I help?",
    ]
