"""The inspector's API over the real Bot (table NLU, fake LLM): turns, decisions, export."""

from __future__ import annotations

import asyncio
import dataclasses
from pathlib import Path
from typing import Any

import pytest
import yaml

from dialog.bot import Bot
from dialog.errors import ConfigError
from dialog.llm.fake import FakeGenerator
from dialog.stores import MemoryStore
from dialog.testing.fakes import TableParser
from dialog.testing.runner import StoryRunner
from dialog.testing.stories import load_story_file
from tests.minibot import TABLE


def chat(client: Any, sender: str, *messages: str) -> None:
    for message in messages:
        response = client.post("/webhooks/rest/webhook", json={"sender": sender, "message": message})
        assert response.status_code == 200, response.text


def test_the_conversation_list_holds_the_stored_conversations(client) -> None:
    chat(client, "alice", "hi")
    chat(client, "bob", "how can i pay")
    assert client.get("/inspect/api/conversations").json() == {"conversations": ["alice", "bob"], "total": 2}


def test_a_turn_shows_parse_decisions_slots_stack_and_latency(client) -> None:
    chat(client, "u1", "where is my order", "123456")
    view = client.get("/inspect/api/conversations/u1").json()
    first, second = view["turns"]
    assert first["user"]["parse"]["intent"]["name"] == "check_order"
    assert first["user"]["parse"]["intent_ranking"][0]["name"] == "check_order"
    assert {"kind": "flow", "what": "started flow check_order"}.items() <= first["decisions"][1].items()
    assert "trigger threshold" in first["decisions"][1]["why"]
    assert first["flow_stack"][0]["flow_id"] == "check_order"
    assert first["requested_slot"] == "order_id"
    entity = second["user"]["parse"]["entities"][0]
    assert (entity["entity"], entity["value"], entity["extractor"]) == ("order_id", "123456", "table")
    slot_decision = next(d for d in second["decisions"] if d["kind"] == "slot" and "order_id" in d["what"])
    assert "found by table" in slot_decision["why"]
    assert "order_id" in second["slots"] and "order_id" in second["changed_slots"]
    assert "order_status" in second["changed_slots"]
    assert any(d["what"] == "ran action lookup_order" for d in second["decisions"])
    assert second["replies"][0]["text"] == "Order 123456 has shipped."
    assert second["flow_stack"] == []
    timings = second["trace"]["timings"]
    assert {"parse_ms", "store_load_ms", "engine_ms", "store_append_ms", "total_ms"} <= set(timings)
    assert second["events"][0]["event"] == "user"


def test_a_repaired_answer_and_a_digression_are_named(client) -> None:
    chat(client, "u2", "where is my order", "12", "how can i pay")
    turns = client.get("/inspect/api/conversations/u2").json()["turns"]
    assert any(d["kind"] == "repair" and "order_id" in d["what"] for d in turns[1]["decisions"])
    kinds = [d["kind"] for d in turns[2]["decisions"]]
    assert "digression" in kinds and "resume" in kinds


def test_an_llm_turn_shows_the_prompt_the_model_saw(client) -> None:
    chat(client, "u3", "tell me a joke")
    turn = client.get("/inspect/api/conversations/u3").json()["turns"][0]
    assert turn["llm"]["outcome"] == "ok"
    assert any(d["kind"] == "fallback" for d in turn["decisions"])
    prompt = turn["trace"]["llm_prompt"]
    assert prompt[0]["role"] == "system" and prompt[-1] == {"role": "user", "content": "tell me a joke"}


def test_a_conversation_from_before_the_restart_shows_without_latencies(make_client) -> None:
    store = MemoryStore()
    first = make_client(store=store)
    chat(first, "old", "hi")
    later = make_client(store=store)  # a new server process: same store, empty turn log
    turn = later.get("/inspect/api/conversations/old").json()["turns"][0]
    assert turn["user"]["parse"]["intent"]["name"] == "greet" and turn["trace"] is None


def test_the_export_is_a_story_test_that_passes(client, minibot_config, tmp_path: Path) -> None:
    chat(client, "u4", "hi", "/check_order", "12", "123456", "tell me a joke")
    response = client.get("/inspect/api/conversations/u4/export")
    assert response.status_code == 200
    assert response.headers["content-disposition"] == 'attachment; filename="u4.yml"'
    document = yaml.safe_load(response.text)
    steps = document["test_cases"][0]["steps"]
    assert {"utter": "utter_greet"} in steps and {"slot_was_set": {"order_id": "123456"}} in steps
    assert {"llm_fallback": True} in steps and {"flow_completed": "check_order"} in steps
    path = tmp_path / "exported.yml"
    path.write_text(response.text, encoding="utf-8")
    bot = Bot.from_config(minibot_config, store=MemoryStore(), generator=FakeGenerator("Other words."),
                          nlu=TableParser(TABLE, {"order_id": r"\b\d{6}\b"}))
    result = asyncio.run(StoryRunner(bot).run(load_story_file(path)))
    assert result.results[0].passed, result.results[0].failure


def test_the_inspector_and_its_data_need_the_token(make_client) -> None:
    client = make_client(auth_token="s3cret")
    chat_response = client.post("/webhooks/rest/webhook?token=s3cret", json={"sender": "u5", "message": "hi"})
    assert chat_response.status_code == 200
    for path in ("/inspect", "/chat", "/inspect/api/conversations", "/inspect/api/conversations/u5",
                 "/inspect/api/conversations/u5/export", "/inspect/api/live"):
        assert client.get(path).status_code == 401, path
    assert client.get("/inspect/api/conversations?token=s3cret").json()["conversations"] == ["u5"]
    assert client.get("/inspect/api/conversations/u5", headers={"Authorization": "Bearer s3cret"}).status_code == 200


def test_the_inspector_can_be_turned_off(make_client) -> None:
    by_option = make_client(inspector=False)
    by_config = make_client(settings_changes={"inspector": False})
    for client in (by_option, by_config):
        assert client.get("/inspect").status_code == 404
        assert client.get("/inspect/api/conversations").status_code == 404
        assert client.get("/chat").status_code == 200


def test_status_reports_no_reload_when_the_server_does_not_watch(client) -> None:
    status = client.get("/inspect/api/status").json()
    assert status["bot"]["bot"] == "minibot" and status["reload"] is None


def test_a_bad_conversation_id_is_a_clear_error(client) -> None:
    response = client.get("/inspect/api/conversations/a%01b")
    assert response.status_code == 400 and "control characters" in response.json()["detail"]


def test_inspector_setting_in_config_yml(minibot_config) -> None:
    from dialog.config import load_bot

    path = Path(minibot_config.root) / "config.yml"
    path.write_text(path.read_text() + "inspector: false\n")
    assert load_bot(minibot_config.root).settings.inspector is False
    assert dataclasses.replace(minibot_config.settings).inspector is True
    path.write_text(path.read_text().replace("inspector: false", "inspector: maybe"))
    with pytest.raises(ConfigError, match=r"config.yml:\d+:12: config: 'inspector' must be"):
        load_bot(minibot_config.root)


def test_the_live_feed_announces_turns_and_ends_so_the_page_reconnects(client, monkeypatch) -> None:
    import threading

    from dialog.channels import inspector

    monkeypatch.setattr(inspector, "LIVE_WINDOW_S", 1.0)
    timer = threading.Timer(0.3, lambda: chat(client, "live-1", "hi"))
    timer.start()
    try:
        body = client.get("/inspect/api/live").text  # returns when the stream's window ends
    finally:
        timer.join()
    assert body.startswith("retry: ") and "event: hello" in body
    assert 'event: turn\ndata: {"type": "turn", "sender_id": "live-1", "channel": "rest"}' in body


def test_the_view_can_be_limited_to_the_last_turns(client) -> None:
    chat(client, "many", "hi", "how can i pay", "hi")
    view = client.get("/inspect/api/conversations/many?last=2").json()
    assert view["turn_count"] == 3 and [t["user"]["text"] for t in view["turns"]] == ["how can i pay", "hi"]
    response = client.get("/inspect/api/conversations/many?last=-1")
    assert response.status_code == 400 and "'last' must be a positive number" in response.json()["detail"]
