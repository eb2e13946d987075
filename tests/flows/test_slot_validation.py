"""Custom validation of collected values: a Rasa form's ``validate_<form>`` on a real HTTP
action server that answers as rasa_sdk's ``FormValidationAction`` does, and an in-process
``validate_<slot>`` function."""

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
from tests.flows.test_action_ask import RULES
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
  utter_ask_kind: [{text: Which pizza?}]
  utter_done: [{text: "A {size} {kind} pizza, coming up."}]
actions:
  - validate_pizza_form
"""

MENU = {"funghi", "margherita"}


class _FormValidation(BaseHTTPRequestHandler):
    """rasa_sdk's FormValidationAction, in short: validate the slots set since the last
    non-slot event (``slots_to_validate``), only while its form is the active loop."""

    seen: ClassVar[list[dict[str, Any]]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).seen.append(body)
        tracker = body["tracker"]
        events, responses = [], []
        if tracker["active_loop"].get("name") == "pizza_form":
            trailing = []
            for event in reversed(tracker["events"]):
                if event["event"] != "slot":
                    break
                trailing.append(event)
            for event in reversed(trailing):
                if event["name"] == "kind" and event["value"].lower() not in MENU:
                    events.append({"event": "slot", "name": "kind", "value": None})
                    responses.append({"text": f"We don't have {event['value']}."})
                elif event["name"] == "kind":
                    events.append({"event": "slot", "name": "kind", "value": event["value"].lower()})
            events.append({"event": "slot", "name": "requested_slot", "value": None})  # rasa_sdk bookkeeping
        send_json(self, {"events": events, "responses": responses})

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def action_server() -> Iterator[str]:
    with serving(ThreadingHTTPServer(("127.0.0.1", 0), _FormValidation)) as url:
        yield f"{url}/webhook"


def _project(root: Path, domain: str = DOMAIN) -> None:
    (root / "data").mkdir()
    (root / "domain.yml").write_text(domain)
    (root / "data" / "rules.yml").write_text(RULES)
    (root / "data" / "nlu.yml").write_text("nlu:\n- intent: buy_pizza\n  examples: '- pizza'\n- intent: inform\n  examples: '- [large](size)'\n")


def _chat(root: Path, *texts: str) -> list[list[str]]:
    parser = TableParser({"pizza": "buy_pizza", "": "inform"}, {"size": r"large|small", "kind": r"(?i)funghi|hawaii"})
    bot = Bot.from_config(load_bot(root), store=MemoryStore(), nlu=parser, llm=False)

    async def chat() -> list[list[str]]:
        said = [[reply.text for reply in await bot.handle(Message("u", text))] for text in texts]
        await bot.close()
        return said

    return asyncio.run(chat())


def test_validate_form_rejects_an_answer_and_the_question_is_asked_again(tmp_path: Path, action_server: str) -> None:
    _project(tmp_path)
    (tmp_path / "endpoints.yml").write_text(f"action_endpoint:\n  url: {action_server}\n")
    _FormValidation.seen.clear()
    assert _chat(tmp_path, "pizza", "large", "hawaii", "Funghi") == [
        ["Which size?"],
        ["Which pizza?"],
        ["We don't have hawaii.", "Which pizza?"],  # rejected by the action server
        ["A large funghi pizza, coming up."],  # and normalised by it
    ]
    last = _FormValidation.seen[-1]
    assert last["next_action"] == "validate_pizza_form"
    assert last["tracker"]["slots"]["requested_slot"] == "kind"
    assert {"event": "slot", "name": "kind", "value": "Funghi"} in last["tracker"]["events"]


def test_without_an_action_server_the_form_runs_unvalidated(tmp_path: Path) -> None:
    _project(tmp_path)
    assert _chat(tmp_path, "pizza", "large", "hawaii") == [["Which size?"], ["Which pizza?"], ["A large hawaii pizza, coming up."]]


def test_an_in_process_validate_slot_function_rejects_and_normalises(tmp_path: Path) -> None:
    _project(tmp_path, DOMAIN.replace("  - validate_pizza_form\n", "  - validate_kind\n"))
    (tmp_path / "actions.py").write_text(
        "from dialog.actions import ActionResult\n"
        "def validate_kind(ctx):\n"
        "    kind = ctx.slots['kind']\n"
        "    if kind.lower() != 'funghi':\n"
        "        return ActionResult(slots={'kind': None}, texts=(f'No {kind} today.',))\n"
        "    return {'kind': kind.lower()}\n"
    )
    assert _chat(tmp_path, "pizza", "large", "hawaii", "FUNGHI") == [
        ["Which size?"],
        ["Which pizza?"],
        ["No hawaii today.", "Which pizza?"],
        ["A large funghi pizza, coming up."],
    ]
