"""Which messages a waiting collect step takes as answers."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from dialog.flows.collect_classifier import asks_about_the_task, is_chitchat, reads_as_answer
from dialog.nlu.nonsense import with_nonsense_flag
from dialog.questions import looks_like_question
from dialog.types import Entity, ParseResult
from tests.flows.test_engine import Convo, make_config


def _parse(text: str, intent: str | None = None, confidence: float = 0.9, entities: tuple[Entity, ...] = ()) -> ParseResult:
    """A parse as the NLU pipeline gives it, with its nonsense flag."""
    return with_nonsense_flag(ParseResult(text, intent, confidence, entities))


@pytest.mark.parametrize(
    ("parse", "answer"),
    [
        (_parse("they stopped working after a week", "stop", 0.53), True),  # a cancel needs the digression bar
        (_parse("Jane Doe", None, 0.2), True),
        (_parse("Siobhan Kowalczyk", None, 0.2), True),
        (_parse("asdkj qwpoe zzxv", None, 0.0), False),
        (_parse("can you repeat that?", "repeat", 0.9), False),
        (_parse("I don't know", "skip", 0.9), False),
        (_parse("tell me a joke first", "out_of_scope", 0.7), False),
        (_parse("no wait, 4pm", "correct", 0.8), False),
        (_parse("what's your phone number?", "inform", 0.6), False),  # a question, whatever the NLU says
        (_parse("what's your phone number?", None, 0.3), False),
        # a question is no free text; its entity still fills the slot through from_entity
        (_parse("is it 123456?", None, 0.3, (Entity("order_id", "123456", 6, 12),)), False),
        (_parse("what if it's broken", "inform", 1.0), False),
        (_parse("/inform", "inform", 1.0), True),
    ],
)
def test_reads_as_answer(parse: ParseResult, answer: bool) -> None:
    assert reads_as_answer(parse, trigger_threshold=0.5) is answer


def test_chitchat_is_an_out_of_scope_intent_or_a_question_never_nonsense() -> None:
    assert is_chitchat(_parse("tell me a joke", "out_of_scope", 0.9), 0.5)
    assert is_chitchat(_parse("who is the CEO?", None, 0.2), 0.5)
    assert not is_chitchat(_parse("12345", "inform", 0.9), 0.5)
    assert not is_chitchat(_parse("blah", None, 0.0), 0.5)
    assert not is_chitchat(_parse("qwpoe zzxv?", None, 0.0), 0.5)


def test_a_question_read_as_inform_gets_a_reply_about_the_task() -> None:
    question = _parse("how much does that cost?", "inform", 0.4)
    assert is_chitchat(question, 0.5)
    assert asks_about_the_task(question.as_json())
    assert not asks_about_the_task(_parse("tell me a joke", "out_of_scope", 0.9).as_json())


def test_a_message_that_rules_a_value_out_is_no_free_text_answer() -> None:
    ruled_out = ParseResult("friday doesn't work for me", "inform", 0.9, (Entity("time", "2030-05-10", 0, 6),))
    assert not reads_as_answer(ruled_out, 0.5)
    assert reads_as_answer(ParseResult("friday after work", "inform", 0.9, (Entity("time", "2030-05-10", 0, 6),)), 0.5)


def test_a_value_ruled_out_is_about_the_question_not_chitchat() -> None:
    ruled_out = ParseResult("not friday, I'm at work", "out_of_scope", 0.9, (Entity("time", "2030-05-10", 4, 10),))
    assert not is_chitchat(ruled_out, 0.5)


def test_questions() -> None:
    assert looks_like_question("how long does shipping take")
    assert looks_like_question("the red one?")
    assert not looks_like_question("it broke after a week")


def test_a_bare_yes_or_no_is_no_free_text_answer() -> None:
    assert not reads_as_answer(_parse("yes", "affirm", 0.99), 0.5)
    assert not reads_as_answer(_parse("no thanks", "deny", 0.95), 0.5)
    assert reads_as_answer(_parse("no, it broke after a day", "deny", 0.6), 0.5)  # says more than no


def test_a_question_about_the_task_gets_i_do_not_know_never_the_llm(tmp_path: Path) -> None:
    convo = Convo(make_config(tmp_path))
    asked: list[str] = []

    async def llm(events, text, stream=True):  # type: ignore[no-untyped-def]
        asked.append(text)
        raise AssertionError("the LLM must not answer for the bot's task")

    convo.send("cancel_order")
    parse = ParseResult("how long does that take?", "inform", 0.4)
    result = asyncio.run(convo.engine.handle(convo.events, parse, "u1", fallback=llm))
    replies = [event["text"] for event in result.bot_events()]
    assert replies[0].startswith("Sorry, I don't have information about that.") and replies[-1] == "What is your order number?"
    assert asked == []
    # small talk at the same question may still go to the LLM
    convo.events.extend(result.events)
    with pytest.raises(AssertionError, match="must not answer"):
        asyncio.run(convo.engine.handle(convo.events, ParseResult("how are you?", "how_are_you", 0.2), "u1", fallback=llm))
    assert asked == ["how are you?"]


def test_a_request_said_again_is_free_text_with_no_digit() -> None:
    from dialog.flows.collect_classifier import restates_request

    assert restates_request("change my plan", "change my plan")
    assert not restates_request("ticket 7", "ticket 7")  # a try at a ticket number
    assert not restates_request("cancel 234567", "234567")  # a value of its own
