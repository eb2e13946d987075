"""The reload loop of ``dialog serve --reload``: a real bot folder, real training, real files edited."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from dialog.bot import Bot
from dialog.channels.webhook import create_app
from dialog.config import load_bot
from dialog.llm.fake import FakeGenerator
from dialog.reload import snapshot
from dialog.stores import MemoryStore
from tests.minibot import MINIBOT

RELOAD_WAIT_S = 60.0


@pytest.fixture
def bot_root(tmp_path: Path) -> Path:
    root = tmp_path / "minibot"
    shutil.copytree(MINIBOT, root)
    return root


@pytest.fixture
def client(bot_root: Path) -> Iterator[TestClient]:
    bot = Bot.from_config(load_bot(bot_root), store=MemoryStore(), generator=FakeGenerator("A fake reply."))
    app = create_app(bot, reload=lambda: load_bot(bot_root), reload_interval_s=0.05)
    with TestClient(app) as test_client:
        deadline = time.monotonic() + RELOAD_WAIT_S
        while test_client.get("/inspect/api/status").json()["reload"]["state"] == "starting":
            assert time.monotonic() < deadline, "the reloader did not start watching"
            time.sleep(0.02)
        yield test_client


def say(client: TestClient, text: str, sender: str = "dev") -> list[str]:
    response = client.post("/webhooks/rest/webhook", json={"sender": sender, "message": text})
    assert response.status_code == 200, response.text
    return [reply.get("text", "") for reply in response.json()]


def wait_for_reload(client: TestClient, attempt: int = 1) -> dict[str, Any]:
    """The reload status once reload number ``attempt`` has finished (ready or failed)."""
    deadline = time.monotonic() + RELOAD_WAIT_S
    while time.monotonic() < deadline:
        status = client.get("/inspect/api/status").json()["reload"]
        if status["attempts"] >= attempt and status["state"] in ("ready", "failed"):
            return status
        time.sleep(0.05)
    raise AssertionError(f"no reload within {RELOAD_WAIT_S} s: {status}")


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_a_changed_response_is_served_after_the_reload(client: TestClient, bot_root: Path) -> None:
    assert say(client, "hi")[0] == "Hello! Which order?"
    edit(bot_root / "domain.yml", "Hello! Which order?", "Welcome back! Which order?")
    status = wait_for_reload(client)
    assert status["state"] == "ready" and status["changed"] == ["domain.yml"]
    assert say(client, "hi")[0] == "Welcome back! Which order?"


def test_new_training_data_is_learned(client: TestClient, bot_root: Path) -> None:
    assert "We take cards." not in say(client, "which currencies do you accept")
    with (bot_root / "nlu.yml").open("a", encoding="utf-8") as nlu:
        nlu.write("  - intent: payment_methods\n    examples: |\n")
        nlu.write("".join(f"      - which currencies do you accept {n}\n" for n in ("", "today", "now", "please")))
    edit(bot_root / "nlu.yml", "", "")
    assert wait_for_reload(client)["state"] == "ready"
    assert say(client, "which currencies do you accept") == ["We take cards."]


def test_a_broken_file_keeps_the_old_bot_and_reports_where(client: TestClient, bot_root: Path) -> None:
    say(client, "where is my order")
    edit(bot_root / "flows.yml", "      - action: utter_status", "      - action: utter_nowhere")
    status = wait_for_reload(client)
    assert status["state"] == "failed"
    assert any("flows.yml:" in error and "utter_nowhere" in error for error in status["errors"]), status["errors"]
    assert say(client, "123456") == ["Order 123456 has shipped."]  # the old bot, the same conversation
    edit(bot_root / "flows.yml", "utter_nowhere", "utter_status")
    assert wait_for_reload(client, 2)["state"] == "ready"


def test_a_changed_action_is_reloaded(client: TestClient, bot_root: Path) -> None:
    say(client, "where is my order")
    assert say(client, "123456") == ["Order 123456 has shipped."]
    edit(bot_root / "actions.py", '"shipped"', '"delivered"')
    assert wait_for_reload(client)["state"] == "ready"
    say(client, "where is my order")
    assert say(client, "123456") == ["Order 123456 is delivered."]


def test_a_broken_action_module_keeps_the_old_bot(client: TestClient, bot_root: Path) -> None:
    (bot_root / "actions.py").write_text("def lookup_order(ctx) return {}\n", encoding="utf-8")
    status = wait_for_reload(client)
    assert status["state"] == "failed" and "SyntaxError" in status["errors"][0]
    say(client, "where is my order")
    assert say(client, "123456") == ["Order 123456 has shipped."]


def test_the_snapshot_skips_models_and_caches(bot_root: Path) -> None:
    (bot_root / ".dialog").mkdir()
    (bot_root / ".dialog" / "x.yml").write_text("a: 1\n")
    (bot_root / "notes.txt").write_text("not watched\n")
    assert sorted(snapshot(bot_root)) == ["actions.py", "config.yml", "domain.yml", "flows.yml", "nlu.yml"]
