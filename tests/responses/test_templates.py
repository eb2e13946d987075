"""Response rendering: Jinja2 sandbox, conditions, seeded variation, buttons, defaults, errors."""

from __future__ import annotations

import pytest

from dialog.config.models import Domain, ResponseVariation, Slot
from dialog.errors import TemplateError
from dialog.responses.templates import ResponseRenderer, conversation_rng
from dialog.types import Button


def renderer(**responses: tuple[ResponseVariation, ...]) -> ResponseRenderer:
    slots = {name: Slot(name) for name in ("order_id", "status", "carrier")}
    return ResponseRenderer(Domain(slots=slots, responses=responses, path="bot/domain.yml"))


def test_jinja_and_rasa_placeholders() -> None:
    r = renderer(utter_x=(ResponseVariation(text="Order {{ slots.order_id }} / {order_id} / {unknown} for {{ sender_id }}"),))
    out = r.render("utter_x", slots={"order_id": "123456"}, sender_id="u1")
    assert out.text == "Order 123456 / 123456 / {unknown} for u1"


def test_conditional_variation_wins_and_falls_back() -> None:
    r = renderer(
        utter_status=(
            ResponseVariation(text="Shipped with {{ slots.carrier }}.", condition=(("status", "shipped"),)),
            ResponseVariation(text="It is {{ slots.status }}."),
        )
    )
    assert r.render("utter_status", slots={"status": "shipped", "carrier": "UPS"}).text == "Shipped with UPS."
    assert r.render("utter_status", slots={"status": "processing"}).text == "It is processing."


def test_random_choice_is_seeded_per_conversation() -> None:
    r = renderer(utter_hi=tuple(ResponseVariation(text=f"hi {i}") for i in range(10)))
    picks = [r.render("utter_hi", slots={}, rng=conversation_rng("u1", n)).text for n in range(20)]
    again = [r.render("utter_hi", slots={}, rng=conversation_rng("u1", n)).text for n in range(20)]
    assert picks == again and len(set(picks)) > 1


def test_buttons_are_rendered_too() -> None:
    r = renderer(utter_confirm=(ResponseVariation(text="Sure?", buttons=(Button("Cancel {{ slots.order_id }}", '/affirm{"order_id": "{{ slots.order_id }}"}'),)),))
    out = r.render("utter_confirm", slots={"order_id": "1"})
    assert out.buttons == (Button("Cancel 1", '/affirm{"order_id": "1"}'),)


def test_defaults_and_unknown_response() -> None:
    r = renderer()
    assert r.render("utter_default", slots={}).text.startswith("Sorry")
    assert r.has("utter_restart") and not r.has("utter_nope")
    with pytest.raises(TemplateError, match="bot/domain.yml: response 'utter_nope'"):
        r.render("utter_nope", slots={})


def test_undefined_variable_names_response_and_position() -> None:
    r = renderer(utter_bad=(ResponseVariation(text="{{ slots.order_id.missing.deeper }}", mark=("bot/domain.yml", 12, 9)),))
    with pytest.raises(TemplateError) as info:
        r.render("utter_bad", slots={"order_id": None})
    assert str(info.value).startswith("bot/domain.yml:12:9: response 'utter_bad': ")


def test_sandbox_blocks_unsafe_attributes() -> None:
    r = renderer(utter_evil=(ResponseVariation(text="{{ slots.__class__.__mro__ }}"),))
    with pytest.raises(TemplateError):
        r.render("utter_evil", slots={})


def test_channel_specific_variations() -> None:
    r = renderer(utter_x=(ResponseVariation(text="web", channel="rest"), ResponseVariation(text="any")))
    assert r.render("utter_x", slots={}).text == "any"
    out = {r.render("utter_x", slots={}, channel="rest", rng=conversation_rng("u", n)).text for n in range(10)}
    assert out == {"web", "any"}
