from __future__ import annotations

import pytest

from dialog.intent_payload import parse_payload, payload_text, set_slots_of

INTENTS = ("greet", "inform")


def test_intent_only() -> None:
    result = parse_payload("/greet", INTENTS)
    assert result.as_json() == {
        "text": "/greet",
        "intent": {"name": "greet", "confidence": 1.0},
        "intent_ranking": [{"name": "greet", "confidence": 1.0}],
        "entities": [],
    }


def test_intent_with_entities() -> None:
    text = '/inform{"order_id": "123456", "product": ["mat", "shoes"]}'
    result = parse_payload(text, INTENTS)
    assert result.intent == "inform" and result.confidence == 1.0
    assert [(e.entity, e.value) for e in result.entities] == [("order_id", "123456"), ("product", "mat"), ("product", "shoes")]
    assert {(e.start, e.end) for e in result.entities} == {(7, len(text))}


def test_list_form_with_roles_and_explicit_confidence() -> None:
    result = parse_payload('/inform@0.7[{"entity": "city", "value": "Paris", "role": "to"}]', INTENTS)
    assert result.confidence == 0.7
    assert [(e.entity, e.value, e.role) for e in result.entities] == [("city", "Paris", "to")]


def test_builtins_are_always_payloads() -> None:
    assert parse_payload("/restart", INTENTS).intent == "restart"
    assert parse_payload(" /stop ", INTENTS).intent == "stop"


@pytest.mark.parametrize(
    "text",
    [
        '/inform{"order_id": 123',  # malformed JSON
        '/inform"x"',
        '/inform{"a": 1} trailing',
        "/inform[1, 2]",
        "/shrug",  # not an intent of this bot
        "/greet@1.5",
        "hello /greet",
        "/",
        "and/or",
    ],
)
def test_anything_else_is_parsed_as_text(text, caplog) -> None:
    assert parse_payload(text, INTENTS) is None


def test_any_intent_when_intents_are_unknown() -> None:
    assert parse_payload("/anything").intent == "anything"


def test_a_retrieval_sub_intent_is_a_payload() -> None:
    result = parse_payload("/faq/ask_name", ("faq", "faq/ask_name"))
    assert result is not None and result.intent == "faq/ask_name"


@pytest.mark.parametrize("text", ['/greet"', "/greet'", '/inform{"size": "large"}"'])
def test_a_stray_trailing_quote_is_dropped_as_rasa_projects_expect(text: str) -> None:
    result = parse_payload(text, INTENTS)
    assert result is not None and result.intent in INTENTS


def test_balanced_quotes_are_kept() -> None:
    result = parse_payload('/inform{"size": "large"}', INTENTS)
    assert [(e.entity, e.value) for e in result.entities] == [("size", "large")]


def test_rasa_s_nlu_fallback_is_a_payload_as_rasa_test_stories_send_it(caplog) -> None:
    parsed = parse_payload("/nlu_fallback", intents=("greet",))
    assert parsed is not None and parsed.intent == "nlu_fallback"
    assert "unknown intent" not in caplog.text


def test_payload_text_is_read_back_as_written() -> None:
    assert payload_text("greet") == "/greet"
    parsed = parse_payload(payload_text("inform", {"city": "Zürich"}), ("inform",))
    assert parsed is not None and parsed.intent == "inform" and [(e.entity, e.value) for e in parsed.entities] == [("city", "Zürich")]


def test_rasa_pro_set_slots_payload_sets_the_slots_it_names() -> None:
    parsed = parse_payload('/SetSlots(confirmed=true, plan="Gold, monthly", days=[mon, tue])', INTENTS)
    assert parsed is not None and parsed.intent == "inform" and parsed.confidence == 1.0
    assert set_slots_of(parsed) == {"confirmed": "true", "plan": "Gold, monthly", "days": ["mon", "tue"]}
    assert set_slots_of(parse_payload("/greet", INTENTS)) is None


@pytest.mark.parametrize("text", ["/SetSlots()", "/SetSlots(confirmed)", "/SetSlots(my slot=1)"])
def test_a_set_slots_payload_that_names_no_slot_value_is_text(text: str, caplog) -> None:
    assert parse_payload(text, INTENTS) is None
    assert "parsing it as text" in caplog.text
