"""A question about what the bot has just said gets that sentence again."""

from __future__ import annotations

from dialog.flows.said_before import sentence_said_before

BILL = "The current bill for account 87654321 is $64.99, due on 20 January. Anything else?"


def _newest_first(*texts: tuple[str, str]) -> list[dict[str, str]]:
    return [{"event": kind, "text": text} for kind, text in reversed(texts)]


def test_a_question_pointing_back_at_a_sentence_the_bot_said_gets_it() -> None:
    events = _newest_first(("user", "87654321"), ("bot", BILL), ("user", "when is it due?"))
    assert sentence_said_before(events, "when is it due?") == "The current bill for account 87654321 is $64.99, due on 20 January."


def test_words_the_bot_did_not_say_or_a_question_of_its_own_get_nothing() -> None:
    events = _newest_first(("user", "87654321"), ("bot", BILL), ("user", "x"))
    assert sentence_said_before(events, "is it due tomorrow?") is None  # "tomorrow" was not said
    assert sentence_said_before(events, "when is the next sale due?") is None  # points back at nothing
    assert sentence_said_before(events, "is anything else due?") is None  # only the bot's statements count


def test_only_the_bot_s_latest_messages_count() -> None:
    events = _newest_first(("bot", BILL), ("user", "thanks"), ("bot", "You're welcome."), ("user", "when is it due?"))
    assert sentence_said_before(events, "when is it due?") is None
