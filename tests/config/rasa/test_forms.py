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
        "then utter_submit, utter_slots_values; started by request_restaurant; validate_restaurant_form checks each answer when the action server or actions.py has it"
    ) in config.warnings


def test_the_rest_of_a_form_story_still_runs_and_a_form_answer_intent_triggers_nothing(bot) -> None:
    _write(bot)
    config = bot.load()
    assert [step.action for step in config.flows["story_greet"].steps] == ["utter_greet"]
    assert "story_inform" not in config.flows  # "italian" must fill the form's slot, not start a flow
    assert "story_request_restaurant" not in config.flows


def test_a_form_slot_with_no_question_is_asked_in_words_of_its_name(bot) -> None:
    _write(bot)
    bot.write("domain.yml", DOMAIN.replace("  utter_ask_cuisine: [{text: Which cuisine?}]\n", ""))
    config = bot.load()  # Rasa loads it too, and would ask nothing
    assert config.domain.responses["utter_ask_cuisine"][0].text == "Please tell me the cuisine."
    assert any("form 'restaurant_form' has no question for slot 'cuisine'" in w and "add utter_ask_cuisine to responses" in w for w in config.warnings)


def test_a_form_nothing_starts_is_a_warning(bot) -> None:
    _write(bot)
    assert (
        "bot/domain.yml:10:3: form 'survey_form' is not run here: no rule or story starts it; write a flow with collect steps in flows.yml"
    ) in bot.load().warnings


def test_a_rule_that_answers_an_intent_inside_the_form_is_a_digression_flow(bot) -> None:
    interruption = """\
- rule: greet inside the form
  condition:
  - active_loop: restaurant_form
  steps:
  - intent: greet
  - action: utter_greet
  - action: restaurant_form
  - active_loop: restaurant_form
- rule: inform inside the form only answers it
  condition:
  - active_loop: restaurant_form
  steps:
  - intent: inform
  - action: restaurant_form
"""
    _write(bot, rules=RULES + interruption, stories="stories: []\n")
    config = bot.load()
    flow = config.flows["rule_greet_inside_the_form"]
    assert [trigger.intent for trigger in flow.nlu_trigger] == ["greet"]
    assert [step.action for step in flow.steps] == ["utter_greet"]
    assert "rule_inform_inside_the_form_only_answers_it" not in config.flows


def test_a_story_turn_that_interrupts_the_form_and_returns_to_it_is_a_digression_flow(bot) -> None:
    # Rasa's helpdesk-assistant: "help" inside the form, answered by utter_help, then the form again.
    interrupted = STORIES + """\
- story: greet interrupts the form
  steps:
  - intent: request_restaurant
  - action: restaurant_form
  - active_loop: restaurant_form
  - intent: greet
  - action: utter_greet
  - action: restaurant_form
  - active_loop: null
  - action: utter_submit
"""
    _write(bot, stories=interrupted)
    config = bot.load()
    assert [step.action for step in config.flows["story_greet"].steps] == ["utter_greet"]  # not a form answer
    assert not [warning for warning in config.warnings if "intent 'greet'" in warning]
    assert "story_inform" not in config.flows  # inform still answers the form


def test_a_digression_only_a_form_story_has_still_runs(bot) -> None:
    only_inside = """\
stories:
- story: greet interrupts the form
  steps:
  - intent: request_restaurant
  - action: restaurant_form
  - active_loop: restaurant_form
  - intent: greet
  - action: utter_greet
  - action: restaurant_form
  - active_loop: null
"""
    _write(bot, stories=only_inside)
    assert [step.action for step in bot.load().flows["story_greet"].steps] == ["utter_greet"]


def test_a_form_asks_in_rasa_s_order_action_then_response_for_the_form_then_for_any_form(bot) -> None:
    domain = DOMAIN.replace("actions:\n  - validate_restaurant_form\n", "actions:\n  - validate_restaurant_form\n  - action_ask_cuisine\n")
    _write(bot)
    bot.write("domain.yml", domain)
    steps = bot.load().flows["form_restaurant_form"].steps
    assert [(step.collect, step.utter) for step in steps[:2]] == [
        ("cuisine", "action_ask_cuisine"),
        ("num_people", "utter_ask_restaurant_form_num_people"),
    ]


STOP_STORIES = """\
stories:
- story: stop, then go on
  steps:
  - intent: request_restaurant
  - action: restaurant_form
  - active_loop: restaurant_form
  - intent: greet
  - action: utter_greet
  - intent: affirm
  - action: restaurant_form
- story: stop, then stop
  steps:
  - intent: request_restaurant
  - action: restaurant_form
  - active_loop: restaurant_form
  - intent: greet
  - action: utter_greet
  - intent: inform
  - action: action_deactivate_loop
  - active_loop: null
"""


def test_a_question_the_stories_ask_inside_a_form_is_a_flow_with_a_yes_no_slot(bot) -> None:
    _write(bot, stories=STOP_STORIES)
    config = bot.load()
    flow = config.flows["ask_greet_in_restaurant_form"]
    assert flow.guard == "context.active_flow == 'form_restaurant_form'"
    assert [trigger.intent for trigger in flow.nlu_trigger] == ["greet"]
    collect, deactivate = flow.steps
    assert (collect.collect, collect.utter, collect.ask_before_filling) == ("continue_restaurant_form", "utter_greet", True)
    assert deactivate.action == "action_deactivate_loop"
    slot = config.domain.slots["continue_restaurant_form"]
    assert slot.type == "bool"
    assert [(m.intent, m.value) for m in slot.mappings] == [(("affirm",), True), (("inform",), False)]


def test_a_question_whose_intent_also_fills_a_slot_of_the_form_is_left_out_with_a_warning(bot) -> None:
    domain = DOMAIN.replace(
        "  num_people: {type: float, mappings: [{type: from_entity, entity: num_people}]}\n",
        "  num_people: {type: float, mappings: [{type: from_entity, entity: num_people}]}\n"
        "  outside: {type: bool, mappings: [{type: from_intent, intent: greet, value: true}]}\n",
    ).replace("required_slots: [cuisine, num_people]", "required_slots: [cuisine, num_people, outside]").replace(
        "  utter_submit:", "  utter_ask_outside: [{text: Outside?}]\n  utter_submit:"
    )
    _write(bot, stories=STOP_STORIES)
    bot.write("domain.yml", domain)
    config = bot.load()
    assert "ask_greet_in_restaurant_form" not in config.flows and "continue_restaurant_form" not in config.domain.slots
    assert any("stories answer 'greet' inside form 'restaurant_form' with utter_greet, but 'greet' also fills one of its slots" in w for w in config.warnings)


def test_an_answer_inside_a_form_that_no_story_continues_is_a_warning(bot) -> None:
    stories = STOP_STORIES.split("- story: stop, then stop")[0].replace("  - intent: affirm\n  - action: restaurant_form\n", "")
    _write(bot, stories=stories)
    config = bot.load()
    assert "ask_greet_in_restaurant_form" not in config.flows
    assert any("stories answer 'greet' inside form 'restaurant_form' with utter_greet, and no story says how the form goes on" in w for w in config.warnings)


def test_a_rasa_2_form_with_its_slot_mappings_inside_says_they_are_not_used(bot) -> None:
    # Rasa's formbot at Rasa 2.0 maps each slot inside the form.
    rasa_2 = DOMAIN.replace("    required_slots: [cuisine]\n", "    cuisine:\n    - type: from_entity\n      entity: cuisine\n")
    bot.write("domain.yml", rasa_2)
    assert (
        "bot/domain.yml:10:3: form 'survey_form' maps its slots inside the form, as Rasa 2 did: those mappings are not used; "
        "Rasa 3 reads `mappings` under each slot and `required_slots` in the form (`rasa data migrate` converts them)"
    ) in bot.load().warnings


STOP_RULE = """\
- rule: stop the form
  condition:
  - active_loop: restaurant_form
  steps:
  - intent: stop
  - action: action_deactivate_loop
  - active_loop: null
  - action: utter_cancelled
"""


def test_a_rule_that_deactivates_the_form_stops_it_and_is_not_its_submit_rule(bot) -> None:
    from tests.flows.test_engine import Convo

    _write(bot, rules=RULES.replace("rules:\n", "rules:\n" + STOP_RULE))  # before the submit rule, as real projects have it
    bot.write(
        "domain.yml",
        DOMAIN.replace("affirm]", "affirm, stop]").replace("  utter_submit:", "  utter_cancelled: [{text: Cancelled.}]\n  utter_submit:"),
    )
    config = bot.load()
    assert [step.action for step in config.flows["form_restaurant_form"].steps[2:]] == ["utter_submit", "utter_slots_values"]
    stop = config.flows["stop_restaurant_form_on_stop"]
    assert stop.guard == "context.active_flow == 'form_restaurant_form'"
    assert [step.action for step in stop.steps] == ["utter_cancelled", "action_deactivate_loop"]
    assert any(w.endswith("started by request_restaurant; stopped by stop; validate_restaurant_form checks each answer when the action server or actions.py has it") for w in config.warnings)
    convo = Convo(config)
    assert convo.send("request_restaurant") == ["Which cuisine?"]
    assert convo.send("stop") == ["Cancelled."]  # the project's words, not the built-in cancel's
    assert convo.state.stack == ()
    assert convo.send("request_restaurant") == ["Which cuisine?"]
    assert convo.send("inform", cuisine="thai") == ["For how many people?"]
    assert convo.send("inform", num_people="2") == ["Booked.", "thai for 2.0"]  # completing it never says "Cancelled."


def test_actions_before_the_form_run_first_and_a_conversation_start_rule_only_then(bot) -> None:
    from tests.flows.test_engine import Convo

    # AlexSischin/PizzaBot: greet at a conversation's start, then the form
    rules = RULES.replace(
        "rules:\n",
        "rules:\n- rule: greet and start the form\n  conversation_start: true\n  steps:\n  - intent: request_restaurant\n"
        "  - action: utter_greet\n  - action: restaurant_form\n  - active_loop: restaurant_form\n",
    )
    _write(bot, rules=rules)
    config = bot.load()
    starter = config.flows["start_restaurant_form_on_request_restaurant"]
    assert starter.guard == "context.latest_action is none"
    assert [getattr(step, "action", None) or getattr(step, "link", None) for step in starter.steps] == ["utter_greet", "form_restaurant_form"]
    assert any("started by request_restaurant, request_restaurant (saying utter_greet first; if context.latest_action is none)" in w for w in config.warnings)
    convo = Convo(config)
    assert convo.send("request_restaurant") == ["Hi!", "Which cuisine?"]
    convo.send("inform", cuisine="thai")
    convo.send("inform", num_people="2")
    assert "Hi!" not in convo.send("request_restaurant")  # later: the form alone (its slots kept, as in Rasa)


def test_a_yes_starts_the_form_only_right_after_the_offer_it_answers(bot) -> None:
    # CrossEyedCat/clinic-chatbot: "affirm" after utter_offer_booking starts the form; a "yes" out of the blue must not
    stories = STORIES + (
        "- story: offer accepted\n  steps:\n  - intent: greet\n  - action: utter_greet\n  - intent: affirm\n"
        "  - action: restaurant_form\n  - active_loop: restaurant_form\n"
    )
    _write(bot, stories=stories)
    config = bot.load()
    assert "affirm" not in [t.intent for t in config.flows["form_restaurant_form"].nlu_trigger]
    assert config.flows["start_restaurant_form_on_affirm"].guard == "context.latest_action == 'utter_greet'"


def test_a_restart_inside_the_form_is_no_question_of_the_form(bot) -> None:
    # Checcolino1312/chatbot_forms: restart inside the form, then the form again
    stories = STORIES + (
        "- story: restart inside the form\n  steps:\n  - intent: request_restaurant\n  - action: restaurant_form\n"
        "  - active_loop: restaurant_form\n  - intent: greet\n  - action: action_restart\n"
        "  - intent: request_restaurant\n  - action: restaurant_form\n  - active_loop: restaurant_form\n"
    )
    _write(bot, stories=stories)
    assert "ask_greet_in_restaurant_form" not in bot.load().flows


def test_a_story_form_action_with_no_active_loop_after_it_ran_to_its_end(bot) -> None:
    # the story never shows the form running: the turns after it are the story's own, not answers to the form
    _write(bot, stories=STORIES + """\
- story: the form, then a yes
  steps:
  - intent: request_restaurant
  - action: restaurant_form
  - intent: affirm
  - action: utter_greet
""")
    config = bot.load()
    assert [step.action for step in config.flows["story_affirm"].steps] == ["utter_greet"]
    assert not any("'affirm'" in w and "it answers a form's question in some story" in w for w in config.warnings)
