"""Questions about the bot's name are told from domain.yml, never guessed by the LLM."""

from __future__ import annotations

from pathlib import Path

import pytest

from dialog.flows.bot_identity import asks_who_the_bot_is
from tests.flows.test_engine import Convo, make_config


@pytest.mark.parametrize("text", ["what's your name?", "who are you", "what should I call you?", "do you have a name?", "who am i talking to?", "ur name?"])
def test_questions_about_who_the_bot_is(text: str) -> None:
    assert asks_who_the_bot_is(text)


@pytest.mark.parametrize("text", ["what's your return policy?", "are you a bot?", "my name is Jane", "who are your competitors' customers", "what's the name of the product?"])
def test_other_messages_are_not(text: str) -> None:
    assert not asks_who_the_bot_is(text)


def test_the_name_comes_from_the_domain_not_the_llm(tmp_path: Path) -> None:
    convo = Convo(make_config(tmp_path))
    replies = convo.send(None, "what's your name?", confidence=0.2)
    assert replies == [f"I'm {convo.engine.config.domain.assistant_name}, {convo.engine.config.domain.persona}. How can I help?"]
