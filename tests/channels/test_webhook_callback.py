"""The callback channel: "success" at once, replies POSTed to callback_url with retries, in order."""

from __future__ import annotations

import json
import time

import httpx
from starlette.testclient import TestClient

CALLBACK = "http://127.0.0.1:9/bot-replies"


class Receiver:
    """An httpx transport standing in for the client's callback server; fails the first ``failures`` posts."""

    def __init__(self, failures: int = 0, status: int = 503) -> None:
        self.failures = failures
        self.status = status
        self.received: list[dict] = []
        self.attempts = 0

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.attempts += 1
        if self.attempts <= self.failures:
            if self.status == 0:
                raise httpx.ConnectError("refused", request=request)
            return httpx.Response(self.status)
        self.received.append(json.loads(request.content))
        return httpx.Response(200)

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)


def wait_for(condition, timeout_s: float = 5.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def callback_client(make_client, receiver: Receiver) -> TestClient:
    return make_client(
        settings_changes={"callback_url": CALLBACK}, callback_transport=receiver.transport(), callback_backoff_s=0.01
    )


def test_replies_are_posted_to_the_callback_url(make_client) -> None:
    receiver = Receiver()
    client = callback_client(make_client, receiver)
    response = client.post("/webhooks/callback/webhook", json={"sender": "u1", "message": "/check_order"})
    assert response.status_code == 200 and response.text == "success"
    wait_for(lambda: len(receiver.received) == 1)
    assert receiver.received == [{"recipient_id": "u1", "text": "What is your order number?"}]
    assert client.get("/conversations/u1/tracker").json()["active_flow"] == "check_order"


def test_failed_deliveries_are_retried_with_backoff(make_client) -> None:
    for failure in (503, 0):  # an error status, then a refused connection
        receiver = Receiver(failures=2, status=failure)
        client = callback_client(make_client, receiver)
        assert client.post("/webhooks/callback/webhook", json={"sender": "u1", "message": "how can i pay"}).text == "success"
        wait_for(lambda receiver=receiver: len(receiver.received) == 1)
        assert receiver.attempts == 3
        assert receiver.received[0]["text"] == "We take cards."


def test_one_senders_replies_arrive_in_order_across_turns(make_client) -> None:
    receiver = Receiver(failures=1)
    client = callback_client(make_client, receiver)
    for text in ("/check_order", "how can i pay", "123456"):
        client.post("/webhooks/callback/webhook", json={"sender": "u1", "message": text})
    wait_for(lambda: len(receiver.received) >= 4)
    assert [m["text"] for m in receiver.received][:2] == ["What is your order number?", "We take cards."]


def test_without_a_callback_url_the_channel_is_off(client: TestClient) -> None:
    response = client.post("/webhooks/callback/webhook", json={"sender": "u1", "message": "hi"})
    assert response.status_code == 404 and "callback_url" in response.json()["detail"]


def test_bad_callback_bodies_are_400(make_client) -> None:
    receiver = Receiver()
    client = callback_client(make_client, receiver)
    assert client.post("/webhooks/callback/webhook", json={"sender": "u1"}).status_code == 400
    assert receiver.attempts == 0
