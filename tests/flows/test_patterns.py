"""The conversation repair patterns on the tiny flows of test_engine: what each built-in
pattern says and does, and that a flow of the same id in flows.yml replaces it."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from dialog.config.flow_model import END, ActionStep, Branch, CollectStep, Flow, Rejection, Trigger
from dialog.config.models import BotConfig, ResponseVariation
from dialog.flows import patterns
from dialog.types import NONSENSE_FEATURE, Entity, IntentScore, ParseResult
from tests.flows.test_engine import Convo, make_config

ASK = "What is your order number?"


def _send(convo: Convo, parse: ParseResult) -> list[str]:
    convo.last = asyncio.run(convo.engine.handle(convo.events, parse, "u1"))
    convo.events.extend(convo.last.events)
    convo.clock.now += 1
    return [event["text"] for event in convo.last.bot_events()]


def _nonsense(text: str) -> ParseResult:
    """What the NLU makes of keyboard mashing (``dialog/nlu/nonsense.py`` sets the flag)."""
    return ParseResult(text, "nlu_fallback", 0.0, features={NONSENSE_FEATURE: True})


def _with(config: BotConfig, flows: dict[str, Flow] | None = None, drop: tuple[str, ...] = (), **responses: str) -> BotConfig:
    domain_responses = {**config.domain.responses, **{name: (ResponseVariation(text=text),) for name, text in responses.items()}}
    domain = type(config.domain)(**{**config.domain.__dict__, "responses": domain_responses})
    all_flows = {name: flow for name, flow in {**config.flows, **(flows or {})}.items() if name not in drop}
    return BotConfig(config.root, domain, config.nlu, all_flows, config.settings)


@pytest.fixture
def config(tmp_path: Path) -> BotConfig:
    return make_config(tmp_path)


# --- the built-in patterns ---------------------------------------------------


def test_repeat_while_a_question_is_open_asks_it_once_and_counts_nothing(config: BotConfig) -> None:
    convo = Convo(config)
    convo.send("cancel_order")
    convo.send("inform", "12")  # one failed attempt
    assert convo.send("repeat", "can you repeat that?") == [ASK]
    assert convo.state.requested_slot == "order_id" and convo.state.top.attempts == 1
    assert convo.state.slots["order_id"] is None


def test_repeat_after_an_answer_says_it_again(config: BotConfig) -> None:
    convo = Convo(config)
    assert convo.send("payment_methods") == ["We take cards."]
    assert convo.send("repeat", "say that again") == ["We take cards."]


def test_repeat_with_nothing_said_yet(config: BotConfig) -> None:
    assert Convo(config).send("repeat", "what?") == ["I haven't said anything yet. How can I help you?"]


def test_skip_gets_a_helpful_reply_and_the_question_again(config: BotConfig) -> None:
    convo = Convo(config)
    convo.send("cancel_order")
    replies = convo.send("skip", "I don't know my order number")
    assert replies[0].startswith("No problem.") and replies[1] == ASK
    assert convo.state.top.attempts == 0


def test_skip_uses_the_bots_own_reply_for_that_slot(config: BotConfig) -> None:
    convo = Convo(_with(config, utter_skip_order_id="It's in your confirmation email."))
    convo.send("cancel_order")
    assert convo.send("skip", "no idea") == ["It's in your confirmation email.", ASK]


def test_a_correction_at_the_confirmation_reruns_the_steps_with_the_new_value(config: BotConfig) -> None:
    convo = Convo(config)
    assert convo.send("cancel_order", order_id="234567") == ["Cancel order 234567?"]
    replies = convo.send("correct", "actually, order 123456", order_id="123456")
    assert replies == ["Okay, I've changed that to 123456.", "Cancel order 123456?"]
    assert convo.state.slots["order_id"] == "123456" and convo.state.requested_slot == "confirmed"
    assert convo.send("affirm") == ["Done.", "Cancelled."]


def test_a_corrected_value_is_validated_again(config: BotConfig) -> None:
    convo = Convo(config)
    convo.send("cancel_order", order_id="234567")
    replies = convo.send("correct", "no wait, 999999", order_id="999999")
    assert replies == ["Okay, I've changed that to 999999.", "No order 999999."]
    assert convo.state.stack == ()


def test_the_answer_to_the_open_question_is_not_a_correction(config: BotConfig) -> None:
    convo = Convo(config)
    convo.send("cancel_order")
    assert convo.send("inform", order_id="234567") == ["Cancel order 234567?"]
    assert not any(event.get("flow_id") == patterns.CORRECTION for event in convo.last.events)


def test_cancel_runs_pattern_cancel_flow(config: BotConfig) -> None:
    convo = Convo(config)
    convo.send("cancel_order")
    assert convo.send("cancel", "never mind") == ["Okay, I've stopped that."]
    kinds = [(event["event"], event.get("flow_id")) for event in convo.last.events]
    assert ("flow_cancelled", "cancel_order") in kinds and ("flow_completed", patterns.CANCEL_FLOW) in kinds
    assert convo.state.stack == ()


def test_an_out_of_scope_question_gets_a_reply_then_the_question_without_an_attempt(config: BotConfig) -> None:
    convo = Convo(config)
    convo.send("cancel_order")
    replies = convo.send("out_of_scope", "what's your phone number?")
    assert replies == ["Sorry, I didn't get that. Could you rephrase?", ASK]  # no LLM here: utter_default
    assert convo.state.top.attempts == 0 and convo.state.slots["order_id"] is None
    assert convo.last.fallback


def test_a_from_text_slot_does_not_take_a_question_or_nonsense(config: BotConfig) -> None:
    convo = Convo(config)
    convo.send("get_email")
    convo.send(None, "what is this for?", confidence=0.2)
    assert convo.state.slots["email"] is None
    assert _send(convo, _nonsense("asdkj qwpoe zzxv")) == ["Your email?"]
    assert convo.state.slots["email"] is None and convo.state.top.attempts == 1
    convo.send("inform", "bob@example.com")
    assert convo.state.slots["email"] == "bob@example.com"


def test_nonsense_with_nothing_going_on_asks_to_rephrase_without_the_llm(config: BotConfig) -> None:
    convo = Convo(config)
    assert _send(convo, _nonsense("qwpoe zzxv hjkl")) == ["Sorry, I didn't understand that. Could you say it in other words?"]
    assert not convo.last.fallback


def test_two_close_intents_ask_which_flow_with_buttons(config: BotConfig) -> None:
    convo = Convo(config)
    parse = ParseResult(
        "I want to pay for cancelling", "cancel_order", 0.45, ranking=(IntentScore("cancel_order", 0.45), IntentScore("payment_methods", 0.4))
    )
    assert _send(convo, parse) == ["Sorry, I'm not sure what you meant. Did you mean one of these?"]
    buttons = convo.last.bot_events()[0]["data"]["buttons"]
    assert buttons == [{"title": "Cancel order", "payload": "/cancel_order"}, {"title": "Payment", "payload": "/payment_methods"}]
    chosen = ParseResult("/payment_methods", "payment_methods", 1.0, ranking=(IntentScore("payment_methods", 1.0),))
    assert _send(convo, chosen) == ["We take cards."]


def test_a_value_nothing_asked_for_asks_what_to_do_with_it(config: BotConfig) -> None:
    convo = Convo(config)
    parse = ParseResult(
        "234567", "inform", 0.9, (Entity("order_id", "234567", 0, 6),), ranking=(IntentScore("inform", 0.9), IntentScore("cancel_order", 0.05))
    )
    assert _send(convo, parse) == ["What would you like me to do with 234567?"]
    buttons = convo.last.bot_events()[0]["data"]["buttons"]
    assert buttons == [{"title": "Cancel order", "payload": '/cancel_order{"order_id": "234567"}'}]
    after_a_greeting = Convo(config)
    after_a_greeting.send("payment_methods")  # a flow that collects nothing just ended
    assert _send(after_a_greeting, parse) == ["What would you like me to do with 234567?"]
    question = ParseResult("is 234567 valid?", "inform", 0.9, (Entity("order_id", "234567", 3, 9),))
    assert _send(Convo(config), question) == ["Sorry, I didn't get that. Could you rephrase?"]  # a question: not a bare value


def test_a_number_in_a_vague_request_asks_what_to_do_with_it(config: BotConfig) -> None:
    text = "hello, I need help with order 234567"
    vague = ParseResult(text, "greet", 0.41, (Entity("order_id", "234567", 30, 36),), ranking=(IntentScore("greet", 0.41),))
    assert _send(Convo(config), vague) == ["What would you like me to do with 234567?"]
    statement = ParseResult("the printer in room 4 has a paper jam", None, 0.2, (Entity("device", "printer", 4, 11),))
    assert _send(Convo(config), statement) == ["Sorry, I didn't get that. Could you rephrase?"]  # no number: the documents' to answer


def test_a_person_asked_for_with_no_flow_for_it_hands_off(config: BotConfig) -> None:
    convo = Convo(_with(config, drop=("handoff",)))
    convo.send("cancel_order")
    assert convo.send("human_handoff", "let me talk to a human") == ["I'm handing you over to a human colleague."]
    assert convo.state.paused and convo.state.stack == ()


def test_a_bad_regex_runs_pattern_internal_error_and_the_conversation_goes_on(config: BotConfig) -> None:
    bad_regex = Rejection('not (slots.order_id is matching "([0-9")', None)
    broken = Flow(
        "broken_regex",
        (CollectStep("ask", collect="order_id", rejections=(bad_regex,), next=(Branch(END),)),),
        nlu_trigger=(Trigger("broken_regex"),),
    )
    convo = Convo(_with(config, {"broken_regex": broken}))
    assert convo.send("broken_regex") == [ASK]
    assert convo.send("inform", order_id="123456") == ["Sorry, something went wrong on my side. Please try again."]
    assert convo.state.stack == ()
    assert convo.send("payment_methods") == ["We take cards."]


def test_completed_and_continue_interrupted_run_only_when_flows_yml_defines_them(config: BotConfig) -> None:
    convo = Convo(config)
    assert convo.send("payment_methods") == ["We take cards."]
    opted_in = _with(
        config,
        {
            patterns.COMPLETED: patterns.PATTERN_FLOWS[patterns.COMPLETED],
            patterns.CONTINUE_INTERRUPTED: patterns.PATTERN_FLOWS[patterns.CONTINUE_INTERRUPTED],
        },
    )
    convo = Convo(opted_in)
    assert convo.send("payment_methods") == ["We take cards.", "Is there anything else I can help you with?"]
    convo.send("cancel_order")
    assert convo.send("payment_methods") == ["We take cards.", "Let's get back to where we were.", ASK]


# --- a flow with a pattern's id replaces the built-in one ---------------------


def _override(pattern: str) -> Flow:
    return Flow(pattern, (ActionStep("say", action=f"utter_custom_{pattern}", next=(Branch(END),)),))


def _clarify(convo: Convo) -> list[str]:
    parse = ParseResult("pay or cancel", "cancel_order", 0.45, ranking=(IntentScore("cancel_order", 0.45), IntentScore("payment_methods", 0.4)))
    return _send(convo, parse)


SITUATIONS: dict[str, Any] = {
    patterns.CORRECTION: lambda c: (c.send("cancel_order", order_id="234567"), c.send("correct", "actually 123456", order_id="123456"))[1],
    patterns.CANCEL_FLOW: lambda c: (c.send("cancel_order"), c.send("cancel", "stop"))[1],
    patterns.CHITCHAT: lambda c: (c.send("cancel_order"), c.send("out_of_scope", "tell me a joke"))[1],
    patterns.CLARIFICATION: _clarify,
    patterns.CANNOT_HANDLE: lambda c: _send(c, _nonsense("qwpoe zzxv hjkl")),
    patterns.SKIP_QUESTION: lambda c: (c.send("cancel_order"), c.send("skip", "skip"))[1],
    patterns.REPEAT_BOT_MESSAGES: lambda c: c.send("repeat", "say again"),
    patterns.HUMAN_HANDOFF: lambda c: c.send("human_handoff", "a person please"),
    patterns.INTERNAL_ERROR: lambda c: c.send("bad_template"),
    patterns.COMPLETED: lambda c: c.send("payment_methods"),
    patterns.CONTINUE_INTERRUPTED: lambda c: (c.send("cancel_order"), c.send("payment_methods"))[1],
}


@pytest.mark.parametrize("pattern", sorted(patterns.PATTERN_FLOWS))
def test_a_flow_with_the_patterns_id_overrides_it(config: BotConfig, pattern: str) -> None:
    assert set(SITUATIONS) == set(patterns.PATTERN_FLOWS)
    text = f"custom {pattern}"
    convo = Convo(_with(config, {pattern: _override(pattern)}, drop=("handoff",), **{f"utter_custom_{pattern}": text}))
    assert text in SITUATIONS[pattern](convo)
    assert any(event.get("flow_id") == pattern for event in convo.last.events)


# --- right after a flow ended ------------------------------------------------


def test_a_corrected_value_right_after_a_flow_ended_runs_it_again(config: BotConfig) -> None:
    convo = Convo(config)
    assert convo.send("cancel_order", order_id="999999") == ["No order 999999."]
    assert convo.send("correct", "sorry, I meant 234567", order_id="234567") == [
        "Okay, I've changed that to 234567.",
        "Cancel order 234567?",
    ]


def test_a_bare_new_value_right_after_a_flow_ended_runs_it_again_without_saying_so(config: BotConfig) -> None:
    convo = Convo(config)
    convo.send("cancel_order", order_id="999999")
    assert convo.send(None, "and 234567?", confidence=0.3, order_id="234567") == ["Cancel order 234567?"]


def test_a_correction_reaches_back_over_an_acknowledgement(config: BotConfig) -> None:
    convo = Convo(config)
    convo.send("cancel_order", order_id="999999")
    convo.send("affirm", "ok")
    assert convo.send("correct", "actually 234567", order_id="234567") == ["Okay, I've changed that to 234567.", "Cancel order 234567?"]


def test_a_value_long_after_a_flow_ended_is_no_correction(config: BotConfig) -> None:
    convo = Convo(config)
    convo.send("cancel_order", order_id="999999")
    convo.send("affirm", "ok")
    convo.send("affirm", "ok then")
    assert convo.send("correct", "actually 234567", order_id="234567") == ["Sorry, I didn't get that. Could you rephrase?"]


def test_a_request_of_its_own_is_no_correction(config: BotConfig) -> None:
    convo = Convo(config)
    convo.send("cancel_order", order_id="999999")
    assert convo.send("payment_methods", "how can I pay for 234567?", order_id="234567") == ["We take cards."]


def test_a_correction_the_nlu_is_unsure_of_runs_the_flow_again_without_saying_so(config: BotConfig) -> None:
    convo = Convo(config)
    convo.send("cancel_order", order_id="999999")
    assert convo.send("correct", "and 234567?", confidence=0.3, order_id="234567") == ["Cancel order 234567?"]


def test_a_value_only_one_flow_takes_starts_it_when_the_nlu_leans_to_that_flow_too(config: BotConfig) -> None:
    text = "order 234567, what's going on"
    unsure = ParseResult(text, "cancel_order", 0.41, (Entity("order_id", "234567", 6, 12),), ranking=(IntentScore("cancel_order", 0.41),))
    assert _send(Convo(config), unsure) == ["Cancel order 234567?"]  # not "What would you like me to do with 234567?" and one button
    doubtful = ParseResult(text, "cancel_order", 0.2, (Entity("order_id", "234567", 6, 12),), ranking=(IntentScore("cancel_order", 0.2),))
    assert _send(Convo(config), doubtful) == ["What would you like me to do with 234567?"]  # under CLARIFY_MIN: asked


def test_a_no_taken_back_right_after_the_flow_ended_asks_the_question_again(config: BotConfig) -> None:
    convo = Convo(config)
    convo.send("cancel_order", order_id="234567")
    assert convo.send("deny", "no") == ["Okay, I kept it."]
    assert convo.send("affirm", "actually yes cancel it") == ["Cancel order 234567?"]
    assert convo.send("affirm", "yes") == ["Done.", "Cancelled."]


def test_a_no_taken_back_is_a_yes_whatever_intent_the_nlu_read(config: BotConfig) -> None:
    convo = Convo(config)  # a bot trained with "actually ..." examples under correct reads it so
    convo.send("cancel_order", order_id="234567")
    convo.send("deny", "no")
    assert convo.send("correct", "actually yes, cancel it") == ["Cancel order 234567?"]


def test_a_plain_yes_or_a_yes_taken_back_runs_nothing_again(config: BotConfig) -> None:
    declined = Convo(config)
    declined.send("cancel_order", order_id="234567")
    declined.send("deny", "no")
    assert "Cancel order 234567?" not in declined.send("affirm", "yes")  # no change of mind: an acknowledgement
    cancelled = Convo(config)
    cancelled.send("cancel_order", order_id="234567")
    cancelled.send("affirm", "yes")
    assert "Cancel order 234567?" not in cancelled.send("deny", "actually no")  # done is done: running it again would not undo it
