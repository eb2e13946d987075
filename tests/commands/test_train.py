"""``dialog train`` through click's CliRunner on a tiny bot written to tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from dialog.cli import cli

DOMAIN = """
version: "3.1"
intents: [greet, check_order_status]
entities: [order_id, product]
responses:
  utter_greet:
    - text: Hi!
"""
NLU = """
version: "3.1"
nlu:
  - intent: greet
    examples: |
      - hi
      - hello
      - good morning
  - intent: check_order_status
    examples: |
      - where is my order [123456](order_id)
      - status of order [654321](order_id)
      - did my [yoga mat](product) ship
  - regex: order_id
    examples: |
      - \\b\\d{6}\\b
  - lookup: product
    examples: |
      - yoga mat
      - running shoes
      - sneakers
  - synonym: running shoes
    examples: |
      - sneakers
"""
CONFIG = """
language: en
pipeline:
  - name: spacy_tokenizer
  - name: regex_entities
  - name: lookup_entities
  - name: crf_entities
  - name: synonyms
  - name: sklearn_intent
    threshold: 0.2
"""


def write_bot(root: Path, nlu: str = NLU) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name, text in (("domain.yml", DOMAIN), ("nlu.yml", nlu), ("config.yml", CONFIG), ("flows.yml", "flows: {}\n")):
        (root / name).write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def bot(tmp_path: Path) -> Path:
    return write_bot(tmp_path / "tinybot")


def test_help() -> None:
    result = CliRunner().invoke(cli, ["train", "--help"])
    assert result.exit_code == 0
    assert "DOMAIN" in result.output and "--force" in result.output


def test_trains_then_skips_then_forces(bot: Path) -> None:
    runner = CliRunner()
    first = runner.invoke(cli, ["train", str(bot)])
    assert first.exit_code == 0, first.output
    assert "Trained the NLU model in" in first.stdout
    assert str(bot / ".dialog" / "models") in first.stdout
    assert "training crf_entities" in first.stderr and "s] sklearn_intent done in" in first.stderr
    second = runner.invoke(cli, ["train", str(bot)])
    assert second.exit_code == 0
    assert "Nothing changed since the last training" in second.stdout and second.stderr == ""
    forced = runner.invoke(cli, ["train", str(bot), "--force"])
    assert "Trained the NLU model" in forced.stdout


def test_changed_data_retrains(bot: Path) -> None:
    runner = CliRunner()
    runner.invoke(cli, ["train", str(bot)])
    write_bot(bot, NLU.replace("- hello\n", "- hello\n      - hey there\n"))
    result = runner.invoke(cli, ["train", str(bot)])
    assert "Trained the NLU model" in result.stdout
    assert len([p for p in (bot / ".dialog" / "models").iterdir() if p.is_dir()]) == 2


def test_config_errors_exit_2_without_traceback(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["train", str(tmp_path / "missing")])
    assert result.exit_code == 2
    assert "does not exist" in result.stderr and "Traceback" not in result.output


def test_documents_are_indexed_and_reindexed_only_when_one_changed(bot: Path) -> None:
    (bot / "knowledge").mkdir()
    (bot / "knowledge" / "shipping.md").write_text("# Shipping\n\nWe ship in 3 days.\n\n# Returns\n\n30 days.\n", encoding="utf-8")
    runner = CliRunner()
    first = runner.invoke(cli, ["train", str(bot)])
    assert first.exit_code == 0, first.output
    assert "Indexed 2 chunks of 1 documents in" in first.stdout
    assert str(bot / ".dialog" / "models" / "knowledge") in first.stdout
    second = runner.invoke(cli, ["train", str(bot)])
    assert "No document changed; the knowledge index is" in second.stdout
    (bot / "knowledge" / "shipping.md").write_text("# Shipping\n\nWe ship in 2 days.\n", encoding="utf-8")
    third = runner.invoke(cli, ["train", str(bot)])
    assert "Nothing changed since the last training" in third.stdout and "Indexed 1 chunks of 1 documents" in third.stdout
