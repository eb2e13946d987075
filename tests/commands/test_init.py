"""``dialog init``: a new project from the template that validates, and never over an existing one."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from dialog.cli import cli
from dialog.commands.init import render_config
from dialog.config import load_bot
from dialog.config.defaults import DEFAULT_PIPELINE


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_help() -> None:
    result = CliRunner().invoke(cli, ["init", "--help"])
    assert result.exit_code == 0
    assert "Create a new bot project in DIRECTORY" in result.output


def test_init_creates_a_project_that_validates(in_tmp: Path) -> None:
    result = CliRunner().invoke(cli, ["init", "mybot"])
    assert result.exit_code == 0, result.output
    assert sorted(path.name for path in (in_tmp / "mybot").iterdir()) == ["actions.py", "config.yml", "domain.yml", "flows.yml", "knowledge", "nlu.yml", "tests"]
    assert "dialog train mybot" in result.stdout and "dialog test mybot" in result.stdout
    validated = CliRunner().invoke(cli, ["validate", "mybot"])
    assert validated.exit_code == 0, validated.output
    assert validated.stderr == ""  # not even a warning
    assert validated.stdout.startswith("mybot: 16 intents, ")


def test_the_new_project_s_story_tests_pass(in_tmp: Path) -> None:
    """A new user's first `dialog test` trains the model and passes, hesitation included."""
    CliRunner().invoke(cli, ["init", "mybot"])
    result = CliRunner().invoke(cli, ["test", "mybot", "--llm", "fake"])
    assert result.exit_code == 0, result.output
    assert "PASS stories.yml::hesitation at a yes/no question asks it again" in result.stdout
    assert "PASS stories.yml::a question about a policy is answered from knowledge/" in result.stdout
    assert "12 passed in " in result.stdout


def test_config_has_the_default_pipeline(in_tmp: Path) -> None:
    CliRunner().invoke(cli, ["init", "mybot"])
    pipeline = load_bot("mybot").settings.pipeline
    assert [dict(name=spec.name, **spec.options) for spec in pipeline] == list(DEFAULT_PIPELINE)
    assert pipeline[0].mark == ("mybot/config.yml", 6, 5)
    assert render_config().startswith("# How the bot understands text")


def test_config_runs_the_sentence_encoder_before_the_intent_classifier_and_says_when(in_tmp: Path) -> None:
    CliRunner().invoke(cli, ["init", "mybot"])
    text = Path("mybot/config.yml").read_text(encoding="utf-8")
    assert "  - name: sentence_embeddings  # MiniLM sentence vectors, run only when TF-IDF alone is unsure" in text
    names = [spec.name for spec in load_bot("mybot").settings.pipeline]
    assert names[-2:] == ["sentence_embeddings", "sklearn_intent"]


def test_refuses_a_non_empty_folder_unless_forced(in_tmp: Path) -> None:
    (in_tmp / "mybot").mkdir()
    (in_tmp / "mybot" / "notes.txt").write_text("mine")
    result = CliRunner().invoke(cli, ["init", "mybot"])
    assert result.exit_code == 2
    assert result.stderr == "error: mybot is not empty; choose an empty folder or pass --force to overwrite\n"
    forced = CliRunner().invoke(cli, ["init", "--force", "mybot"])
    assert forced.exit_code == 0
    assert (in_tmp / "mybot" / "notes.txt").read_text() == "mine"
    assert (in_tmp / "mybot" / "domain.yml").is_file()


def test_an_existing_empty_folder_is_fine(in_tmp: Path) -> None:
    (in_tmp / "mybot").mkdir()
    assert CliRunner().invoke(cli, ["init", "mybot"]).exit_code == 0
