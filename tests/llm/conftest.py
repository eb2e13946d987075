"""One real fallback (the bundled SmolLM2, customer-service bot) shared by the slow LLM tests."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest

from dialog.config import load_bot
from dialog.config.models import BotConfig
from dialog.llm.fallback import LLMFallback

CUSTOMER_SERVICE = Path(__file__).resolve().parents[2] / "domains" / "customer_service"


def customer_service_config(**llm: object) -> BotConfig:
    config = load_bot(CUSTOMER_SERVICE)
    settings = dataclasses.replace(config.settings, llm=dataclasses.replace(config.settings.llm, **llm))
    return dataclasses.replace(config, settings=settings)


@pytest.fixture(scope="session")
def real_config() -> BotConfig:
    """The customer-service bot with short replies and a generous timeout (CI machines are slow and shared)."""
    return customer_service_config(max_new_tokens=40, timeout_s=120)


@pytest.fixture(scope="session")
def real_fallback(real_config: BotConfig) -> Iterator[LLMFallback]:
    fallback = LLMFallback.from_config(real_config)
    fallback.start()
    yield fallback
    asyncio.run(fallback.close())
