"""Several requests in one message: where it is cut and when the cut is kept."""

from __future__ import annotations

from dialog.nlu.segments import handle_separately, split_clauses
from dialog.types import NLU_FALLBACK, ParseResult


def test_split_at_punctuation_and_between_clauses() -> None:
    assert split_clauses("hi, where is my order 345678?") == ["hi", "where is my order 345678?"]
    assert split_clauses("yes, and what is your return policy?") == ["yes", "what is your return policy?"]
    assert split_clauses("cancel my order and how can I pay") == ["cancel my order", "how can I pay"]
    assert split_clauses("salt and pepper grinder") == ["salt and pepper grinder"]
    assert split_clauses('/inform{"a": "b, c"}') == ['/inform{"a": "b, c"}']


def _p(intent: str, confidence: float = 0.95) -> ParseResult:
    return ParseResult(intent, intent, confidence)


FLOWS = {"greet", "check_order_status", "payment_methods"}.__contains__


def test_separate_requests_are_handled_separately() -> None:
    assert handle_separately([_p("greet"), _p("check_order_status")], 0.8, FLOWS, lambda part: False)
    assert handle_separately([_p("affirm"), _p("payment_methods")], 0.8, FLOWS, lambda part: part.intent == "affirm")


def test_fillers_answers_doubt_and_repeats_keep_one_message() -> None:
    no_question = lambda part: False  # noqa: E731
    assert not handle_separately([_p("affirm"), _p("check_order_status")], 0.8, FLOWS, no_question)  # "ok, where is ..."
    assert not handle_separately([_p("check_order_status"), _p("inform")], 0.8, FLOWS, no_question)  # "..., it broke"
    assert not handle_separately([_p("greet"), _p("check_order_status", 0.6)], 0.8, FLOWS, no_question)
    assert not handle_separately([_p("greet"), _p("greet")], 0.8, FLOWS, no_question)
    assert not handle_separately([_p("greet")], 0.8, FLOWS, no_question)


def test_after_an_answer_any_question_is_its_own_request_but_a_follow_up_question_is_not() -> None:
    yes = ParseResult("yes", "affirm", 0.99)
    question = ParseResult("how can I pay for a new one?", NLU_FALLBACK, 0.3)
    assert handle_separately([yes, question], 0.8, lambda intent: False, lambda part: part is yes)
    refund = ParseResult("I'm waiting on a refund", "refund_status", 0.99)
    follow_up = ParseResult("what's happening with it?", NLU_FALLBACK, 0.3)
    assert not handle_separately([refund, follow_up], 0.8, lambda intent: intent == "refund_status", lambda part: False)


def test_and_before_a_request_verb_starts_a_clause_but_not_inside_a_phrase() -> None:
    assert split_clauses("track 123456 and also cancel 234567") == ["track 123456", "cancel 234567"]
    assert split_clauses("check order 123456 and cancel 234567") == ["check order 123456", "cancel 234567"]
    assert split_clauses("black and white running shoes") == ["black and white running shoes"]


def test_an_answer_of_any_intent_may_come_before_a_question_but_not_before_a_follow_up() -> None:
    number = ParseResult("123456", "inform", 0.99)
    returns = ParseResult("how long do returns take?", "return_item", 0.85)
    assert handle_separately([number, returns], 0.8, lambda intent: intent == "return_item", lambda part: part is number)
    where = ParseResult("where is it?", NLU_FALLBACK, 0.37)
    assert not handle_separately([number, where], 0.8, lambda intent: False, lambda part: part is number)
    yes = ParseResult("yes", "affirm", 0.99)
    tracked = ParseResult("where is my order?", "check_order_status", 0.9)
    running = "check_order_status".__eq__
    assert not handle_separately([yes, tracked], 0.8, lambda intent: False, lambda part: part is yes, running)


def test_a_cut_that_leaves_only_the_start_of_a_clause_is_undone() -> None:
    assert split_clauses("yes please, and can i also change the delivery day?") == ["yes please", "can i also change the delivery day?"]
    assert split_clauses("could you also track 123456") == ["could you also track 123456"]
    assert split_clauses("track 123456 and also cancel 234567") == ["track 123456", "cancel 234567"]


def test_an_out_of_scope_question_is_a_request_but_an_out_of_scope_statement_is_context() -> None:
    no_question = lambda part: False  # noqa: E731
    question = ParseResult("who is your CEO?", "out_of_scope", 0.9)
    assert handle_separately([_p("check_order_status"), question], 0.8, FLOWS, no_question)
    statement = ParseResult("i won't be home tomorrow", "out_of_scope", 0.9)
    assert not handle_separately([statement, _p("check_order_status")], 0.8, FLOWS, no_question)
