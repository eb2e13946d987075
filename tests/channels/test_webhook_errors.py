"""Bad input: always a 4xx with a JSON error body, never a 5xx, never a changed conversation."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

WEBHOOK = "/webhooks/rest/webhook"


def assert_json_error(response, status: int, error: str, detail_part: str = "") -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error", "detail"} and body["error"] == error
    assert detail_part in str(body["detail"])


def events_of(client: TestClient, sender: str = "u1") -> list[dict]:
    return client.get(f"/conversations/{sender}/tracker").json()["events"]


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        (b"{", "malformed JSON"),
        (b"", "empty body"),
        (b"\xff\xfe{}", "not UTF-8"),
        (b'{"sender": "u1", "message": "caf\xe9"}', "not UTF-8"),
        (b"[1, 2]", "must be a JSON object, not an array"),
        (b'"hello"', "must be a JSON object, not a string"),
        (b"null", "must be a JSON object, not null"),
        (b'{"message": "hi"}', "missing field 'sender'"),
        (b'{"sender": "u1"}', "missing field 'message'"),
        (b'{"sender": 5, "message": "hi"}', "'sender' must be a string, not a number"),
        (b'{"sender": "u1", "message": ["hi"]}', "'message' must be a string, not an array"),
        (b'{"sender": "u1", "message": true}', "'message' must be a string, not a boolean"),
        (b'{"sender": "u1", "message": ""}', "'message' is empty"),
        (b'{"sender": "u1", "message": "  \\n\\t "}', "'message' is empty"),
        (b'{"sender": "  ", "message": "hi"}', "'sender' is empty"),
        (b'{"sender": "a\\u0000b", "message": "hi"}', "control characters"),
        (b'{"sender": "u1", "message": "hi", "metadata": [1]}', "'metadata' must be an object"),
        (b'{"sender": "u1", "message": "\\ud800"}', "unpaired surrogate"),
        (b"[" * 10_000 + b"]" * 10_000, "nested too deeply"),
        (b'{"sender": "u1", "message": "hi", "metadata": {"x": NaN}}', "NaN is not a JSON number"),
        (b'{"sender": "u1", "message": "hi", "metadata": {"x": -Infinity}}', "-Infinity is not a JSON number"),
    ],
)
def test_malformed_bodies_get_400(client: TestClient, body: bytes, detail: str) -> None:
    assert_json_error(client.post(WEBHOOK, content=body), 400, "bad_request", detail)
    assert events_of(client) == []


def test_too_long_message_is_413_with_the_limit(make_client) -> None:
    client = make_client(settings_changes={"max_message_chars": 10})
    assert_json_error(client.post(WEBHOOK, json={"sender": "u1", "message": "x" * 11}), 413, "payload_too_large", "limit is 10")
    assert client.post(WEBHOOK, json={"sender": "u1", "message": "hi"}).status_code == 200


def test_oversize_body_by_content_length_is_413(make_client) -> None:
    client = make_client(settings_changes={"max_body_bytes": 100})
    body = b'{"sender": "u1", "message": "' + b"x" * 200 + b'"}'
    assert_json_error(client.post(WEBHOOK, content=body), 413, "payload_too_large", "limit is 100")
    assert events_of(client) == []


def test_oversize_chunked_body_is_counted_while_reading(make_client) -> None:
    client = make_client(settings_changes={"max_body_bytes": 100})

    def chunks() -> Iterator[bytes]:
        yield b'{"sender": "u1", "message": "'
        for _ in range(10):
            yield b"x" * 50
        yield b'"}'

    response = client.post(WEBHOOK, content=chunks())
    assert "content-length" not in {k.lower() for k in response.request.headers}
    assert_json_error(response, 413, "payload_too_large", "over the limit of 100")
    assert events_of(client) == []


def test_lying_content_length_is_400(client: TestClient) -> None:
    response = client.post(WEBHOOK, content=b'{"sender": "u1", "message": "hi"}', headers={"content-length": "abc"})
    assert_json_error(response, 400, "bad_request", "Content-Length is not a number")
    assert events_of(client) == []


def test_unknown_route_and_method_are_json_errors(client: TestClient) -> None:
    assert_json_error(client.get("/nope"), 404, "not_found")
    assert_json_error(client.get(WEBHOOK), 405, "method_not_allowed")
    assert_json_error(client.delete("/health"), 405, "method_not_allowed")
    assert_json_error(client.put("/model/parse", json={"text": "hi"}), 405, "method_not_allowed")


def test_parse_checks_its_body(client: TestClient) -> None:
    assert_json_error(client.post("/model/parse", json={"txt": "hi"}), 400, "bad_request", "missing field 'text'")
    assert_json_error(client.post("/model/parse", json={"text": 3}), 400, "bad_request", "must be a string")


def test_trigger_intent_checks_its_body(client: TestClient) -> None:
    url = "/conversations/u1/trigger_intent"
    assert_json_error(client.post(url, json={}), 400, "bad_request", "missing field 'name'")
    assert_json_error(client.post(url, json={"name": "greet", "entities": [1]}), 400, "bad_request", "'entities' must be an object")
    assert_json_error(client.post(url, content=b"\x80"), 400, "bad_request", "not UTF-8")
    # Found by the fuzz test: Python's json accepts NaN, and the tracker answer could not echo it.
    nan_entity = b'{"name": "check_order", "entities": {"order_id": NaN}}'
    assert_json_error(client.post(url, content=nan_entity), 400, "bad_request", "NaN is not a JSON number")
    assert events_of(client) == []


def test_overlong_conversation_id_is_400(client: TestClient) -> None:
    assert_json_error(client.get("/conversations/" + "x" * 300 + "/tracker"), 400, "bad_request", "limit is 256")


def test_a_bad_request_between_good_ones_changes_nothing(client: TestClient) -> None:
    client.post(WEBHOOK, json={"sender": "u1", "message": "/check_order"})
    before = events_of(client)
    for body in (b"{", b'{"sender": "u1", "message": ""}', b'{"sender": "u1", "message": 1}'):
        assert client.post(WEBHOOK, content=body).status_code == 400
    assert events_of(client) == before


class BrokenStore:
    """A store whose backend is down."""

    async def load(self, sender_id: str) -> list[dict]:
        from dialog.errors import StoreError

        raise StoreError("redis://127.0.0.1:6379/0 is not answering")

    async def append(self, sender_id: str, events: list[dict]) -> None:
        raise AssertionError("never reached")

    def lock(self, sender_id: str):
        from contextlib import asynccontextmanager

        @asynccontextmanager
        async def held():
            yield

        return held()

    async def senders(self) -> list[str]:
        return []

    async def close(self) -> None:
        return None


def test_a_failing_store_is_a_json_503(make_client) -> None:
    client = make_client(store=BrokenStore())
    response = client.post(WEBHOOK, json={"sender": "u1", "message": "hi"})
    assert_json_error(response, 503, "unavailable", "store is unavailable")
    assert "redis://" not in response.text  # the store's URL stays in the server log
    assert_json_error(client.get("/conversations/u1/tracker"), 503, "unavailable")
    assert 'dialog_http_errors_total{status="503"} 2' in client.get("/metrics").text


class LeakyStore(BrokenStore):
    """A store that fails with a message full of configuration details."""

    async def load(self, sender_id: str) -> list[dict]:
        from dialog.errors import FlowError

        raise FlowError("/srv/bots/acme/flows.yml:12: condition 'slots.secret' failed: token=abc123")


def test_a_500_body_carries_no_paths_or_config_text(make_client) -> None:
    client = make_client(store=LeakyStore())
    response = client.post(WEBHOOK, json={"sender": "u1", "message": "hi"})
    assert_json_error(response, 500, "internal_error", "see the server log")
    assert "/srv/bots" not in response.text and "flows.yml" not in response.text and "token" not in response.text
