"""Stories that answer an intent differently as a slot says, and rules with only a slot condition."""

from __future__ import annotations

from dialog.config.rasa.story_slots import PRESENT, SlotFacts, slot_guards
from dialog.config.yaml_reader import load_yaml_text

DOMAIN = """\
version: "3.1"
intents: [book_ticket, ask_topic, greet]
entities: [movie_name, topic]
slots:
  movie_name:
    type: text
    mappings: [{type: from_entity, entity: movie_name}]
  topic:
    type: categorical
    values: [company, payment, process]
    mappings: [{type: from_entity, entity: topic}]
responses:
  utter_ask_movie_name: [{text: Which movie?}]
  utter_booked: [{text: Booked.}]
  utter_company: [{text: We sell houses.}]
  utter_payment: [{text: We take bank transfers.}]
  utter_greet: [{text: Hi!}]
"""

NLU = """\
version: "3.1"
nlu:
- intent: book_ticket
  examples: |
    - a ticket for [Avatar](movie_name)
    - I want to book a ticket
- intent: ask_topic
  examples: |
    - tell me about your [company](topic)
    - how does [payment](topic) work
- intent: greet
  examples: "- hi"
"""

STORIES = """\
version: "3.1"
stories:
- story: a movie named
  steps:
  - intent: book_ticket
    entities:
    - movie_name: Avatar
  - action: utter_booked
- story: a movie named before
  steps:
  - intent: greet
  - action: utter_greet
  - slot_was_set:
    - movie_name: Inception
  - intent: book_ticket
  - action: utter_booked
- story: no movie named
  steps:
  - intent: book_ticket
  - action: utter_ask_movie_name
"""

RULES = """\
version: "3.1"
rules:
- rule: company info
  condition:
  - slot_was_set:
    - topic: company
  steps:
  - action: utter_company
- rule: payment info
  condition:
  - slot_was_set:
    - topic: payment
  steps:
  - action: utter_payment
"""


def _write(bot, stories: str = STORIES, rules: str = RULES) -> None:  # type: ignore[no-untyped-def]
    bot.write("domain.yml", DOMAIN)
    (bot.root / "nlu.yml").unlink()
    bot.write("data/nlu.yml", NLU)
    bot.write("data/stories.yml", stories)
    bot.write("data/rules.yml", rules)


def test_a_story_s_slots_at_each_user_turn_come_from_entities_and_slot_was_set() -> None:
    facts = SlotFacts.read([])
    facts.valued, facts.present, facts.filled_by = {"topic"}, {"movie_name"}, {"movie_name": {"movie_name"}, "topic": {"topic"}}
    steps = load_yaml_text(STORIES, "stories.yml")["stories"][1]["steps"]
    found = facts.at_user_turns(steps)
    assert [sorted(found[id(step)]) for step in steps if "intent" in step] == [[], [("movie_name", PRESENT)]]


def test_one_slot_that_tells_the_answers_apart_guards_them_and_the_unset_one_is_the_default() -> None:
    named = frozenset({("movie_name", PRESENT)})
    assert slot_guards([[named, named], [frozenset()]]) == ["slots['movie_name'] is not none", None]
    company, process, payment = (frozenset({("topic", value)}) for value in ("company", "process", "payment"))
    assert slot_guards([[company], [process, payment]]) == ["slots['topic'] == 'company'", "slots['topic'] in ['payment', 'process']"]
    assert slot_guards([[named, frozenset()], [frozenset()]]) is None  # unset in both: the stories disagree


def test_stories_that_answer_as_a_slot_says_become_guarded_flows(bot) -> None:  # type: ignore[no-untyped-def]
    _write(bot)
    config = bot.load()
    named = config.flows["story_book_ticket_when_movie_name_is_not_none"]
    assert (named.guard, [step.action for step in named.steps]) == ("slots['movie_name'] is not none", ["utter_booked"])
    default = config.flows["story_book_ticket"]
    assert (default.guard, [step.action for step in default.steps]) == (None, ["utter_ask_movie_name"])
    assert any("stories answer intent 'book_ticket' as a slot says: utter_booked when slots['movie_name'] is not none; utter_ask_movie_name otherwise" in w
               for w in config.warnings)


def test_a_rule_with_only_a_slot_condition_runs_after_a_message_that_can_set_the_slot(bot) -> None:  # type: ignore[no-untyped-def]
    _write(bot)
    config = bot.load()
    company = config.flows["rule_company_info"]
    assert [t.intent for t in company.nlu_trigger] == ["ask_topic"]  # its examples annotate the topic entity
    assert company.guard == "slots['topic'] == 'company'" and [step.action for step in company.steps] == ["utter_company"]
    assert "bot/data/rules.yml:3:3: rule 'company info' has no intent: it runs after a message of ask_topic when slots['topic'] == 'company'" in config.warnings


def test_a_slot_rule_no_intent_can_trigger_is_left_out_with_the_reason(bot) -> None:  # type: ignore[no-untyped-def]
    _write(bot)
    bot.write("data/nlu.yml", NLU.replace("[company](topic)", "company").replace("[payment](topic)", "payment"))
    config = bot.load()
    assert "rule_company_info" not in config.flows
    assert any("rule 'company info' is not run here: no intent sets topic" in w for w in config.warnings)
