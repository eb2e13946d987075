"""``dialog tune`` on a tiny bot: the real bundled model, two exchanges, one epoch."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from dialog.cli import cli
from dialog.config import load_bot
from dialog.llm.hf import HFGenerator
from dialog.llm.tuning.adapter import ADAPTER_FILE, read_meta

CUSTOMER_SERVICE = Path(__file__).resolve().parents[2] / "domains" / "customer_service"
REPLIES = """
replies:
  - user: what's the capital of Spain?
    bot: The capital of Spain is Madrid. How can I help you today?
  - user: are you a robot?
    bot: Yes, I'm ACME Assistant, a virtual assistant. How can I help you?
"""


@pytest.fixture
def tiny_bot(tmp_path: Path) -> Path:
    """The customer-service bot with no small-talk flows' data and two exchanges to learn."""
    bot = tmp_path / "bot"
    shutil.copytree(CUSTOMER_SERVICE, bot, ignore=shutil.ignore_patterns(".dialog"))
    (bot / "replies.yml").write_text(REPLIES, encoding="utf-8")
    flows = (bot / "flows.yml").read_text(encoding="utf-8")
    (bot / "flows.yml").write_text(re.sub(r"nlu_trigger: \[(greet|goodbye|thanks|bot_challenge|stop|ask_capabilities|how_are_you|compliment|tell_joke)\]", "nlu_trigger: []", flows), encoding="utf-8")
    return bot


def test_tune_writes_an_adapter_the_bot_loads_and_skips_when_nothing_changed(tiny_bot: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["tune", str(tiny_bot), "--epochs", "1", "--rank", "2"])
    assert result.exit_code == 0, result.output
    assert "Tuned on" in result.output
    folder = tiny_bot / ".dialog" / "models" / "llm-adapter"
    assert (folder / ADAPTER_FILE).is_file()
    meta = read_meta(folder)
    assert meta["examples"] == 2 and meta["steps"] == 1  # both replies in one batch
    again = runner.invoke(cli, ["tune", str(tiny_bot), "--epochs", "1", "--rank", "2"])
    assert again.exit_code == 0 and "Nothing changed" in again.output
    config = load_bot(tiny_bot)
    generator = HFGenerator.from_settings(config.settings.llm, config.root)
    assert generator.adapter == folder


def test_tune_says_when_there_is_nothing_to_learn(tmp_path: Path) -> None:
    bot = tmp_path / "bot"
    (bot).mkdir()
    (bot / "domain.yml").write_text('version: "3.1"\nintents: [greet]\nresponses:\n  utter_greet:\n    - text: Hi!\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["tune", str(bot)])
    assert result.exit_code != 0
    assert "nothing to train on" in result.output


def test_train_keeps_a_tuned_adapter_current_and_skips_an_unchanged_one(tiny_bot: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["tune", str(tiny_bot), "--epochs", "1", "--rank", "2"]).exit_code == 0
    unchanged = runner.invoke(cli, ["train", str(tiny_bot)])
    assert unchanged.exit_code == 0, unchanged.output
    assert "The replies did not change; the LLM adapter is" in unchanged.output
    replies = tiny_bot / "replies.yml"
    replies.write_text(replies.read_text(encoding="utf-8") + "  - user: do you like tea?\n    bot: I don't drink, but tea sounds lovely!\n", encoding="utf-8")
    changed = runner.invoke(cli, ["train", str(tiny_bot)])
    assert changed.exit_code == 0, changed.output
    assert "Re-tuned the LLM adapter on 3 replies" in changed.output
    meta = read_meta(tiny_bot / ".dialog" / "models" / "llm-adapter")
    assert meta["examples"] == 3 and meta["settings"]["rank"] == 2  # the settings it was tuned with


def test_train_does_not_tune_a_bot_without_an_adapter(tiny_bot: Path) -> None:
    result = CliRunner().invoke(cli, ["train", str(tiny_bot)])
    assert result.exit_code == 0, result.output
    assert "adapter" not in result.output
    assert not (tiny_bot / ".dialog" / "models" / "llm-adapter").exists()
