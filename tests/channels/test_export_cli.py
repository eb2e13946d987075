"""Export as test, end to end: chat with the real trained bot, export, and `dialog test` passes."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner
from starlette.testclient import TestClient

from dialog.bot import Bot
from dialog.channels.webhook import create_app
from dialog.cli import cli
from dialog.config import load_bot
from dialog.llm.fake import FakeGenerator
from tests.minibot import MINIBOT


def test_an_exported_conversation_passes_dialog_test(tmp_path: Path) -> None:
    root = tmp_path / "minibot"
    shutil.copytree(MINIBOT, root)
    bot = Bot.from_config(load_bot(root), generator=FakeGenerator("A fake reply."))  # trains the real NLU
    with TestClient(create_app(bot)) as client:
        for message in ("hi", "/check_order", "12", "123456", "/payment_methods"):
            assert client.post("/webhooks/rest/webhook", json={"sender": "export-me", "message": message}).status_code == 200
        exported = client.get("/inspect/api/conversations/export-me/export").text
    assert "utter: utter_status" in exported and "order_id: '123456'" in exported
    (root / "tests").mkdir()
    (root / "tests" / "exported.yml").write_text(exported, encoding="utf-8")
    result = CliRunner().invoke(cli, ["test", str(root), str(root / "tests" / "exported.yml"), "--llm", "fake"])
    assert result.exit_code == 0, result.output
    assert "1 passed" in result.output
