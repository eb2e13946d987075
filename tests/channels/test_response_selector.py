"""``/model/parse`` of a bot with Rasa retrieval intents answers in Rasa's shape: the
retrieval intent as ``intent.name`` and the sub-intent's response in ``response_selector``."""

from __future__ import annotations

import shutil
from pathlib import Path

from starlette.testclient import TestClient

from dialog.bot import Bot
from dialog.channels.webhook import create_app
from dialog.config import load_bot
from dialog.stores import MemoryStore
from dialog.testing.fakes import TableParser

FAQBOT = Path(__file__).resolve().parents[1] / "data" / "rasa_faqbot"


def _client(tmp_path: Path) -> TestClient:
    shutil.copytree(FAQBOT, tmp_path / "faqbot")
    config = load_bot(tmp_path / "faqbot")
    parser = TableParser({"languages": "faq/ask_languages", "hello": "greet"})
    return TestClient(create_app(Bot.from_config(config, store=MemoryStore(), nlu=parser, llm=False)))


def test_a_retrieval_intent_is_parsed_in_rasa_s_shape(tmp_path: Path) -> None:
    with _client(tmp_path) as client:
        parse = client.post("/model/parse", json={"text": "languages"}).json()
    assert parse["intent"]["name"] == "faq" and parse["intent"]["full_retrieval_intent_name"] == "faq/ask_languages"
    selector = parse["response_selector"]
    assert selector["all_retrieval_intents"] == ["chitchat", "faq"]
    response = selector["faq"]["response"]
    assert response["intent_response_key"] == "faq/ask_languages" and response["utter_action"] == "utter_faq/ask_languages"
    assert response["responses"] == [{"text": "I speak English."}, {"text": "English only, for now."}]
    assert selector["default"] == selector["faq"]
    assert selector["faq"]["ranking"][0]["intent_response_key"] == "faq/ask_languages"


def test_another_intent_keeps_its_name_and_lists_the_retrieval_intents(tmp_path: Path) -> None:
    with _client(tmp_path) as client:
        parse = client.post("/model/parse", json={"text": "hello"}).json()
    assert parse["intent"]["name"] == "greet"
    assert parse["response_selector"] == {"all_retrieval_intents": ["chitchat", "faq"]}
