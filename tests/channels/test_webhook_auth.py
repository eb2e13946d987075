"""Token auth on every endpoint but /health; CORS closed unless origins are configured."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

TOKEN = "s3cret-token"


@pytest.fixture
def guarded(make_client) -> TestClient:
    return make_client(auth_token=TOKEN)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/webhooks/rest/webhook"),
        ("post", "/webhooks/rest/stream"),
        ("post", "/model/parse"),
        ("get", "/conversations/u1/tracker"),
        ("post", "/conversations/u1/trigger_intent"),
        ("get", "/status"),
        ("get", "/metrics"),
        ("get", "/no/such/route"),
    ],
)
def test_every_endpoint_but_health_needs_the_token(guarded: TestClient, method: str, path: str) -> None:
    response = getattr(guarded, method)(path)
    assert response.status_code == 401
    assert response.json()["error"] == "unauthorized"
    assert response.headers["www-authenticate"] == "Bearer"


def test_health_is_open(guarded: TestClient) -> None:
    assert guarded.get("/health").status_code == 200


def test_bearer_header_and_query_token_both_work(guarded: TestClient) -> None:
    body = {"sender": "u1", "message": "hi"}
    assert guarded.post("/webhooks/rest/webhook", json=body, headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
    assert guarded.post(f"/webhooks/rest/webhook?token={TOKEN}", json=body).status_code == 200
    assert guarded.get("/status", headers={"authorization": f"bearer {TOKEN}"}).status_code == 200


def test_wrong_tokens_are_refused_and_change_nothing(guarded: TestClient) -> None:
    body = {"sender": "u1", "message": "hi"}
    for headers, query in [
        ({"Authorization": "Bearer wrong"}, ""),
        ({"Authorization": TOKEN}, ""),
        ({"Authorization": f"Basic {TOKEN}"}, ""),
        ({}, "?token=" + TOKEN[:-1]),
        ({}, "?token="),
    ]:
        assert guarded.post("/webhooks/rest/webhook" + query, json=body, headers=headers).status_code == 401
    tracker = guarded.get(f"/conversations/u1/tracker?token={TOKEN}").json()
    assert tracker["events"] == []


def test_without_a_token_everything_is_open(client: TestClient) -> None:
    assert client.get("/status").status_code == 200


def test_cors_is_closed_by_default(client: TestClient) -> None:
    response = client.options(
        "/webhooks/rest/webhook",
        headers={"Origin": "https://shop.example", "Access-Control-Request-Method": "POST"},
    )
    assert "access-control-allow-origin" not in response.headers
    response = client.post("/webhooks/rest/webhook", json={"sender": "u1", "message": "hi"}, headers={"Origin": "https://shop.example"})
    assert "access-control-allow-origin" not in response.headers


def test_configured_origins_may_call_the_webhook(make_client) -> None:
    client = make_client(settings_changes={"cors_origins": ("https://shop.example",)}, auth_token=TOKEN)
    preflight = client.options(
        "/webhooks/rest/webhook",
        headers={"Origin": "https://shop.example", "Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "authorization,content-type"},
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "https://shop.example"
    response = client.post(
        "/webhooks/rest/webhook", json={"sender": "u1", "message": "hi"},
        headers={"Origin": "https://shop.example", "Authorization": f"Bearer {TOKEN}"},
    )
    assert response.headers["access-control-allow-origin"] == "https://shop.example"
    other = client.options(
        "/webhooks/rest/webhook", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}
    )
    assert other.headers.get("access-control-allow-origin") != "https://evil.example"
