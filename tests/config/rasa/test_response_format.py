"""Rasa's response syntax: {slot} placeholders (hyphens too) and the {{ escape of a literal brace."""

from __future__ import annotations

from types import MappingProxyType

from dialog.config.models import Domain, ResponseVariation, Slot
from dialog.config.rasa.response_format import literal, placeholders, to_jinja
from dialog.responses.templates import ResponseRenderer
from dialog.types import Button


def test_placeholders_of_declared_slots_become_slot_lookups() -> None:
    assert to_jinja("I will transfer {amount-of-money} {unit}.", {"amount-of-money", "unit"}) == (
        "I will transfer {{ slots['amount-of-money'] }} {{ slots['unit'] }}."
    )
    assert to_jinja("Hi {nobody} and {{ slots.name }}", {"name"}) == "Hi {nobody} and {{ slots.name }}"


def test_an_escaped_json_object_is_a_literal_brace() -> None:
    assert to_jinja('/feedback{{"value": "positive"}}', ()) == '/feedback{% raw %}{"value": "positive"}{% endraw %}'
    assert literal('/feedback{{"value": "positive"}}') == '/feedback{"value": "positive"}'
    assert literal("/greet") == "/greet"
    assert literal("/inform{{ slots.size }}") is None
    assert literal("/inform{size}") is None


def test_placeholders_are_listed_in_order_outside_escapes() -> None:
    assert placeholders('{a} {{"x": 1}} {b-c} {{ slots.d }}') == ["a", "b-c"]


def test_a_rasa_response_renders_as_rasa_renders_it() -> None:
    variation = ResponseVariation(
        text="Sending {amount-of-money} to {recipient}.",
        buttons=(Button("Good", '/feedback{{"value": "positive"}}'),),
    )
    slots = {name: Slot(name=name, type="text") for name in ("amount-of-money", "recipient")}
    domain = Domain(slots=MappingProxyType(slots), responses=MappingProxyType({"utter_send": (variation,)}))
    rendered = ResponseRenderer(domain).render("utter_send", slots={"amount-of-money": "20 euros", "recipient": None})
    assert rendered.text == "Sending 20 euros to None."  # Rasa shows an empty slot as None too
    assert rendered.buttons == (Button("Good", '/feedback{"value": "positive"}'),)
