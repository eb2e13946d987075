"""A Rasa form's ignored_intents keep those intents from filling its slots."""

from __future__ import annotations

DOMAIN = """\
version: "3.1"
intents: [request_restaurant, inform, chitchat, greet]
entities: [cuisine]
slots:
  cuisine:
    type: text
    mappings:
    - type: from_entity
      entity: cuisine
    - type: from_text
      not_intent: greet
  notes:
    type: text
    mappings:
    - type: from_text
forms:
  restaurant_form:
    required_slots: [cuisine]
    ignored_intents:
    - chitchat
responses:
  utter_ask_cuisine: [{text: Which cuisine?}]
"""


def test_each_mapping_of_the_form_s_slots_leaves_out_the_ignored_intents(bot) -> None:
    bot.write("domain.yml", DOMAIN)
    slots = bot.load().domain.slots
    assert [mapping.not_intent for mapping in slots["cuisine"].mappings] == [("chitchat",), ("greet", "chitchat")]
    assert [mapping.not_intent for mapping in slots["notes"].mappings] == [()]  # not the form's slot
