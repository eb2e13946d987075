"""The Socket.IO channel against real socket.io clients (python-socketio) over a real server:
Rasa's events and shapes, both transports, credentials.yml, the token, bad packets."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import socketio

from dialog.channels.socketio import rasa_messages
from dialog.channels.webhook import create_app
from dialog.config import load_bot
from dialog.types import Button, Reply
from tests.channels.conftest import make_bot
from tests.channels.live_server import serving
from tests.minibot import MINIBOT

WAIT_S = 10.0


class Client:
    """A socket.io client that records every event it receives."""

    def __init__(self, url: str, transport: str = "polling", **connect: Any) -> None:
        self.sio = socketio.Client(reconnection=False)
        self.received: list[tuple[str, Any]] = []
        self.changed = threading.Condition()
        self.sio.on("*", self._record)
        try:
            self.sio.connect(url, transports=[transport], wait_timeout=WAIT_S, **connect)
        except socketio.exceptions.ConnectionError:
            self.close()
            raise

    def _record(self, event: str, data: Any = None) -> None:
        with self.changed:
            self.received.append((event, data))
            self.changed.notify_all()

    def wait_for(self, event: str, count: int = 1) -> list[Any]:
        with self.changed:
            self.changed.wait_for(lambda: len(self.of(event)) >= count, WAIT_S)
        found = self.of(event)
        assert len(found) >= count, f"waited for {count} '{event}', got {self.received}"
        return found

    def of(self, event: str) -> list[Any]:
        return [data for name, data in self.received if name == event]

    def close(self) -> None:
        # A clean disconnect waits for the long-poll in flight (up to the 25 s ping interval).
        self.sio.eio.disconnect(abort=True)


def bot_folder(tmp_path: Path, credentials: str | None = None) -> Path:
    root = tmp_path / "minibot"
    shutil.copytree(MINIBOT, root)
    if credentials is not None:
        (root / "credentials.yml").write_text(credentials, encoding="utf-8")
    return root


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    with serving(create_app(make_bot(load_bot(bot_folder(tmp_path))))) as url:
        yield url


@pytest.mark.parametrize("transport", ["polling", "websocket"])
def test_a_session_and_a_message_get_rasa_shaped_answers(server, transport: str) -> None:
    url = server
    client = Client(url, transport)
    try:
        client.sio.emit("session_request", {"session_id": None})
        session_id = client.wait_for("session_confirm")[0]
        assert isinstance(session_id, str) and len(session_id) == 32
        client.sio.emit("user_uttered", {"message": "hi", "session_id": session_id})
        [answer] = client.wait_for("bot_uttered")
        assert answer == {
            "text": "Hello! Which order?",
            "quick_replies": [
                {"content_type": "text", "title": "Check an order", "payload": "/check_order"},
                {"content_type": "text", "title": "Payment", "payload": "/payment_methods"},
            ],
        }
    finally:
        client.close()


def test_without_persistence_each_socket_is_its_own_conversation(server) -> None:
    url = server
    client = Client(url)
    try:
        client.sio.emit("user_uttered", {"message": "where is my order"})
        client.wait_for("bot_uttered")
        assert client.sio.get_sid() in httpx.get(url + "/inspect/api/conversations").json()["conversations"]
    finally:
        client.close()


def test_credentials_yml_sets_event_names_and_session_persistence(tmp_path: Path) -> None:
    root = bot_folder(tmp_path, "socketio:\n  user_message_evt: say\n  bot_message_evt: said\n  session_persistence: true\nrest:\n")
    with serving(create_app(make_bot(load_bot(root)))) as url:
        first = Client(url)
        try:
            first.sio.emit("session_request", {"session_id": "kept-session"})
            assert first.wait_for("session_confirm") == ["kept-session"]
            first.sio.emit("say", {"message": "where is my order", "session_id": "kept-session"})
            assert first.wait_for("said")[0]["text"] == "What is your order number?"
        finally:
            first.close()
        second = Client(url)  # the page was reloaded: same session id, same conversation
        try:
            second.sio.emit("session_request", {"session_id": "kept-session"})
            second.wait_for("session_confirm")
            second.sio.emit("say", {"message": "123456", "session_id": "kept-session"})
            assert second.wait_for("said")[0]["text"] == "Order 123456 has shipped."
            second.sio.emit("say", {"message": "hi"})  # no session id under persistence
            assert "session_id" in second.wait_for("error")[0]["detail"]
        finally:
            second.close()


def test_the_token_is_needed_to_connect(tmp_path: Path) -> None:
    app = create_app(make_bot(load_bot(bot_folder(tmp_path))), auth_token="s3cret")
    with serving(app) as url:
        with pytest.raises(socketio.exceptions.ConnectionError):
            Client(url)
        with_auth = Client(url, auth={"token": "s3cret"})
        in_query = Client(url + "?token=s3cret", "websocket")
        try:
            for client in (with_auth, in_query):
                client.sio.emit("user_uttered", {"message": "hi"})
                assert client.wait_for("bot_uttered")[0]["text"] == "Hello! Which order?"
        finally:
            with_auth.close()
            in_query.close()


@pytest.mark.parametrize("payload", [None, "hi", ["hi"], {}, {"message": 3}, {"message": "  "},
                                     {"message": "hi", "metadata": "x"}, {"message": "x" * 5000}])
def test_a_malformed_message_gets_an_error_and_changes_nothing(server, payload: Any) -> None:
    url = server
    client = Client(url)
    try:
        client.sio.emit("user_uttered", payload)
        error = client.wait_for("error")[0]
        assert error["error"] == "bad_message" and error["detail"]
        assert httpx.get(url + "/inspect/api/conversations").json()["conversations"] == []
        assert client.of("bot_uttered") == []
    finally:
        client.close()


def test_garbage_packets_do_not_break_the_server_or_the_conversation(server) -> None:
    url = server
    client = Client(url)
    try:
        client.sio.emit("session_request", {"session_id": None})
        client.sio.emit("user_uttered", {"message": "where is my order"})
        client.wait_for("bot_uttered")
        before = httpx.get(f"{url}/conversations/{client.sio.get_sid()}/tracker").json()["events"]
        # Raw Engine.IO/Socket.IO packets no client would send, on a fresh polling session.
        opened = httpx.get(f"{url}/socket.io/?EIO=4&transport=polling").text
        sid = opened[opened.index('"sid":"') + 7:].split('"')[0]
        for body in ("4", "42[", '42["user_uttered", {', "4\x00\x01\xff", "9zzz", '40{"token": 1}', "x" * 10, "45-"):
            response = httpx.post(f"{url}/socket.io/?EIO=4&transport=polling&sid={sid}", content=body.encode("utf-8", "surrogatepass"))
            assert response.status_code in (200, 400), response.text
        time.sleep(0.2)
        after = httpx.get(f"{url}/conversations/{client.sio.get_sid()}/tracker").json()["events"]
        assert after == before
        client.sio.emit("user_uttered", {"message": "123456"})
        assert client.wait_for("bot_uttered", 2)[1]["text"] == "Order 123456 has shipped."
    finally:
        client.close()


def test_rasa_output_shapes() -> None:
    assert rasa_messages(Reply(text="one\n\ntwo")) == [{"text": "one"}, {"text": "two"}]
    assert rasa_messages(Reply(image="https://x/y.png")) == [{"attachment": {"type": "image", "payload": {"src": "https://x/y.png"}}}]
    assert rasa_messages(Reply(text="a\n\nb", buttons=(Button("Yes", "/affirm"),))) == [
        {"text": "a"}, {"text": "b", "quick_replies": [{"content_type": "text", "title": "Yes", "payload": "/affirm"}]}]
    assert rasa_messages(Reply(custom={"kind": "card"})) == [{"kind": "card"}]
    assert rasa_messages(Reply(custom={"data": {"kind": "card"}})) == [{"kind": "card"}]


def test_cors_headers_come_once(tmp_path: Path) -> None:
    import dataclasses

    config = load_bot(bot_folder(tmp_path))
    for origins in ((), ("https://shop.example",)):
        settings = dataclasses.replace(config.settings, cors_origins=origins)
        with serving(create_app(make_bot(config), settings)) as url:
            response = httpx.get(f"{url}/socket.io/?EIO=4&transport=polling", headers={"Origin": "https://shop.example"})
            assert response.status_code == 200
            assert response.headers.get_list("access-control-allow-origin") == ["https://shop.example"]
