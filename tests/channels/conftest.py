"""Webhook test fixtures: the real Bot and engine over tests/data/minibot, with a
table NLU (no training) so every request takes milliseconds."""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from dialog.bot import Bot
from dialog.channels.webhook import create_app
from dialog.config import load_bot
from dialog.llm.fake import FakeGenerator
from dialog.stores import MemoryStore
from dialog.testing.fakes import TableParser
from tests.minibot import MINIBOT, TABLE


@pytest.fixture
def minibot_config(tmp_path: Path) -> Any:
    shutil.copytree(MINIBOT, tmp_path / "minibot")
    return load_bot(tmp_path / "minibot")


def make_bot(config: Any, store: Any = None, generator: Any = None) -> Bot:
    parser = TableParser(TABLE, {"order_id": r"\b\d{6}\b"})
    return Bot.from_config(
        config,
        store=store if store is not None else MemoryStore(),
        generator=generator or FakeGenerator("I am a fake model."),
        nlu=parser,
    )


@pytest.fixture
def make_client(minibot_config: Any) -> Iterator[Callable[..., TestClient]]:
    """``make_client(settings=..., auth_token=..., store=..., generator=...)`` -> a started TestClient."""
    clients: list[TestClient] = []

    def factory(store: Any = None, generator: Any = None, settings_changes: dict | None = None, **app_options: Any) -> TestClient:
        bot = make_bot(minibot_config, store, generator)
        settings = dataclasses.replace(minibot_config.settings, **(settings_changes or {}))
        client = TestClient(create_app(bot, settings, **app_options), raise_server_exceptions=False)
        client.__enter__()
        clients.append(client)
        return client

    yield factory
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client: Callable[..., TestClient]) -> TestClient:
    return make_client()
