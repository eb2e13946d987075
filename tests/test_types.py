"""The JSON shapes in ``dialog/types.py`` are Rasa's, so Rasa clients read them unchanged (README.md, "HTTP API")."""

from __future__ import annotations

import dataclasses
import json

import pytest

from dialog.types import Button, Entity, IntentScore, Message, ParseResult, Reply


def test_parse_result_json_is_the_documented_model_parse_shape() -> None:
    parse = ParseResult(
        text="cancel order 234567",
        intent="cancel_order",
        confidence=0.93,
        entities=(Entity("order_id", "234567", 13, 19, extractor="regex_entities"),),
        ranking=(IntentScore("cancel_order", 0.93), IntentScore("greet", 0.07)),
        features={"embedding": [0.1, 0.2]},
    )
    assert parse.as_json() == {
        "text": "cancel order 234567",
        "intent": {"name": "cancel_order", "confidence": 0.93},
        "intent_ranking": [{"name": "cancel_order", "confidence": 0.93}, {"name": "greet", "confidence": 0.07}],
        "entities": [{"entity": "order_id", "value": "234567", "start": 13, "end": 19, "extractor": "regex_entities", "confidence": 1.0}],
    }
    json.dumps(parse.as_json())  # features (e.g. numpy arrays) never leak into the JSON


def test_entity_json_has_role_and_group_only_when_set() -> None:
    plain = Entity("city", "Berlin", 0, 6).as_json()
    assert plain == {"entity": "city", "value": "Berlin", "start": 0, "end": 6, "confidence": 1.0}
    tagged = Entity("city", "Berlin", 0, 6, role="destination", group="1").as_json()
    assert (tagged["role"], tagged["group"]) == ("destination", "1")


def test_confidences_are_rounded_and_the_ranking_keeps_ten() -> None:
    ranking = tuple(IntentScore(f"intent_{i}", 1 / 3) for i in range(12))
    data = ParseResult("x", "intent_0", 1 / 3, ranking=ranking).as_json()
    assert data["intent"]["confidence"] == 0.3333
    assert len(data["intent_ranking"]) == 10


def test_an_unparsed_text_has_a_null_intent() -> None:
    assert ParseResult("hello").as_json() == {"text": "hello", "intent": {"name": None, "confidence": 0.0}, "intent_ranking": [], "entities": []}


def test_reply_json_is_the_rest_channel_shape() -> None:
    reply = Reply("Pick one", buttons=(Button("Yes", "/affirm"),), response="utter_ask")
    assert reply.as_json("u1") == {"recipient_id": "u1", "text": "Pick one", "buttons": [{"title": "Yes", "payload": "/affirm"}]}
    assert Reply(image="https://x/y.png").as_json("u1") == {"recipient_id": "u1", "image": "https://x/y.png"}


def test_types_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        Message("u1", "hi").text = "changed"  # type: ignore[misc]
