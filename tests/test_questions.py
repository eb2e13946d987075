"""What reads as a question: the words, whatever the intent."""

from __future__ import annotations

import pytest

from dialog.questions import asks_about_a_choice, asks_about_the_offering, looks_like_question


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


@pytest.mark.parametrize(
    "text",
    [
        "do you have a swimming pool?",
        "can I bring a friend?",
        "can i pause my membership while i travel?",
        "are dogs allowed?",
        "is parking free?",
        "do you guys ship to canada?",
        "is there a student discount?",
        "hi, do you accept paypal?",
        "do you price match?",
        "is it open on sundays?",
        "what payment methods do you accept?",
        "which countries do you ship to?",
        "what's your phone number",
        "where is your store?",
        "where are you located?",
        "who is the manager?",
        "how much is shipping?",
        "who is the best mechanic you have?",
        "what's the name of the head mechanic?",
        "what brand of tyres do you use?",
        "who owns the shop?",
    ],
)
def test_a_question_about_the_offering(text: str) -> None:
    assert asks_about_the_offering(text)


@pytest.mark.parametrize(
    "text",
    [
        "do you like music?",
        "can you tell me a joke?",
        "can you recommend a good book",
        "what's the capital of france?",
        "do you have a name?",
        "do you have feelings?",
        "are you a robot?",
        "is the sky blue?",
        "i want to return my shoes",
        "we have a swimming pool",
        "what's your name?",
        "what's your favourite colour?",
        "do you have any hobbies?",
        "what do you think of cats?",
        "how much wood would a woodchuck chuck",
        "what is the name of the president of france?",
        "what music do you like?",
    ],
)
def test_small_talk_and_world_questions_are_not_about_the_offering(text: str) -> None:
    assert not asks_about_the_offering(text)


@pytest.mark.parametrize(("text", "vague"), [("what do you have?", True), ("how much is it?", True), ("do you sell helmets?", False), ("my bike", False)])
def test_a_vague_question_has_at_most_one_word_that_carries_meaning(text: str, vague: bool) -> None:
    from dialog.questions import asks_vaguely

    assert asks_vaguely(text) is vague


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("how much is Fibre 500?", True),
        ("which is faster, Fibre 500 or Gigabit?", True),
        ("ok and what's the difference between high and low", True),
        ("what about Fibre 500?", False),  # a choice, put as a question
        ("how about TV", False),
        ("Fibre 500 please", False),
        ("can I have the Gigabit one?", False),
        ("who cares, low", False),  # an exclamation, then the choice
        ("why not, low", False),
        ("what? low", False),
        ("which one is for can't work? high", False),  # a question, then the choice in a sentence of its own
    ],
)
def test_a_wh_question_asks_about_a_choice(text: str, asks: bool) -> None:
    option = max(text.rfind(word) for word in ("Fibre", "Gigabit", "TV", "high", "low"))
    assert asks_about_a_choice(text, option) is asks
