"""domains/customer_service through the real webhook app (Starlette TestClient), with
its real trained NLU, a SQLite store in a temp folder and the fake LLM."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from dialog.bot import Bot
from dialog.channels.webhook import create_app
from dialog.config import load_bot
from dialog.llm.fake import FakeGenerator
from dialog.stores.sqlite_store import SQLiteStore

pytestmark = pytest.mark.e2e

DOMAIN = Path(__file__).resolve().parents[2] / "domains" / "customer_service"
TOKEN = "e2e-token"


@pytest.fixture(scope="module")
def trained() -> tuple[Any, Any]:
    from dialog.nlu.training import load_model

    config = load_bot(DOMAIN)
    return config, load_model(config, train_if_stale=True)


@pytest.fixture
def client(trained: tuple[Any, Any], tmp_path: Path) -> Iterator[TestClient]:
    config, nlu = trained
    store = SQLiteStore("sqlite:///conversations.db", root=tmp_path)
    generator = FakeGenerator("I can only help with ACME orders. Anything about an order?", token_delay_s=0.001)
    bot = Bot.from_config(config, store=store, generator=generator, nlu=nlu)
    settings = dataclasses.replace(config.settings, max_message_chars=500)
    with TestClient(create_app(bot, settings, auth_token=TOKEN), raise_server_exceptions=False) as test_client:
        test_client.headers["Authorization"] = f"Bearer {TOKEN}"
        yield test_client


def say(client: TestClient, text: str, sender: str = "web") -> list[dict]:
    response = client.post("/webhooks/rest/webhook", json={"sender": sender, "message": text})
    assert response.status_code == 200, response.text
    return response.json()


def texts(replies: list[dict]) -> str:
    return " ".join(reply.get("text", "") for reply in replies)


def test_cancel_an_order_over_rest(client: TestClient) -> None:
    assert "order number" in texts(say(client, "I want to cancel my order")).lower()
    assert "234567" in texts(say(client, "it's #234567"))
    assert "cancelled" in texts(say(client, "yes please")).lower()
    tracker = client.get("/conversations/web/tracker").json()
    assert tracker["active_flow"] is None
    flows = [e["flow_id"] for e in tracker["events"] if e["event"] == "flow_completed"]
    assert "cancel_order" in flows


def test_a_digression_mid_flow_resumes_over_rest(client: TestClient) -> None:
    say(client, "I want to cancel my order")
    payment = texts(say(client, "what payment methods do you accept?"))
    assert "Visa" in payment and "order number" in payment.lower()  # answered, then re-asked
    assert client.get("/conversations/web/tracker").json()["active_flow"] == "cancel_order"


def test_parse_uses_the_trained_nlu(client: TestClient) -> None:
    parse = client.post("/model/parse", json={"text": "where is my order #123456"}).json()
    assert parse["intent"]["name"] == "check_order_status"
    assert {"entity": "order_id", "value": "123456"}.items() <= parse["entities"][0].items()


def test_trigger_intent_runs_a_flow(client: TestClient) -> None:
    response = client.post("/conversations/api/trigger_intent", json={"name": "check_order_status", "entities": {"order_id": "345678"}})
    assert response.status_code == 200
    assert "345678" in texts(response.json()["messages"])


def test_handoff_silences_the_bot_until_restart(client: TestClient) -> None:
    say(client, "I want to talk to a human")
    assert say(client, "hello?") == []
    assert client.get("/conversations/web/tracker").json()["paused"] is True
    assert say(client, "/restart") is not None
    assert say(client, "hi") != []


def test_out_of_scope_goes_to_the_llm_and_streams(client: TestClient) -> None:
    response = client.post("/webhooks/rest/stream", json={"sender": "web", "message": "write me a poem about the sea"})
    events = [block for block in response.text.strip().split("\n\n")]
    names = [block.split("\n")[0] for block in events]
    assert names[0] == "event: token" and names[-1] == "event: replies"
    replies = json.loads(events[-1].split("data: ", 1)[1])
    assert replies == [{"recipient_id": "web", "text": "I can only help with ACME orders. Anything about an order?"}]
    assert "dialog_llm_fallbacks_total 1" in client.get("/metrics").text


def test_bad_input_changes_nothing(client: TestClient) -> None:
    say(client, "I want to cancel my order")
    before = client.get("/conversations/web/tracker").json()["events"]
    for body in (b"{", b'{"sender": "web"}', b'{"sender": "web", "message": "   "}', json.dumps({"sender": "web", "message": "x" * 501}).encode()):
        assert 400 <= client.post("/webhooks/rest/webhook", content=body).status_code < 500
    assert client.post("/webhooks/rest/webhook", json={"sender": "web", "message": "hi"}, headers={"Authorization": "Bearer nope"}).status_code == 401
    assert client.get("/conversations/web/tracker").json()["events"] == before
