"""A form's question asked by a custom action (Rasa's ``action_ask_<form>_<slot>``), on a
real HTTP action server that answers as ``rasa run actions`` does."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest

from dialog.bot import Bot
from dialog.config import load_bot
from dialog.stores import MemoryStore
from dialog.testing.fakes import TableParser
from dialog.types import Message
from tests.local_http import send_json, serving

DOMAIN = """\
version: "3.1"
intents: [buy_pizza, inform]
entities: [size, kind]
slots:
  size: {type: text, mappings: [{type: from_entity, entity: size}]}
  kind: {type: text, mappings: [{type: from_entity, entity: kind}]}
forms:
  pizza_form:
    required_slots: [size, kind]
responses:
  utter_ask_size: [{text: Which size?}]
  utter_ask_kind: [{text: "never asked: the action asks"}]
  utter_done: [{text: "A {size} {kind} pizza, coming up."}]
actions:
  - action_ask_pizza_form_kind
"""

RULES = """\
rules:
- rule: start
  steps:
  - intent: buy_pizza
  - action: pizza_form
  - active_loop: pizza_form
- rule: submit
  condition:
  - active_loop: pizza_form
  steps:
  - action: pizza_form
  - active_loop: null
  - action: utter_done
"""


class _ActionServer(BaseHTTPRequestHandler):
    asked: ClassVar[list[dict[str, Any]]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).asked.append(body)
        answer = {"events": [], "responses": [{"text": f"Which pizza, in {body['tracker']['slots']['size']}?", "buttons": [{"title": "Funghi", "payload": "/inform"}]}]}
        send_json(self, answer)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def action_server() -> Iterator[str]:
    with serving(ThreadingHTTPServer(("127.0.0.1", 0), _ActionServer)) as url:
        yield f"{url}/webhook"


def test_the_action_server_asks_the_form_s_question(tmp_path: Path, action_server: str) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "domain.yml").write_text(DOMAIN)
    (tmp_path / "data" / "rules.yml").write_text(RULES)
    (tmp_path / "data" / "nlu.yml").write_text("nlu:\n- intent: buy_pizza\n  examples: '- pizza'\n- intent: inform\n  examples: '- [large](size)'\n")
    (tmp_path / "endpoints.yml").write_text(f"action_endpoint:\n  url: {action_server}\n")
    config = load_bot(tmp_path)
    assert config.flows["form_pizza_form"].steps[1].utter == "action_ask_pizza_form_kind"
    parser = TableParser({"pizza": "buy_pizza", "": "inform"}, {"size": r"large|small", "kind": r"funghi"})
    bot = Bot.from_config(config, store=MemoryStore(), nlu=parser, llm=False)
    _ActionServer.asked.clear()

    async def chat() -> list[list[str]]:
        said = [[reply.text for reply in await bot.handle(Message("u", text))] for text in ("pizza", "large", "hmm", "funghi")]
        await bot.close()
        return said

    assert asyncio.run(chat()) == [
        ["Which size?"],
        ["Which pizza, in large?"],
        ["Which pizza, in large?"],  # not an answer: asked again, by the action
        ["A large funghi pizza, coming up."],
    ]
    assert [body["next_action"] for body in _ActionServer.asked] == ["action_ask_pizza_form_kind"] * 2
