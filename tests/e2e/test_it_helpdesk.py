"""domains/it_helpdesk (the second bot) through Bot.handle with its real trained NLU (fake LLM)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from dialog.bot import Bot
from dialog.config import load_bot
from dialog.llm.fake import FakeGenerator
from dialog.stores import MemoryStore
from dialog.types import IntentScore, Message, ParseResult

pytestmark = pytest.mark.e2e

DOMAIN = Path(__file__).resolve().parents[2] / "domains" / "it_helpdesk"


@pytest.fixture(scope="module")
def trained() -> tuple[Any, Any]:
    from dialog.nlu.training import load_model

    config = load_bot(DOMAIN)
    return config, load_model(config, train_if_stale=True)


class Chat:
    def __init__(self, config: Any, nlu: Any) -> None:
        self.bot = Bot.from_config(config, store=MemoryStore(), generator=FakeGenerator("This is a fake reply."), nlu=nlu)
        self.replies: list[Any] = []

    def say(self, text: str) -> list[str | None]:
        self.replies = asyncio.run(self.bot.handle(Message("it", text)))
        return [reply.response for reply in self.replies]

    def text(self) -> str:
        return " ".join(reply.text for reply in self.replies)

    def tracker(self) -> dict[str, Any]:
        return asyncio.run(self.bot.tracker("it"))


@pytest.fixture
def chat(trained: tuple[Any, Any]) -> Chat:
    return Chat(*trained)


def test_reset_password_with_validation(chat: Chat) -> None:
    assert chat.say("I forgot my password") == ["utter_ask_work_email"]
    assert chat.say("alice@gmail.com") == ["utter_invalid_work_email", "utter_ask_work_email"]
    assert chat.say("alice@acme.com") == ["utter_password_reset"]


def test_disabled_account_links_to_an_agent_and_silences_the_bot(chat: Chat) -> None:
    assert chat.say("please reset the password for bob@acme.com") == ["utter_account_disabled", "utter_handoff"]
    assert chat.say("hello?") == []
    assert chat.say("/restart") == ["utter_restart"]


def test_outage_known_and_new_with_button_payloads(chat: Chat) -> None:
    assert chat.say("the vpn is down") == ["utter_known_outage"]
    assert chat.say("the printer is broken") == ["utter_ask_issue_description"]
    assert chat.say("it jams on every page") == ["utter_ask_urgency"]
    assert [b.payload for b in chat.replies[0].buttons][0] == '/inform{"urgency": "high"}'
    assert chat.say('/inform{"urgency": "high"}') == ["utter_incident_created"]
    assert "high priority" in chat.text()


def test_software_request_with_approval_and_digression(chat: Chat) -> None:
    assert chat.say("I need photoshop installed") == ["utter_ask_business_reason"]
    assert chat.say("for editing marketing images") == ["utter_ask_confirm_request"]
    assert chat.say("check ticket INC-1002") == ["utter_ticket_status", "utter_ask_confirm_request"]
    assert chat.say("/affirm") == ["utter_software_requested"]
    assert "waiting for your manager's approval" in chat.text()


def test_a_business_reason_that_sounds_like_an_agent_request_is_taken(chat: Chat) -> None:
    assert chat.say("I need photoshop installed") == ["utter_ask_business_reason"]
    assert chat.say("to edit marketing images") == ["utter_ask_confirm_request"]
    tracker = chat.tracker()
    assert not tracker["paused"] and tracker["slots"]["business_reason"] == "to edit marketing images"
    assert chat.say("/affirm") == ["utter_software_requested"]


def test_a_button_payload_overrides_an_open_free_text_question(chat: Chat) -> None:
    chat.say("I need photoshop installed")
    assert chat.say("/talk_to_agent") == ["utter_handoff"]
    assert chat.tracker()["paused"]


def test_ticket_status_and_cancel(chat: Chat) -> None:
    assert chat.say("what's the status of my ticket?") == ["utter_ask_ticket_id"]
    assert chat.say("never mind") == ["utter_flow_cancelled"]
    assert chat.say("never mind") == ["utter_nothing_to_stop"]
    assert chat.say("status of REQ-2001 please") == ["utter_ticket_status"]


def test_out_of_scope_goes_to_the_llm(chat: Chat) -> None:
    assert chat.say("what is the meaning of life?") == [None]
    assert chat.text() == "This is a fake reply."


def test_the_observed_misparse_of_the_answer_does_not_hand_off(chat: Chat) -> None:
    """The parse once seen for this answer (talk_to_agent 0.71) is below digression_threshold: the answer is taken."""
    chat.say("I need photoshop installed")
    parse = ParseResult("to edit marketing images", "talk_to_agent", 0.71, ranking=(IntentScore("talk_to_agent", 0.71),))
    turn = asyncio.run(chat.bot.handle_turn(Message("it", "to edit marketing images"), parse=parse))
    assert [reply.response for reply in turn.replies] == ["utter_ask_confirm_request"]
    assert not turn.state.paused and "flow_cancelled" not in [event["event"] for event in turn.events]
