"""Server-sent events: LLM pieces as they come, then the full replies."""

from __future__ import annotations

import json

from starlette.testclient import TestClient

from dialog.llm.fake import FakeGenerator


def parse_sse(text: str) -> list[tuple[str, object]]:
    events = []
    for block in text.strip().split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines())
        events.append((fields["event"], json.loads(fields["data"])))
    return events


def test_llm_reply_streams_token_by_token_then_the_replies(make_client) -> None:
    client = make_client(generator=FakeGenerator("Sorry, I cannot tell jokes. Ask me about orders.", token_delay_s=0.001))
    response = client.post("/webhooks/rest/stream", json={"sender": "u1", "message": "tell me a joke"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    events = parse_sse(response.text)
    tokens = [data["text"] for name, data in events if name == "token"]
    # The fallback streams word by word (what it shows is never taken back).
    assert "".join(tokens) == "Sorry, I cannot tell jokes. Ask me about orders."
    assert len(tokens) >= 6
    assert events[-1] == ("replies", [{"recipient_id": "u1", "text": "Sorry, I cannot tell jokes. Ask me about orders."}])


def test_a_turn_without_the_llm_sends_only_the_replies(client: TestClient) -> None:
    response = client.post("/webhooks/rest/stream", json={"sender": "u1", "message": "how can i pay"})
    assert parse_sse(response.text) == [("replies", [{"recipient_id": "u1", "text": "We take cards."}])]


def test_bad_stream_bodies_are_json_400_before_streaming(client: TestClient) -> None:
    response = client.post("/webhooks/rest/stream", json={"sender": "u1", "message": " "})
    assert response.status_code == 400 and response.json()["error"] == "bad_request"
