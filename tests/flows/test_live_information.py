"""Questions about the world right now: told from the clock, or "I can't look that up"; never the LLM's guess."""

from __future__ import annotations

import pytest

from dialog.flows.live_information import CLOCK_RESPONSE, LIVE_RESPONSE, live_information_response


@pytest.mark.parametrize("text", ["what time is it?", "what's the time", "what is the date today?", "what day is it today?"])
def test_the_time_and_date_come_from_the_clock(text: str) -> None:
    assert live_information_response(text) == CLOCK_RESPONSE


@pytest.mark.parametrize(
    "text",
    ["what's the weather like today?", "is it going to rain tomorrow?", "is it going to be sunny this weekend?", "what's the latest news?", "who won the game last night?", "what's the exchange rate for euros?"],
)
def test_live_information_is_not_guessed(text: str) -> None:
    assert live_information_response(text) == LIVE_RESPONSE


@pytest.mark.parametrize(
    "text",
    ["what time do you open?", "what time is the store open on sunday?", "the weather is lovely today", "any news on my refund?", "what's your return policy?"],
)
def test_other_questions_and_small_talk_are_left_alone(text: str) -> None:
    assert live_information_response(text) is None
