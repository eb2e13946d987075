"""Reading a message's form: a question ABOUT something, or a request to DO it."""

from __future__ import annotations

import pytest

from dialog.flows.question_form import asks_for_information


@pytest.mark.parametrize(
    "text",
    [
        "how many days do I have to send something back?",
        "which couriers do you use?",
        "is Amex accepted?",
        "can I swap my shoes for a different size?",
        "what's your return policy",
        "when is my card charged?",
        "can you ship to a PO box?",
        "can you tell me when the backpack is back in stock?",
        "quick question, do you accept american express?",
        "I'd like to know how long refunds take",
        "hey, is there a fee for returns?",
        "I was wondering if you ship to PO boxes",
        "what do I need to return an item?",
        "where can I find my order number?",
        "can I return an item if my order was a gift?",
    ],
)
def test_questions_about_a_policy_ask_for_information(text: str) -> None:
    assert asks_for_information(text)


@pytest.mark.parametrize(
    "text",
    [
        "I want to return my shoes",
        "i'd like to send back my headphones",
        "where is my order",
        "hi, where's my package?",
        "has my refund been processed?",
        "did my refund go through?",
        "when will my order arrive?",
        "can you cancel my order?",
        "could you please change my address?",
        "can I please talk to a real person",
        "the sneakers don't fit, I want to return them",
        "I want a refund, how do I do that?",
        "help me reset my password",
        "cancel my order",
        "what's my order status?",
        "any news on my refund?",
        "when is my order arriving?",
        "how is my order doing?",
        "could you help me with a return?",
        "I want to know where my order is",
        "tell me when my refund arrives",
        "yes",
    ],
)
def test_requests_to_act_and_questions_about_the_users_own_things_do_not(text: str) -> None:
    assert not asks_for_information(text)


def test_a_huge_message_is_read_by_its_opening() -> None:
    assert asks_for_information("how long do I have to return something? " + "x" * 1_000_000)
    assert not asks_for_information("I want to return it " * 100_000)
