"""What reads as a question: the words, whatever the intent."""

from __future__ import annotations

import pytest

from dialog.questions import looks_like_question


@pytest.mark.parametrize(
    "text",
    [
        "how long does shipping take",
        "the red one?",
        "whats your phone number",
        "can i return shoes i wore once",
        "do you price match",
        "is my coffee maker still covered",
        "what if it's broken",
        "ok, and how do I pay",
        "tell me about your warranty",
        "are there any discounts for students",
        "hey who runs acme",
    ],
)
def test_questions(text: str) -> None:
    assert looks_like_question(text)


@pytest.mark.parametrize(
    "text",
    ["it broke after a week", "can't find it", "is 123456", "123456", "I want to return my shoes", "the blue one", "cancel it please"],
)
def test_not_questions(text: str) -> None:
    assert not looks_like_question(text)
