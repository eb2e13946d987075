"""Every endpoint of the HTTP API (README.md) through the real app and the real Bot."""

from __future__ import annotations

from starlette.testclient import TestClient


def say(client: TestClient, text: str, sender: str = "u1") -> list[dict]:
    response = client.post("/webhooks/rest/webhook", json={"sender": sender, "message": text})
    assert response.status_code == 200, response.text
    return response.json()


def test_rest_webhook_answers_in_rasa_shape(client: TestClient) -> None:
    replies = say(client, "hi")
    assert replies == [
        {
            "recipient_id": "u1",
            "text": "Hello! Which order?",
            "buttons": [
                {"title": "Check an order", "payload": "/check_order"},
                {"title": "Payment", "payload": "/payment_methods"},
            ],
        }
    ]


def test_a_flow_runs_across_webhook_turns_and_the_tracker_shows_it(client: TestClient) -> None:
    assert say(client, "/check_order") == [{"recipient_id": "u1", "text": "What is your order number?"}]
    tracker = client.get("/conversations/u1/tracker").json()
    assert tracker["sender_id"] == "u1"
    assert tracker["active_flow"] == "check_order" and tracker["requested_slot"] == "order_id"
    assert [r["text"] for r in say(client, "it's 123456")] == ["Order 123456 has shipped."]
    tracker = client.get("/conversations/u1/tracker").json()
    assert tracker["active_flow"] is None and tracker["slots"]["order_status"] == "shipped"
    assert {"name": "order_id", "value": "123456"}.items() <= [e for e in tracker["events"] if e["event"] == "slot"][0].items()
    assert tracker["latest_message"]["text"] == "it's 123456"
    assert [e["event"] for e in tracker["events"]].count("user") == 2
    assert tracker["paused"] is False


def test_metadata_is_accepted(client: TestClient) -> None:
    response = client.post("/webhooks/rest/webhook", json={"sender": "u1", "message": "hi", "metadata": {"page": "/faq"}})
    assert response.status_code == 200
    user = [e for e in client.get("/conversations/u1/tracker").json()["events"] if e["event"] == "user"][0]
    assert user["text"] == "hi"


def test_senders_are_separate_conversations(client: TestClient) -> None:
    say(client, "/check_order", "a")
    say(client, "hi", "b")
    assert client.get("/conversations/a/tracker").json()["active_flow"] == "check_order"
    assert client.get("/conversations/b/tracker").json()["active_flow"] is None


def test_model_parse_has_rasas_shape(client: TestClient) -> None:
    response = client.post("/model/parse", json={"text": "where is my order 123456"})
    assert response.status_code == 200
    parse = response.json()
    assert parse["text"] == "where is my order 123456"
    assert parse["intent"]["name"] == "check_order"
    assert parse["intent_ranking"][0]["name"] == "check_order"
    assert [(e["entity"], e["value"]) for e in parse["entities"]] == [("order_id", "123456")]


def test_trigger_intent_runs_the_intent_and_returns_messages_and_tracker(client: TestClient) -> None:
    response = client.post("/conversations/u9/trigger_intent", json={"name": "check_order", "entities": {"order_id": "234567"}})
    assert response.status_code == 200
    body = response.json()
    assert body["messages"] == [{"recipient_id": "u9", "text": "Order 234567 is processing."}]
    assert body["tracker"]["slots"]["order_status"] == "processing"


def test_trigger_intent_of_an_unknown_intent_is_404(client: TestClient) -> None:
    response = client.post("/conversations/u9/trigger_intent", json={"name": "fly_to_mars"})
    assert response.status_code == 404
    assert response.json() == {"error": "not_found", "detail": "the intent 'fly_to_mars' does not exist in the domain"}
    assert client.get("/conversations/u9/tracker").json()["events"] == []


def test_unknown_sender_has_an_empty_tracker(client: TestClient) -> None:
    tracker = client.get("/conversations/nobody/tracker").json()
    assert tracker["events"] == [] and tracker["sender_id"] == "nobody"


def test_health_status_and_metrics(client: TestClient) -> None:
    assert client.get("/health").json() == {"status": "ok"}
    status = client.get("/status").json()
    assert status["bot"] == "minibot" and "llm" in status and "model_file" in status
    assert isinstance(status["nlu_warm"], bool)  # the sentence encoder, loading in the background
    say(client, "hi")
    say(client, "tell me a joke")
    client.post("/webhooks/rest/webhook", content=b"{")
    metrics = client.get("/metrics")
    assert metrics.headers["content-type"].startswith("text/plain; version=0.0.4")
    text = metrics.text
    assert 'dialog_turns_total{channel="rest"} 2' in text
    assert "dialog_turn_latency_seconds_count 2" in text
    assert 'dialog_turn_latency_seconds_bucket{le="+Inf"} 2' in text
    assert "dialog_llm_fallbacks_total 1" in text
    assert 'dialog_http_errors_total{status="400"} 1' in text


def test_the_llm_fallback_answers_through_the_webhook(client: TestClient) -> None:
    assert say(client, "tell me a joke") == [{"recipient_id": "u1", "text": "I am a fake model."}]


def test_status_never_shows_a_store_password() -> None:
    from dialog.channels.rest import mask_password

    assert mask_password("postgresql://bot:s3cret@db:5432/chat") == "postgresql://bot:***@db:5432/chat"
    assert mask_password("redis://:pw@127.0.0.1:6379/0") == "redis://:***@127.0.0.1:6379/0"
    assert mask_password("sqlite:///.dialog/conversations.db") == "sqlite:///.dialog/conversations.db"
