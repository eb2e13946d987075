"""Rasa's retrieval intents (faq/ask_name) and default intents load as Rasa reads them."""

from __future__ import annotations

DOMAIN = """\
version: "3.1"
intents:
  - greet
  - faq:
      is_retrieval_intent: true
responses:
  utter_greet: [{text: hi}]
  utter_faq/ask_name: [{text: "I'm a bot."}]
  utter_faq/ask_age: [{text: "Quite new."}]
"""

NLU = """\
version: "3.1"
nlu:
- intent: greet
  examples: "- hi"
- intent: faq/ask_name
  examples: "- what is your name"
- intent: faq/ask_age
  examples: "- how old are you"
"""

RULES = """\
rules:
- rule: answer faqs
  steps:
  - intent: faq
  - action: utter_faq
"""


def _write(bot, domain: str = DOMAIN, nlu: str = NLU, rules: str = RULES) -> None:
    bot.write("domain.yml", domain)
    (bot.root / "nlu.yml").unlink()
    bot.write("data/nlu.yml", nlu)
    bot.write("data/rules.yml", rules)


def test_each_sub_intent_is_an_intent_answered_by_its_own_response(bot) -> None:
    _write(bot)
    config = bot.load()
    assert config.domain.intents == ("greet", "faq", "faq/ask_name", "faq/ask_age")
    flows = {flow_id: ([t.intent for t in flow.nlu_trigger], [s.action for s in flow.steps]) for flow_id, flow in config.flows.items()}
    assert flows == {
        "rule_answer_faqs_faq_ask_name": (["faq/ask_name"], ["utter_faq/ask_name"]),
        "rule_answer_faqs_faq_ask_age": (["faq/ask_age"], ["utter_faq/ask_age"]),
    }
    assert config.warnings == ("bot/data/rules.yml:1:1: rules run as flows triggered by their intent: rule_answer_faqs",)


def test_a_sub_intent_without_a_response_is_a_warning(bot) -> None:
    _write(bot, nlu=NLU + "- intent: faq/ask_weather\n  examples: \"- is it sunny\"\n")
    config = bot.load()
    assert "rule_answer_faqs_faq_ask_weather" not in config.flows
    assert (
        "bot/data/rules.yml:5:13: retrieval intent 'faq/ask_weather' has examples but no response 'utter_faq/ask_weather'; it is not answered"
    ) in config.warnings


def test_retrieval_responses_may_live_in_a_data_file(bot) -> None:
    domain = DOMAIN.split("  utter_faq/ask_name")[0]
    _write(bot, domain=domain)
    bot.write("data/responses.yml", 'responses:\n  utter_faq/ask_name: [{text: "I\'m a bot."}]\n  utter_faq/ask_age: [{text: "New."}]\n')
    config = bot.load()
    assert config.domain.responses["utter_faq/ask_age"][0].text == "New."
    assert set(config.flows) == {"rule_answer_faqs_faq_ask_name", "rule_answer_faqs_faq_ask_age"}


def test_rasa_s_default_intents_may_have_examples_without_being_declared(bot) -> None:
    nlu = NLU + "".join(f"- intent: {name}\n  examples: \"- {name} example\"\n" for name in ("out_of_scope", "restart", "back", "nlu_fallback"))
    _write(bot, nlu=nlu)
    config = bot.load()
    assert {"out_of_scope", "restart", "back", "nlu_fallback"} <= set(config.domain.intents)


def test_an_unknown_intent_with_examples_is_a_warning_that_names_its_retrieval_intent(bot) -> None:
    _write(bot, nlu=NLU + "- intent: chitchat/ask_weather\n  examples: \"- sunny?\"\n")
    assert any(
        "intent 'chitchat/ask_weather' has examples but is not in the domain's intents; the NLU learns it, but nothing answers it: "
        "add its retrieval intent 'chitchat' to domain.yml" in warning
        for warning in bot.load().warnings
    )


def test_rasa_s_escaped_payload_is_checked_as_the_payload_it_sends(bot) -> None:
    domain = DOMAIN + """\
  utter_ask_feedback:
    - text: Was that useful?
      buttons:
        - {title: Yes, payload: '/greet{{"value": "positive"}}'}
        - {title: No, payload: '/gret{{"value": "negative"}}'}
        - {title: Maybe, payload: '/greet"'}
entities: [value]
"""
    _write(bot, domain=domain)
    problems = bot.problems()
    assert len(problems) == 1
    assert "button payload '/gret{{\"value\": \"negative\"}}' names unknown intent 'gret'" in problems[0]


def test_a_payload_with_a_stray_quote_is_a_warning(bot) -> None:
    domain = DOMAIN + "  utter_ask:\n    - text: Sure?\n      buttons: [{title: Yes, payload: '/greet\"'}]\n"
    _write(bot, domain=domain)
    assert (
        "bot/domain.yml:12:39: response 'utter_ask': button payload '/greet\"' ends in a stray quote; it is read as '/greet'"
    ) in bot.load().warnings


def test_rasa_s_built_in_respond_action_utters_the_sub_intent_s_response_and_needs_no_code(bot) -> None:
    # Rasa's responseselectorbot lists respond_chitchat under actions and answers with it.
    _write(bot, domain=DOMAIN + "actions:\n  - respond_faq\n  - action_hello\n", rules=RULES.replace("utter_faq", "respond_faq"))
    config = bot.load()
    assert dict(config.domain.actions) == {"action_hello": "actions:action_hello"}
    flows = {flow_id: [s.action for s in flow.steps] for flow_id, flow in config.flows.items()}
    assert flows == {"rule_answer_faqs_faq_ask_name": ["utter_faq/ask_name"], "rule_answer_faqs_faq_ask_age": ["utter_faq/ask_age"]}
