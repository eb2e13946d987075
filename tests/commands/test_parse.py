"""``dialog parse`` through click's CliRunner on a tiny bot written to tmp_path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from dialog.cli import cli

from .test_train import write_bot


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_bot(tmp_path_factory.mktemp("parse") / "tinybot")


def test_help() -> None:
    result = CliRunner().invoke(cli, ["parse", "--help"])
    assert result.exit_code == 0
    assert "TEXT" in result.output and "--no-train" in result.output


def test_no_train_fails_when_there_is_no_model(bot: Path) -> None:
    result = CliRunner().invoke(cli, ["parse", str(bot), "hi", "--no-train"])
    assert result.exit_code == 2
    assert "dialog train" in result.stderr


def test_trains_first_then_prints_the_json(bot: Path) -> None:
    result = CliRunner().invoke(cli, ["parse", str(bot), "where is my order 234567 and my Sneakers"])
    assert result.exit_code == 0, result.output
    assert "training sklearn_intent" in result.stderr
    data = json.loads(result.stdout)
    assert data["text"] == "where is my order 234567 and my Sneakers"
    assert data["intent"]["name"] == "check_order_status"
    assert [r["name"] for r in data["intent_ranking"]] == ["check_order_status", "greet"]
    assert [(e["entity"], e["value"], e["extractor"]) for e in data["entities"]] == [
        ("order_id", "234567", "regex_entities"),
        ("product", "running shoes", "lookup_entities"),  # "Sneakers", mapped by the synonym
    ]
    assert result.stdout.startswith('{\n  "text"')


def test_payload_and_unquoted_words(bot: Path) -> None:
    runner = CliRunner()
    payload = json.loads(runner.invoke(cli, ["parse", str(bot), '/check_order_status{"order_id": "111111"}']).stdout)
    assert payload["intent"] == {"name": "check_order_status", "confidence": 1.0}
    assert payload["entities"][0]["value"] == "111111"
    words = runner.invoke(cli, ["parse", str(bot), "good", "morning"])
    assert words.stderr == ""  # the model exists now: no training
    assert json.loads(words.stdout)["text"] == "good morning"


def test_entities_carry_offsets_extractor_and_confidence(bot: Path) -> None:
    text = "where is my order 234567"
    result = CliRunner().invoke(cli, ["parse", str(bot), text])
    assert result.exit_code == 0, result.output
    (entity,) = json.loads(result.stdout)["entities"]
    assert entity == {"entity": "order_id", "value": "234567", "start": 18, "end": 24, "extractor": "regex_entities", "confidence": 1.0}
    assert text[entity["start"] : entity["end"]] == "234567"


def test_a_config_error_exits_2_with_its_position(tmp_path: Path) -> None:
    broken = write_bot(tmp_path / "broken")
    (broken / "config.yml").write_text("language: en\npipline: []\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["parse", str(broken), "hi"])
    assert result.exit_code == 2
    assert f"{broken / 'config.yml'}:2:1: unknown key 'pipline' in config (did you mean 'pipeline'?)" in result.output
    assert "Traceback" not in result.output


def test_duckling_entities_print_in_rasa_s_shape(tmp_path: Path) -> None:
    import shutil

    bot = tmp_path / "appointments"
    shutil.copytree(Path(__file__).parents[1] / "data" / "appointments", bot, ignore=shutil.ignore_patterns(".dialog"))
    result = CliRunner().invoke(cli, ["parse", str(bot), "can I come in on December 8 at 2pm"])
    assert result.exit_code == 0, result.output
    [entity] = json.loads(result.stdout)["entities"]
    assert entity["entity"] == "time" and entity["text"] == "on December 8 at 2pm"
    assert entity["value"].endswith("-12-08T14:00:00.000+01:00")  # Europe/Berlin in winter
    assert entity["additional_info"]["grain"] == "hour" and entity["extractor"] == "DucklingEntityExtractor"
