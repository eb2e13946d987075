"""The project `rasa init` creates runs here unchanged: its config, rules, stories and tests."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner

from dialog.cli import cli

pytestmark = pytest.mark.e2e

MOODBOT = Path(__file__).parent.parent / "data" / "rasa_moodbot"


@pytest.fixture(scope="module")
def moodbot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("rasa") / "moodbot"
    shutil.copytree(MOODBOT, root)
    return root


def test_it_validates_and_says_what_became_of_rasa_s_parts(moodbot: Path) -> None:
    result = CliRunner().invoke(cli, ["validate", str(moodbot)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"{moodbot}: 7 intents, 68 examples, 0 entities, 0 slots, 7 flows, 6 responses")
    assert "Rasa component 'DIETClassifier' runs as crf_entities + sentence_embeddings + sklearn_intent" in result.stderr
    assert "rules run as flows triggered by their intent: rule_say_goodbye_anytime_the_user_says_goodbye" in result.stderr
    assert "'policies' in config is accepted but ignored" in result.stderr


def test_its_own_rasa_test_stories_pass(moodbot: Path) -> None:
    result = CliRunner().invoke(cli, ["test", str(moodbot), "--llm", "fake"])
    assert result.exit_code == 0, result.output
    assert "7 passed" in result.stdout


def test_a_conversation_in_the_shell(moodbot: Path) -> None:
    result = CliRunner().invoke(cli, ["shell", str(moodbot), "--no-llm"], input="hello\nI am sad\nyes\n")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "Hey! How are you?",
        "Here is something to cheer you up:",
        "[image: https://i.imgur.com/nGF1K8f.jpg]",
        "Did that help you?",
        "Great, carry on!",
    ]


def test_a_rasa_form_asks_for_its_slots_then_submits(tmp_path: Path) -> None:
    import asyncio

    from dialog.bot import Bot
    from dialog.config import load_bot
    from dialog.stores import MemoryStore
    from dialog.testing.fakes import TableParser
    from dialog.types import Message
    from tests.config.rasa.test_forms import DOMAIN, NLU, RULES, STORIES

    for name, text in {"domain.yml": DOMAIN, "data/nlu.yml": NLU, "data/rules.yml": RULES, "data/stories.yml": STORIES}.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    parser = TableParser({"book a table": "request_restaurant", "": "inform"}, {"cuisine": r"italian", "num_people": r"\b\d+\b"})
    bot = Bot.from_config(load_bot(tmp_path), store=MemoryStore(), nlu=parser, llm=False)

    async def chat() -> list[list[str]]:
        said = [[reply.text for reply in await bot.handle(Message("u", text))] for text in ("book a table", "italian", "4")]
        await bot.close()
        return said

    assert asyncio.run(chat()) == [["Which cuisine?"], ["For how many people?"], ["Booked.", "italian for 4.0"]]


@pytest.mark.services
def test_endpoints_yml_s_redis_tracker_store_keeps_the_conversation(tmp_path: Path, redis_server: str) -> None:
    """A Rasa deployment's endpoints.yml, unchanged: the conversation lands in that Redis."""
    import asyncio
    from urllib.parse import urlparse

    from dialog.bot import Bot
    from dialog.config import load_bot
    from dialog.testing.fakes import TableParser
    from dialog.types import Message

    root = tmp_path / "moodbot"
    shutil.copytree(MOODBOT, root)
    port = urlparse(redis_server).port
    (root / "endpoints.yml").write_text(f"tracker_store:\n  type: redis\n  url: 127.0.0.1\n  port: {port}\n  db: 0\n")
    config = load_bot(root)
    assert config.settings.tracker_store == f"redis://127.0.0.1:{port}/0"
    sender = f"rasa-{uuid.uuid4().hex[:8]}"

    async def chat() -> None:
        bot = Bot.from_config(config, nlu=TableParser({"hello": "greet"}), llm=False)
        assert [reply.text for reply in await bot.handle(Message(sender, "hello"))] == ["Hey! How are you?"]
        await bot.close()

    async def reread() -> list[str]:
        bot = Bot.from_config(config, nlu=TableParser({}), llm=False)
        events = (await bot.tracker(sender))["events"]
        await bot.close()
        return [event["text"] for event in events if event["event"] in ("user", "bot")]

    asyncio.run(chat())
    assert asyncio.run(reread()) == ["hello", "Hey! How are you?"]
