"""Actions on a Rasa SDK action server (endpoints.yml), over real HTTP to a local server that
answers as ``rasa run actions`` does; each failure mode ends in utter_internal_error."""

from __future__ import annotations

import asyncio
import json
import textwrap
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Iterator

import pytest

from dialog.bot import Bot
from dialog.config import load_bot
from dialog.stores import MemoryStore
from dialog.testing.fakes import TableParser
from dialog.types import Button, Message
from tests.local_http import send_body, send_json, serving

DOMAIN = """\
version: "3.1"
intents: [ask_weather, greet]
slots:
  city: {type: text, mappings: [{type: custom}]}
responses:
  utter_done: [{text: "Anything else?"}]
actions:
  - action_weather
  - action_slow
  - action_crash
  - action_reject
  - action_missing
  - action_not_json
  - action_bad_slot
  - action_greet
  - action_reset
  - action_handoff
  - action_followup
  - action_stop_form
  - action_start_over
"""

FLOWS = """\
flows:
{flows}
"""

ACTIONS = ["action_weather", "action_slow", "action_crash", "action_reject", "action_missing", "action_not_json", "action_bad_slot", "action_greet", "action_reset", "action_handoff", "action_followup", "action_stop_form", "action_start_over"]


class _RasaSDKStandIn(BaseHTTPRequestHandler):
    """Answers POST /webhook like rasa_sdk's endpoint; keeps every request it gets."""

    requests: list[dict[str, Any]] = []

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
        name = body["next_action"]
        if name == "action_weather":
            city = body["tracker"]["latest_message"]["entities"][0]["value"]
            self._answer(200, {
                "events": [{"event": "slot", "timestamp": None, "name": "city", "value": city}],
                "responses": [
                    {"text": f"It is sunny in {city}.", "buttons": [{"title": "Thanks", "payload": "/greet"}]},
                    {"response": "utter_done"},
                ],
            })
        elif name == "action_greet":
            reminder = {"event": "reminder", "intent": "EXTERNAL_reminder", "date_time": "2030-05-06T10:00:00"}  # ReminderScheduled
            self._answer(200, {"events": [reminder], "responses": [{"text": "Hello from the SDK"}]})
        elif name == "action_reset":  # rasa_sdk's AllSlotsReset, after a slot event it wipes out
            events = [{"event": "slot", "name": "city", "value": "Lima"}, {"event": "reset_slots", "timestamp": None}]
            self._answer(200, {"events": events, "responses": [{"text": "All forgotten."}]})
        elif name == "action_handoff":
            self._answer(200, {"events": [], "responses": [{"text": "Handing you off to financial_demo"}]})
        elif name == "action_followup":  # FollowupAction: a response, then an action that follows up again
            self._answer(200, {"events": [{"event": "followup", "name": "utter_done"}], "responses": [{"text": "First."}]})
        elif name == "action_stop_form":  # ActiveLoop(None)
            self._answer(200, {"events": [{"event": "active_loop", "name": None}], "responses": [{"text": "Stopped."}]})
        elif name == "action_start_over":  # Restarted()
            self._answer(200, {"events": [{"event": "restart"}], "responses": []})
        elif name == "action_slow":
            time.sleep(1.5)
            self._answer(200, {"events": [], "responses": []})
        elif name == "action_crash":
            self._answer(500, {"error": "Traceback: KeyError 'city'"})
        elif name == "action_reject":
            self._answer(400, {"action_name": name, "error": "Custom action 'action_reject' rejected execution."})
        elif name == "action_not_json":
            self._raw(200, b"<html>oops</html>")
        elif name == "action_bad_slot":
            self._answer(200, {"events": [{"event": "slot", "name": "no_such_slot", "value": 1}], "responses": []})
        else:
            self._answer(404, {"error": f"No registered action found for name '{name}'.", "action_name": name})

    def _answer(self, status: int, data: dict) -> None:
        send_json(self, data, status)

    def _raw(self, status: int, body: bytes) -> None:
        send_body(self, body, status)

    def log_message(self, *args: Any) -> None:
        pass


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        """The timeout test hangs up before the slow answer; writing it then fails, as it should."""


@pytest.fixture(scope="module")
def action_server() -> Iterator[str]:
    with serving(_QuietServer(("127.0.0.1", 0), _RasaSDKStandIn)) as url:
        yield f"{url}/webhook"


def _bot(tmp_path: Path, endpoints: str) -> Bot:
    flows = "\n".join(
        f"  run_{name}:\n    nlu_trigger: [{name}]\n    steps:\n      - action: {name}" for name in ACTIONS
    )
    (tmp_path / "domain.yml").write_text(DOMAIN.replace("intents: [ask_weather, greet]", f"intents: [ask_weather, greet, {', '.join(ACTIONS)}]"))
    (tmp_path / "flows.yml").write_text(FLOWS.format(flows=flows))
    (tmp_path / "config.yml").write_text("pipeline:\n  - name: spacy_tokenizer\n  - name: sklearn_intent\n")
    (tmp_path / "endpoints.yml").write_text(textwrap.dedent(endpoints))
    config = load_bot(tmp_path)
    table = {name: name for name in ACTIONS}
    return Bot.from_config(config, store=MemoryStore(), nlu=TableParser(table, {"city": r"Paris|Oslo"}), llm=False)


def _chat(bot: Bot, *texts: str) -> list[list[Any]]:
    async def run() -> list[list[Any]]:
        replies = [await bot.handle(Message("u1", text, channel="rest")) for text in texts]
        await bot.close()
        return replies

    return asyncio.run(run())


def test_slots_and_messages_from_the_action_server(tmp_path: Path, action_server: str, monkeypatch) -> None:
    monkeypatch.setenv("ACTION_TOKEN", "s3cret")
    bot = _bot(tmp_path, f"action_endpoint:\n  url: {action_server}\n  token: ${{ACTION_TOKEN}}\n  headers: {{X-Bot: moodbot}}\n")
    _RasaSDKStandIn.requests.clear()
    [replies] = _chat(bot, "action_weather Paris")
    assert [(reply.text, reply.buttons) for reply in replies] == [
        ("Anything else?", ()),  # a named response first, rendered from domain.yml here
        ("It is sunny in Paris.", (Button("Thanks", "/greet"),)),
    ]
    [request] = _RasaSDKStandIn.requests
    assert request["path"] == "/webhook?token=s3cret" and request["headers"]["X-Bot"] == "moodbot"
    body = request["body"]
    assert body["next_action"] == "action_weather" and body["sender_id"] == "u1" and body["version"].startswith("3.")
    assert body["tracker"]["latest_input_channel"] == "rest"
    assert body["tracker"]["latest_message"]["intent"]["name"] == "action_weather"
    assert body["tracker"]["slots"] == {"city": None}
    assert body["domain"]["slots"]["city"]["type"] == "text" and "utter_done" in body["domain"]["responses"]


def test_the_slot_the_action_server_set_is_kept(tmp_path: Path, action_server: str) -> None:
    bot = _bot(tmp_path, f"action_endpoint:\n  url: {action_server}\n")

    async def run() -> Any:
        await bot.handle(Message("u2", "action_weather Oslo"))
        tracker = await bot.tracker("u2")
        await bot.close()
        return tracker

    assert asyncio.run(run())["slots"]["city"] == "Oslo"


def test_all_slots_reset_from_the_action_server_clears_the_slots(tmp_path: Path, action_server: str) -> None:
    # Rasa's helpdesk-assistant answers an opened incident with AllSlotsReset().
    bot = _bot(tmp_path, f"action_endpoint:\n  url: {action_server}\n")

    async def run() -> Any:
        await bot.handle(Message("u3", "action_weather Oslo"))
        replies = await bot.handle(Message("u3", "action_reset"))
        tracker = await bot.tracker("u3")
        await bot.close()
        return replies, tracker

    replies, tracker = asyncio.run(run())
    assert [reply.text for reply in replies] == ["All forgotten."]
    assert tracker["slots"]["city"] is None


def test_a_project_s_own_action_handoff_runs_instead_of_the_built_in_one(tmp_path: Path, action_server: str) -> None:
    # Rasa has no action_handoff of its own; RasaHQ/helpdesk-assistant writes one.
    bot = _bot(tmp_path, f"action_endpoint:\n  url: {action_server}\n")
    [replies] = _chat(bot, "action_handoff")
    assert [reply.text for reply in replies] == ["Handing you off to financial_demo"]


def test_followup_active_loop_null_and_restart_events_do_their_job(tmp_path: Path, action_server: str) -> None:
    bot = _bot(tmp_path, f"action_endpoint:\n  url: {action_server}\n")

    async def run() -> Any:
        followed = await bot.handle(Message("u4", "action_followup"))
        stopped = await bot.handle(Message("u4", "action_stop_form"))
        await bot.handle(Message("u4", "action_weather Oslo"))
        restarted = await bot.handle(Message("u4", "action_start_over"))
        tracker = await bot.tracker("u4")
        await bot.close()
        return followed, stopped, restarted, tracker

    followed, stopped, restarted, tracker = asyncio.run(run())
    assert [reply.text for reply in followed] == ["First.", "Anything else?"]
    assert [reply.text for reply in stopped] == ["Stopped."]
    assert [reply.text for reply in restarted] == ["Let's start over."]
    assert tracker["slots"]["city"] is None
    cancelled = [event for event in tracker["events"] if event.get("event") == "flow_cancelled"]
    assert [event.get("flow_id") for event in cancelled][:1] == ["run_action_stop_form"]


def test_events_other_than_slots_are_logged_not_applied(tmp_path: Path, action_server: str, caplog) -> None:
    bot = _bot(tmp_path, f"action_endpoint:\n  url: {action_server}\n")
    [replies] = _chat(bot, "action_greet")
    assert [reply.text for reply in replies] == ["Hello from the SDK"]
    assert "the action server's event {'event': 'reminder', 'intent': 'EXTERNAL_reminder', 'date_time': '2030-05-06T10:00:00'} is not applied here" in caplog.text


@pytest.mark.parametrize(
    ("action", "logged"),
    [
        ("action_crash", "action 'action_crash': the action server answered HTTP 500: Traceback: KeyError 'city'"),
        ("action_reject", "action 'action_reject': the action server rejected the action: Custom action 'action_reject' rejected execution."),
        ("action_missing", "action 'action_missing': the action server has no action 'action_missing' (No registered action found"),
        ("action_not_json", "action 'action_not_json': the action server answered with invalid JSON: '<html>oops</html>'"),
        ("action_bad_slot", "action 'action_bad_slot' set unknown slot(s) no_such_slot"),
        ("action_slow", "did not answer within 0.5 s"),
    ],
)
def test_each_failure_is_an_apology_and_a_log_line_that_says_why(tmp_path: Path, action_server: str, caplog, action: str, logged: str) -> None:
    bot = _bot(tmp_path, f"action_endpoint:\n  url: {action_server}\n  timeout_s: 0.5\n")
    [replies] = _chat(bot, action)
    assert [reply.response for reply in replies] == ["utter_internal_error"]
    assert logged in caplog.text


def test_a_server_that_is_down_says_how_to_start_it(tmp_path: Path, caplog) -> None:
    bot = _bot(tmp_path, "action_endpoint:\n  url: http://127.0.0.1:9/webhook\n")
    [replies] = _chat(bot, "action_weather Paris")
    assert [reply.response for reply in replies] == ["utter_internal_error"]
    assert "cannot reach the action server at http://127.0.0.1:9/webhook" in caplog.text
    assert "is `rasa run actions` running?" in caplog.text
