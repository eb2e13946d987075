"""Typed replies to the bot's buttons: which button a message chooses, and what the engine does with it."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from dialog.config.models import BotConfig, ResponseVariation
from dialog.flows.button_replies import chosen_button, offered_buttons
from dialog.types import Button, Entity, ParseResult
from tests.flows.test_engine import Convo, make_config

INTENTS = ("cancel_order", "payment_methods", "affirm", "deny", "inform")
OFFER = [{"title": "Cancel an order", "payload": "/cancel_order"}]
CHOICES = [{"title": "Cancel an order", "payload": "/cancel_order"}, {"title": "Payment methods", "payload": "/payment_methods"}]


def _choose(text: str, buttons: list[dict[str, str]], intent: str | None = None, *, question_open: bool = False, affirm_handled: bool = False) -> str | None:
    parse = ParseResult(text, intent, 0.95 if intent else 0.0)
    chosen = chosen_button(parse, buttons, intents=INTENTS, question_open=question_open, affirm_handled=affirm_handled, threshold=0.5)
    if chosen is not None:
        assert chosen.text == text  # the user's own words stay the message
    return chosen.intent if chosen is not None else None


def test_the_buttons_are_those_shown_since_the_user_last_wrote() -> None:
    stored = [
        {"event": "bot", "text": "old", "data": {"buttons": [{"title": "Old", "payload": "/deny"}]}},
        {"event": "user", "text": "hi"},
        {"event": "bot", "text": "answer", "data": {}},
        {"event": "bot", "text": "offer", "data": {"buttons": OFFER}},
    ]
    assert offered_buttons(stored) == OFFER
    assert offered_buttons([*stored, {"event": "user", "text": "later"}]) == []


@pytest.mark.parametrize("text", ["Cancel an order", "cancel an order!", "  CANCEL  an order ", "cancel an ordre"])
def test_a_typed_title_presses_its_button(text: str) -> None:
    assert _choose(text, CHOICES) == "cancel_order"


BIKES = [
    {"title": title, "payload": f'/inform{{"bike_type": "{title}"}}'} for title in ("Road", "City / hybrid", "E-bike", "Kids' bike")
]
REPAIRS = [{"title": "Brakes", "payload": "/cancel_order"}, {"title": "Gears", "payload": "/payment_methods"}]


def test_words_of_only_one_title_press_it() -> None:
    assert _choose("kids", BIKES) == "inform"
    assert _choose("hybrid", BIKES) == "inform"
    assert _choose("bike", BIKES) is None  # two titles have it


def test_a_one_word_title_with_letters_swapped_presses_it() -> None:
    assert _choose("Breaks", REPAIRS) == "cancel_order"
    assert _choose("skerab", REPAIRS) is None  # the same letters, another first one


def test_a_typo_close_to_two_titles_presses_neither() -> None:
    assert _choose("pay it", [{"title": "pay it1", "payload": "/cancel_order"}, {"title": "pay it2", "payload": "/deny"}]) is None


@pytest.mark.parametrize(
    ("text", "intent"),
    [("the first one", "cancel_order"), ("second", "payment_methods"), ("option 2", "payment_methods"), ("the last one please", "payment_methods"), ("2", "payment_methods")],
)
def test_a_position_presses_that_button(text: str, intent: str) -> None:
    assert _choose(text, CHOICES) == intent


def test_the_intent_of_a_button_with_entities_presses_it_and_brings_them() -> None:
    buttons = [{"title": "Track", "payload": '/payment_methods{"order_id": "234567"}'}, {"title": "Cancel", "payload": '/cancel_order{"order_id": "234567"}'}]
    parse = ParseResult("cancel it", "cancel_order", 0.95)
    chosen = chosen_button(parse, buttons, intents=INTENTS, question_open=False, affirm_handled=False, threshold=0.5)
    assert chosen is not None and chosen.intent == "cancel_order" and [(e.entity, e.value) for e in chosen.entities] == [("order_id", "234567")]
    assert _choose("cancel it", CHOICES, "cancel_order") is None  # no entities to bring: the NLU's reading is the click


LEVELS = [{"title": f"{level.title()}", "payload": f'/inform{{"urgency": "{level}"}}'} for level in ("high", "medium", "low")]


def _urgency(text: str, intent: str, *levels: str) -> str | None:
    parse = ParseResult(text, intent, 0.9, tuple(Entity("urgency", level, 0, len(text)) for level in levels))
    chosen = chosen_button(parse, LEVELS, intents=INTENTS, question_open=True, affirm_handled=False, threshold=0.5) or parse
    return str(chosen.entities[0].value) if chosen.entities else None  # the urgency the turn goes on with


def test_buttons_sharing_an_intent_are_told_apart_by_the_value_the_message_names() -> None:
    assert _urgency("medium priority", "inform", "medium") == "medium"
    assert _urgency("low please", "inform", "low") == "low"
    assert _urgency("what do the levels mean?", "inform") is None  # before: the first button, High
    assert _urgency("urgent-ish", "inform", "critical") == "critical"  # a value no button has: the NLU's, for the rejections


def test_a_position_presses_a_single_button_too() -> None:
    assert _choose("the first one", OFFER, "unsure") == "cancel_order"  # the NLU read it as hesitation


def test_a_bare_number_is_the_answer_while_a_question_is_open() -> None:
    assert _choose("2", CHOICES, question_open=True) is None
    assert _choose("the second one", CHOICES, question_open=True) == "payment_methods"


def test_a_position_beyond_the_buttons_presses_nothing() -> None:
    assert _choose("the third one", CHOICES) is None


def test_yes_presses_a_single_offer() -> None:
    assert _choose("yes please", OFFER, "affirm") == "cancel_order"


@pytest.mark.parametrize(
    ("buttons", "question_open", "affirm_handled"),
    [(CHOICES, False, False), (OFFER, True, False), (OFFER, False, True), ([{"title": "Sure", "payload": "/affirm"}], False, False)],
    ids=["two buttons", "a question is open", "a flow handles yes", "the button is a yes itself"],
)
def test_yes_presses_nothing_when_it_could_mean_something_else(buttons: list[dict[str, str]], question_open: bool, affirm_handled: bool) -> None:
    assert _choose("yes", buttons, "affirm", question_open=question_open, affirm_handled=affirm_handled) is None


def test_a_long_message_is_more_than_a_choice() -> None:
    assert _choose("cancel an order and tell me about the payment methods please", CHOICES) is None


def test_a_reading_the_nlu_already_had_keeps_its_entity_positions() -> None:
    buttons = [{"title": "high", "payload": '/inform{"priority": "high"}'}, {"title": "low", "payload": '/inform{"priority": "low"}'}]
    parse = ParseResult("it's high", "inform", 0.9, (Entity("priority", "high", 5, 9),))
    assert chosen_button(parse, buttons, intents=INTENTS, question_open=True, affirm_handled=False, threshold=0.5) is None
    typed = chosen_button(ParseResult("high", None, 0.1), buttons, intents=INTENTS, question_open=True, affirm_handled=False, threshold=0.5)
    assert typed is not None and [(e.entity, e.value, e.start, e.end) for e in typed.entities] == [("priority", "high", 0, 4)]


def test_the_nlu_entities_stay_beside_the_payload_s() -> None:
    buttons = [{"title": "Funghi", "payload": "/inform"}, {"title": "Salami", "payload": "/inform"}]
    parse = ParseResult("funghi", None, 0.2, (Entity("kind", "funghi", 0, 6),))
    typed = chosen_button(parse, buttons, intents=INTENTS, question_open=True, affirm_handled=False, threshold=0.5)
    assert typed is not None and typed.intent == "inform" and [e.value for e in typed.entities] == ["funghi"]


# --- in the engine -----------------------------------------------------------


def _offering(config: BotConfig) -> BotConfig:
    """The tiny bot of test_engine whose payment flow ends by offering the cancel flow with one button."""
    offer = (ResponseVariation(text="Shall I cancel it?", buttons=(Button("Cancel an order", "/cancel_order"),)),)
    domain = replace(config.domain, responses={**config.domain.responses, "utter_offer": offer})
    payment = config.flows["payment"]
    offering = replace(payment, steps=(replace(payment.steps[0], action="utter_offer"),))
    return BotConfig(config.root, domain, config.nlu, {**config.flows, "payment": offering}, config.settings)


@pytest.fixture
def convo(tmp_path: Path) -> Convo:
    return Convo(_offering(make_config(tmp_path)))


def test_yes_after_an_offer_starts_the_offered_flow(convo: Convo) -> None:
    assert convo.send("payment_methods") == ["Shall I cancel it?"]
    assert convo.send("affirm", "yes") == ["What is your order number?"]
    user = next(event for event in convo.last.events if event["event"] == "user")
    assert user["text"] == "yes" and user["parse_data"]["intent"]["name"] == "cancel_order"


def test_the_order_number_after_an_offer_starts_the_flow_with_it(convo: Convo) -> None:
    convo.send("payment_methods")
    assert convo.send("inform", "234567", order_id="234567") == ["Cancel order 234567?"]


def test_no_after_an_offer_is_acknowledged(convo: Convo) -> None:
    convo.send("payment_methods")
    assert convo.send("deny", "no thanks") == ["No problem. If there's anything else, just ask."]
    assert convo.state.stack == ()
