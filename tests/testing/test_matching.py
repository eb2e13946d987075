"""The comparison rules of dialog test, on hand-built turns (no bot needed)."""

from __future__ import annotations

from dialog.testing.matching import TurnChecker, same_value
from dialog.testing.results import Turn
from dialog.testing.stories import ANY_VALUE, Step


def user(text: str, intent: str = "greet", confidence: float = 0.9, entities=()) -> dict:
    parse = {"text": text, "intent": {"name": intent, "confidence": confidence}, "entities": list(entities)}
    return {"event": "user", "text": text, "parse_data": parse}


def bot(name: str | None, text: str) -> dict:
    return {"event": "bot", "text": text, "metadata": {"utter_action": name} if name else {}}


def slot(name: str, value) -> dict:
    return {"event": "slot", "name": name, "value": value}


def turn(*events: dict, slots=None, flow=None) -> Turn:
    text = events[0]["text"] if events and events[0]["event"] == "user" else ""
    return Turn(text=text, events=tuple(events), slots=slots or {}, active_flow=flow)


def run(checker: TurnChecker, the_turn: Turn, *steps: Step):
    checker.begin_turn(the_turn)
    for step in steps:
        failure = checker.check(step)
        if failure:
            return failure
    return checker.end_turn()


GREETING = turn(user("hi"), bot("utter_greet", "Hello!"), bot("utter_offer_help", "How can I help?"))


def test_utter_steps_match_bot_messages_in_order() -> None:
    assert run(TurnChecker(), GREETING, Step("utter", "utter_greet"), Step("utter", "utter_offer_help")) is None


def test_a_wrong_response_name_reports_expected_and_actual() -> None:
    failure = run(TurnChecker(), GREETING, Step("utter", "utter_offer_help", line=7))
    assert failure.step == "utter: utter_offer_help"
    assert failure.line == 7
    assert failure.expected == "response utter_offer_help"
    assert failure.actual == "response utter_greet: 'Hello!'"


def test_asserting_some_bot_messages_requires_asserting_all_of_them() -> None:
    failure = run(TurnChecker(), GREETING, Step("utter", "utter_greet", line=5))
    assert failure.step == "(after) utter: utter_greet"
    assert failure.actual == "unexpected bot message utter_offer_help: 'How can I help?'"
    assert "must assert all of them" in failure.note


def test_a_turn_without_bot_assertions_may_say_anything() -> None:
    assert run(TurnChecker(), GREETING, Step("intent", "greet")) is None


def test_too_few_bot_messages() -> None:
    failure = run(TurnChecker(), GREETING, Step("utter", "utter_greet"), Step("utter", "utter_offer_help"), Step("utter", "utter_more"))
    assert failure.actual == "no more bot messages in this turn (already matched: utter_greet: 'Hello!'; utter_offer_help: 'How can I help?')"


def test_bot_steps_compare_exact_text() -> None:
    assert run(TurnChecker(), GREETING, Step("bot", "Hello!"), Step("bot", "How can I help?")) is None
    failure = run(TurnChecker(), GREETING, Step("bot", "Hello there!"))
    assert failure.expected == 'text "Hello there!"'
    assert failure.actual == 'text "Hello!" (response utter_greet)'


def test_rasa_actions_may_skip_unasserted_ones_but_keep_order() -> None:
    events = (
        user("where is 123456", "check_order_status"),
        {"event": "action", "name": "lookup_order"},
        bot("utter_order_status", "Order 123456 has shipped."),
        bot("utter_anything_else", "Anything else?"),
    )
    the_turn = turn(*events)
    assert run(TurnChecker(), the_turn, Step("action", "lookup_order"), Step("action", "utter_anything_else")) is None
    failure = run(TurnChecker(), the_turn, Step("action", "utter_anything_else"), Step("action", "utter_order_status"))
    assert failure.expected == "action utter_order_status"
    assert failure.actual == "the turn then ran: nothing more"


def test_a_response_sent_by_its_own_action_counts_once() -> None:
    the_turn = turn(user("hi"), {"event": "action", "name": "utter_greet"}, bot("utter_greet", "Hi"), bot("utter_greet", "Hi"))
    checker = TurnChecker()
    assert run(checker, the_turn, Step("action", "utter_greet"), Step("action", "utter_greet")) is None


def test_slot_was_set_by_name_value_and_reset_slots() -> None:
    set_now = turn(user("234567"), slot("order_id", "234567"), slots={"order_id": "234567"})
    assert run(TurnChecker(), set_now, Step("slot_was_set", ("order_id", ANY_VALUE))) is None
    assert run(TurnChecker(), set_now, Step("slot_was_set", ("order_id", 234567))) is None
    reset_by_flow_end = turn(user("yes"), slot("order_id", "234567"), slot("order_id", None), slots={"order_id": None})
    assert run(TurnChecker(), reset_by_flow_end, Step("slot_was_set", ("order_id", "234567"))) is None
    earlier = turn(user("ok"), slots={"order_id": "234567"})
    assert run(TurnChecker(), earlier, Step("slot_was_set", ("order_id", ANY_VALUE))) is None


def test_slot_failures_tell_the_value_and_what_the_turn_did() -> None:
    the_turn = turn(user("345678"), slot("order_id", "345678"), slots={"order_id": "345678"})
    failure = run(TurnChecker(), the_turn, Step("slot_was_set", ("order_id", "234567")))
    assert failure.expected == 'order_id = "234567"'
    assert failure.actual == 'order_id = "345678" after the turn; this turn set it to "345678"'
    failure = run(TurnChecker(), turn(user("x")), Step("slot_was_set", ("email", ANY_VALUE)))
    assert failure.expected == "email set"
    assert failure.actual == "email = null after the turn; this turn did not set it"


def test_slot_was_not_set_is_the_opposite() -> None:
    the_turn = turn(user("345678"), slot("order_id", "345678"), slots={"order_id": "345678", "email": None})
    assert run(TurnChecker(), the_turn, Step("slot_was_not_set", ("email", ANY_VALUE))) is None
    assert run(TurnChecker(), the_turn, Step("slot_was_not_set", ("order_id", "234567"))) is None
    failure = run(TurnChecker(), the_turn, Step("slot_was_not_set", ("order_id", ANY_VALUE)))
    assert failure.expected == "order_id not set"


def test_intent_and_entities_of_the_user_turn() -> None:
    entity = {"entity": "order_id", "value": "123456", "start": 9, "end": 15}
    the_turn = turn(user("where is 123456", "check_order_status", 0.83, [entity]))
    assert run(TurnChecker(), the_turn, Step("intent", "check_order_status"), Step("entity", ("order_id", "123456"))) is None
    failure = run(TurnChecker(), the_turn, Step("intent", "cancel_order"))
    assert (failure.expected, failure.actual) == ("intent cancel_order", "intent check_order_status (0.83)")
    failure = run(TurnChecker(), the_turn, Step("entity", ("product", ANY_VALUE)))
    assert (failure.expected, failure.actual) == ("entity product", 'entities: order_id="123456"')


def test_flow_events_and_llm_fallback() -> None:
    the_turn = turn(
        user("cancel it", "cancel_order"),
        {"event": "flow_started", "flow_id": "cancel_order"},
        {"event": "flow_completed", "flow_id": "cancel_order"},
    )
    assert run(TurnChecker(), the_turn, Step("flow_started", "cancel_order"), Step("flow_completed", "cancel_order")) is None
    assert run(TurnChecker(), the_turn, Step("llm_fallback", False)) is None
    failure = run(TurnChecker(), the_turn, Step("flow_cancelled", "cancel_order"))
    assert failure.actual == "flow_cancelled: none in this turn"
    failure = run(TurnChecker(), the_turn, Step("llm_fallback", True))
    assert failure.actual == "it did not (intent cancel_order 0.90)"
    llm_turn = turn(user("tell me a joke", "out_of_scope"), {"event": "llm_fallback", "model": "fake"}, bot(None, "Ha."))
    assert run(TurnChecker(), llm_turn, Step("llm_fallback", True)) is None


def test_same_value_compares_as_text_when_types_differ() -> None:
    assert same_value("234567", 234567)
    assert same_value(3.0, 3)
    assert not same_value(None, "None")
    assert not same_value("a", "b")


def test_rasa_requested_slot_is_the_slot_the_flow_asks_for() -> None:
    the_turn = Turn(text="cancel", events=(user("cancel", "cancel_order"),), slots={"order_id": None}, requested_slot="order_id")
    assert run(TurnChecker(), the_turn, Step("slot_was_set", ("requested_slot", "order_id"))) is None
    failure = run(TurnChecker(), the_turn, Step("slot_was_set", ("requested_slot", "confirmed")))
    assert failure.actual == 'requested_slot = "order_id" after the turn; this turn did not set it'


def test_an_annotation_without_value_matches_a_normalised_value_on_its_span() -> None:
    entity = {"entity": "product", "value": "wireless headphones", "start": 7, "end": 14}
    the_turn = turn(user("return earbuds", "return_item", 0.9, [entity]))
    annotated = Step("entity", ("product", ANY_VALUE), metadata={"span": "earbuds"})
    assert run(TurnChecker(), the_turn, annotated) is None
    elsewhere = Step("entity", ("product", ANY_VALUE), metadata={"span": "return"})
    failure = run(TurnChecker(), the_turn, elsewhere)
    assert failure.expected == 'entity product on "return"'


def test_a_rasa_form_s_name_counts_as_run_where_its_flow_acts() -> None:
    """Rasa's story writes `action: pizza_form` at each turn the form asks or finishes."""
    asks = turn(
        user("a pizza", "buy_pizza"),
        {"event": "flow_started", "flow_id": "form_pizza_form"},
        {"event": "action", "name": "utter_ask_size", "flow_id": "form_pizza_form"},
        bot("utter_ask_size", "Which size?"),
    )
    assert run(TurnChecker(), asks, Step("action", "pizza_form")) is None
    finishes = turn(
        user("large", "inform"),
        slot("size", "large"),
        {"event": "action", "name": "utter_submit", "flow_id": "form_pizza_form"},
        bot("utter_submit", "Done."),
        {"event": "flow_completed", "flow_id": "form_pizza_form"},
    )
    assert run(TurnChecker(), finishes, Step("action", "pizza_form"), Step("action", "utter_submit")) is None
    failure = run(TurnChecker(), finishes, Step("action", "utter_submit"), Step("action", "pizza_form"))
    assert failure is not None and failure.expected == "action pizza_form"
    other = turn(user("hi"), {"event": "action", "name": "utter_greet", "flow_id": "greet"}, bot("utter_greet", "Hi"))
    assert run(TurnChecker(), other, Step("action", "pizza_form")) is not None


def test_a_retrieval_intent_and_its_response_match_their_sub_intent() -> None:
    the_turn = turn(user("what is your name", "faq/ask_name"), bot("utter_faq/ask_name", "I'm a bot."))
    assert run(TurnChecker(), the_turn, Step("intent", "faq"), Step("action", "utter_faq")) is None
    assert run(TurnChecker(), the_turn, Step("intent", "faq/ask_name"), Step("action", "utter_faq/ask_name")) is None
    failure = run(TurnChecker(), the_turn, Step("intent", "chitchat"))
    assert failure is not None and failure.actual == "intent faq/ask_name (0.90)"


def test_rasa_s_respond_action_matches_the_sub_intent_s_response() -> None:
    the_turn = turn(user("what is your name", "faq/ask_name"), bot("utter_faq/ask_name", "I'm a bot."))
    assert run(TurnChecker(), the_turn, Step("action", "respond_faq")) is None
    assert run(TurnChecker(), the_turn, Step("action", "respond_chitchat")) is not None


def test_rasa_default_actions_hold_where_the_turn_did_their_job() -> None:
    restarted = turn(user("/restart", "restart"), {"event": "restart"}, {"event": "session_started"}, bot("utter_restart", "Starting over."))
    assert run(TurnChecker(), restarted, Step("action", "action_restart")) is None
    fell_back = turn(user("qwerty", "nlu_fallback"), {"event": "llm_fallback"}, bot("utter_default", "Sorry?"))
    assert run(TurnChecker(), fell_back, Step("action", "action_default_fallback")) is None
    llm_answered = turn(user("qwerty", "nlu_fallback"), {"event": "llm_fallback"}, {"event": "bot", "text": "I can only help with orders."})
    assert run(TurnChecker(), llm_answered, Step("action", "utter_default")) is None  # a Rasa rule nlu_fallback -> utter_default
    stopped = turn(user("stop", "stop"), {"event": "flow_cancelled", "flow_id": "form_pizza_form"}, bot("utter_flow_cancelled", "Ok."))
    assert run(TurnChecker(), stopped, Step("action", "action_deactivate_loop")) is None
    other = turn(user("stop", "stop"), {"event": "flow_cancelled", "flow_id": "cancel_order"}, bot("utter_flow_cancelled", "Ok."))
    assert run(TurnChecker(), other, Step("action", "action_deactivate_loop")) is not None


def test_a_rasa_story_closing_a_form_without_answers_says_why_it_fails_here() -> None:
    # Rasa's helpdesk-assistant: "open an incident", then `active_loop: null` and the submit action.
    asking = Turn(
        text="I need to open an incident",
        events=(user("I need to open an incident", "open_incident"), bot("utter_ask_email", "What is your email address?")),
        active_flow="form_open_incident_form",
        requested_slot="email",
    )
    failure = run(TurnChecker(), asking, Step("action", "action_open_incident"))
    assert failure is not None
    assert failure.note.startswith("form 'open_incident_form' is still asking for 'email': a Rasa test story's 'active_loop: null'")
