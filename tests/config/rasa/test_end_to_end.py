"""Rasa's end-to-end training stories (Rasa's e2ebot): a ``bot:`` text is its response,
and a ``user:`` text is learnt as the intent that other stories answer the same way."""

from __future__ import annotations

DOMAIN = """\
version: "3.1"
intents: [greet, affirm, deny, search_restaurant]
responses:
  utter_greet: [{text: "hi!"}]
  utter_suggest_cuisine:
  - text: "how about greek food?"
  - text: "how about sushi?"
  utter_search_restaurants: [{text: "great! here's what I found ..."}]
"""

NLU = """\
version: "3.1"
nlu:
- intent: greet
  examples: "- hi"
- intent: affirm
  examples: "- yes"
- intent: deny
  examples: "- no"
- intent: search_restaurant
  examples: "- I'm hungry"
"""

STORIES = """\
stories:
- story: accepts suggestion
  steps:
  - intent: search_restaurant
  - action: utter_suggest_cuisine
  - intent: affirm
  - action: utter_search_restaurants
- story: rejects suggestion
  steps:
  - intent: search_restaurant
  - action: utter_suggest_cuisine
  - intent: deny
  - action: utter_suggest_cuisine
- story: accepts suggestion, indirectly
  steps:
  - intent: search_restaurant
  - bot: "how about sushi?"
  - user: "I can always go for sushi"
  - action: utter_search_restaurants
- story: rejects suggestion, indirectly
  steps:
  - intent: search_restaurant
  - action: utter_suggest_cuisine
  - user: "I had that yesterday"
  - action: utter_suggest_cuisine
"""


def _load(bot, stories: str = STORIES):
    bot.write("domain.yml", DOMAIN)
    (bot.root / "nlu.yml").unlink()
    bot.write("data/nlu.yml", NLU)
    bot.write("data/stories.yml", stories)
    return bot.load()


def _examples(config, intent: str) -> list[str]:
    return [example.text for example in config.nlu.examples if example.intent == intent]


def test_a_user_text_is_learnt_as_the_intent_answered_the_same_way_after_the_same_action(bot) -> None:
    config = _load(bot)
    assert _examples(config, "affirm") == ["yes", "I can always go for sushi"]
    assert _examples(config, "deny") == ["no", "I had that yesterday"]  # not search_restaurant, also answered by a suggestion
    assert "bot/data/stories.yml:18:5: story 'accepts suggestion, indirectly': user text 'I can always go for sushi' is learnt as an example of intent 'affirm'" in config.warnings


def test_a_bot_text_stands_for_its_response(bot) -> None:
    config = _load(bot)
    flows = {flow_id: [step.action for step in flow.steps] for flow_id, flow in config.flows.items()}
    assert flows["story_search_restaurant"] == ["utter_suggest_cuisine"]  # every story, the text one too, agrees


def test_a_user_text_no_intent_answers_alike_is_named_and_not_learnt(bot) -> None:
    stories = STORIES + """\
- story: text answered by a greeting
  steps:
  - intent: search_restaurant
  - action: utter_suggest_cuisine
  - user: "what a lovely day"
  - action: utter_greet
- story: unknown bot text
  steps:
  - intent: greet
  - bot: "good evening, sir"
- story: nothing answers
  steps:
  - user: "hello there"
"""
    config = _load(bot, stories)
    assert not [example for example in config.nlu.examples if example.text == "what a lovely day"]
    assert (
        "bot/data/stories.yml:30:5: story 'text answered by a greeting': user text 'what a lovely day' is not learnt: it is "
        "answered with utter_greet, and no intent's stories do; give the step an intent"
    ) in config.warnings
    assert "bot/data/stories.yml:35:5: story 'unknown bot text': bot text 'good evening, sir' is skipped: no response has it as a text" in config.warnings
    assert "bot/data/stories.yml:38:5: story 'nothing answers': user text 'hello there' is not learnt: no action answers it; give the step an intent" in config.warnings
