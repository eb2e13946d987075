""""Why do you need that?" at an open question is answered from the flow that asks, then the question again."""

from __future__ import annotations

from pathlib import Path

import pytest

from dialog.flows.why_asked import asks_why_it_is_asked
from tests.flows.test_engine import Convo, make_config


@pytest.mark.parametrize(
    "text",
    ["why?", "what for", "why do you need that?", "why do you want my email", "how come you need my phone number", "why is that needed?",
     "what do you need my order number for?", "whats it for", "why should I give you that?", "why does it matter"],
)
def test_questions_about_why_the_bot_asks(text: str) -> None:
    assert asks_why_it_is_asked(text)


@pytest.mark.parametrize(
    "text",
    ["why is my order late?", "why do I need to return it first?", "why was I charged twice", "why is that not working", "what is the return policy for shoes?"],
)
def test_questions_about_other_things_are_not(text: str) -> None:
    assert not asks_why_it_is_asked(text)


def test_the_reason_is_the_flow_and_the_question_stays_open(tmp_path: Path) -> None:
    convo = Convo(make_config(tmp_path))
    convo.send("cancel_order")
    # whatever the NLU reads ("skip" here, which would say where to find the value)
    assert convo.send("skip", "why do you need my order number?") == ["I need it to go on with your request: Cancel order.", "What is your order number?"]
    assert convo.state.requested_slot == "order_id"
    # not a failed attempt: with max_attempts 2, one wrong answer later the flow still asks
    assert convo.send("inform", order_id="12") == ["An order number has 6 digits.", "What is your order number?"]
    assert convo.send("inform", order_id="234567") == ["Cancel order 234567?"]


def test_a_free_text_question_is_not_filled_with_it(tmp_path: Path) -> None:
    convo = Convo(make_config(tmp_path))
    convo.send("get_email")
    assert convo.send(None, "what do you need my email for?", confidence=0.1)[0] == "I need it to go on with your request: Email."
    assert convo.state.slots["email"] is None and convo.state.requested_slot == "email"


def test_with_no_question_open_it_is_not_this_reply(tmp_path: Path) -> None:
    convo = Convo(make_config(tmp_path))
    assert "I need it" not in " ".join(convo.send(None, "why?", confidence=0.1))
