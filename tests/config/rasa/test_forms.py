"""Rasa forms run as flows of collect steps, started and closed as their rules and stories say."""

from __future__ import annotations

DOMAIN = """\
version: "3.1"
intents: [greet, request_restaurant, inform, affirm]
entities: [cuisine, num_people]
slots:
  cuisine: {type: text, mappings: [{type: from_entity, entity: cuisine}]}
  num_people: {type: float, mappings: [{type: from_entity, entity: num_people}]}
forms:
  restaurant_form:
    required_slots: [cuisine, num_people]
  survey_form:
    required_slots: [cuisine]
responses:
  utter_greet: [{text: Hi!}]
  utter_ask_cuisine: [{text: Which cuisine?}]
  utter_ask_restaurant_form_num_people: [{text: For how many people?}]
  utter_submit: [{text: Booked.}]
  utter_slots_values: [{text: "{{ slots.cuisine }} for {{ slots.num_people }}"}]
actions:
  - validate_restaurant_form
"""

NLU = """\
version: "3.1"
nlu:
- intent: greet
  examples: "- hi"
- intent: request_restaurant
  examples: "- book a table"
- intent: inform
  examples: "- [italian](cuisine)"
- intent: affirm
  examples: "- yes"
"""

RULES = """\
version: "3.1"
rules:
- rule: activate the form
  steps:
  - intent: request_restaurant
  - action: restaurant_form
  - active_loop: restaurant_form
- rule: submit the form
  condition:
  - active_loop: restaurant_form
  steps:
  - action: restaurant_form
  - active_loop: null
  - slot_was_set:
    - requested_slot: null
  - action: utter_submit
  - action: utter_slots_values
"""

STORIES = """\
version: "3.1"
stories:
- story: greet, then the form
  steps:
  - intent: greet
  - action: utter_greet
  - intent: request_restaurant
  - action: restaurant_form
  - active_loop: restaurant_form
  - intent: inform
  - action: restaurant_form
  - active_loop: null
  - action: utter_submit
- story: inform outside the form
  steps:
  - intent: inform
  - action: utter_greet
"""


def _write(bot, rules: str = RULES, stories: str = STORIES) -> None:
    bot.write("domain.yml", DOMAIN)
    (bot.root / "nlu.yml").unlink()
    bot.write("data/nlu.yml", NLU)
    bot.write("data/rules.yml", rules)
    bot.write("data/stories.yml", stories)


def test_a_form_becomes_a_flow_that_collects_its_slots_then_closes_as_the_rules_say(bot) -> None:
    _write(bot)
    config = bot.load()
    flow = config.flows["form_restaurant_form"]
    assert [trigger.intent for trigger in flow.nlu_trigger] == ["request_restaurant"]
    assert [(step.collect, step.utter) for step in flow.steps[:2]] == [
        ("cuisine", "utter_ask_cuisine"),
        ("num_people", "utter_ask_restaurant_form_num_people"),  # the form-specific question, as in Rasa
    ]
    assert [step.action for step in flow.steps[2:]] == ["utter_submit", "utter_slots_values"]  # the first closing wins
    assert (
        "bot/domain.yml:8:3: form 'restaurant_form' runs as the flow form_restaurant_form: collect cuisine, num_people, "
        "then utter_submit, utter_slots_values; started by request_restaurant; validate_restaurant_form is not called: "
        "write rejections on the collect steps instead"
    ) in config.warnings


def test_the_rest_of_a_form_story_still_runs_and_a_form_answer_intent_triggers_nothing(bot) -> None:
    _write(bot)
    config = bot.load()
    assert [step.action for step in config.flows["story_greet"].steps] == ["utter_greet"]
    assert "story_inform" not in config.flows  # "italian" must fill the form's slot, not start a flow
    assert "story_request_restaurant" not in config.flows


def test_a_form_nothing_starts_is_a_warning(bot) -> None:
    _write(bot)
    assert (
        "bot/domain.yml:10:3: form 'survey_form' is not run here: no rule or story starts it; write a flow with collect steps in flows.yml"
    ) in bot.load().warnings
