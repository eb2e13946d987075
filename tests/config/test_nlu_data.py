"""nlu.yml in Rasa 3 format: examples, synonyms, regexes, lookups, and problems at the exact example line."""

from __future__ import annotations

import pytest

from dialog.types import Entity, TrainingExample

DOMAIN = """\
version: "3.1"
intents: [greet, check_order_status, buy]
entities: [order_id, product, city]
"""


@pytest.fixture
def nlu_bot(bot):
    bot.write("domain.yml", DOMAIN)
    return bot


def test_design_example_loads(nlu_bot) -> None:
    nlu_bot.write(
        "nlu.yml",
        """\
        version: "3.1"
        nlu:
          - intent: check_order_status
            examples: |
              - where is my order [123456](order_id)
              - track order [#234567]{"entity": "order_id", "value": "234567"}
          - synonym: wireless headphones
            examples: |
              - headphones
              - Earbuds
          - regex: order_id
            examples: |
              - \\b#?\\d{6}\\b
          - lookup: product
            examples: |
              - running shoes
              - yoga mat
          - intent: greet
            examples:
              - hi
              - yes
              - text: hello there
                metadata: {sentiment: neutral}
            metadata: {source: docs}
          - intent: buy
            examples: |
              - buy [earbuds](product:wireless headphones)
        """,
    )
    nlu = nlu_bot.load().nlu
    assert nlu.examples[:2] == (
        TrainingExample("where is my order 123456", "check_order_status", (Entity("order_id", "123456", 18, 24),)),
        TrainingExample("track order #234567", "check_order_status", (Entity("order_id", "234567", 12, 19),)),
    )
    assert [e.text for e in nlu.examples if e.intent == "greet"] == ["hi", "yes", "hello there"]
    assert dict(nlu.synonyms) == {
        "#234567": "234567",
        "headphones": "wireless headphones",
        "earbuds": "wireless headphones",
    }
    assert nlu.regexes == (("order_id", r"\b#?\d{6}\b"),)
    assert dict(nlu.lookups) == {"product": ("running shoes", "yoga mat")}
    assert nlu.intents == ("buy", "check_order_status", "greet")


def test_intent_blocks_in_several_places_are_merged(nlu_bot) -> None:
    nlu_bot.write(
        "nlu.yml",
        "nlu:\n- intent: greet\n  examples: '- hi'\n- intent: buy\n  examples: '- buy it'\n- intent: greet\n  examples: '- hey'\n",
    )
    nlu_bot.write("domain.yml", "intents: [greet, buy]\n")
    assert [(e.intent, e.text) for e in nlu_bot.load().nlu.examples] == [("greet", "hi"), ("buy", "buy it"), ("greet", "hey")]


@pytest.mark.parametrize(
    ("nlu", "problem"),
    [
        (
            "nlu:\n  - intent: greet\n    examples: |\n      - hi\n      - [x]{\"entity\": \"city\", }\n",
            "bot/nlu.yml:5:7: intent 'greet': entity annotation [x]{\"entity\": \"city\", } is not valid JSON (Expecting property name enclosed in double quotes)",
        ),
        (
            "nlu:\n  - regex: order_id\n    examples: |\n      - \\d{6}\n      - ([0-9]\n",
            "bot/nlu.yml:5:7: regex 'order_id': invalid pattern '([0-9]': missing ), unterminated subpattern at position 0",
        ),
        (
            "nlu:\n  - intent: greet\n    example: |\n      - hi\n",
            "bot/nlu.yml:3:5: unknown key 'example' in intent 'greet' (did you mean 'examples'?); valid keys: examples, intent, metadata",
        ),
        (
            "nlu:\n  - intent: greet\n    synonym: x\n    examples: '- hi'\n",
            "bot/nlu.yml:2:5: each 'nlu' item needs exactly one of intent, synonym, regex, lookup; found intent and synonym",
        ),
        (
            "nlu:\n  - intnt: greet\n",
            "bot/nlu.yml:2:5: each 'nlu' item needs exactly one of intent, synonym, regex, lookup; found none",
        ),
        (
            "nlu:\n  - intent: greet\n",
            "bot/nlu.yml:2:5: intent 'greet': missing required key 'examples'",
        ),
        (
            "nlu:\n  - intent: [greet]\n    examples: '- hi'\n",
            "bot/nlu.yml:2:13: 'intent' must be a name, got a list",
        ),
        (
            "nlu:\n  intent: greet\n",
            "bot/nlu.yml:2:3: 'nlu' must be a list, got a mapping",
        ),
        (
            "nlu:\n  - intent: greet\n    examples:\n      - text: hi\n        meta: {}\n",
            "bot/nlu.yml:5:9: unknown key 'meta' in intent 'greet' example; valid keys: metadata, text",
        ),
    ],
)
def test_nlu_problem(nlu_bot, nlu: str, problem: str) -> None:
    nlu_bot.write("nlu.yml", nlu)
    assert problem in nlu_bot.problems()


def test_an_intent_missing_from_the_domain_is_a_warning_and_still_learned_as_in_rasa(nlu_bot) -> None:
    nlu_bot.write("nlu.yml", "nlu:\n  - intent: greet\n    examples: '- hi'\n  - intent: farewell\n    examples: |\n      - bye\n")
    config = nlu_bot.load()
    assert (
        "bot/nlu.yml:4:13: intent 'farewell' has examples but is not in the domain's intents; the NLU learns it, but nothing "
        "answers it: add it to domain.yml (known intents: buy, check_order_status, greet)"
    ) in config.warnings
    assert "farewell" in config.nlu.intents


def test_rasa_responses_in_nlu_data_are_the_domain_s_and_empty_intents_are_warnings(nlu_bot) -> None:
    nlu_bot.write(
        "nlu.yml",
        """\
        version: "3.1"
        nlu:
          - intent: greet
            examples: |
              - hi
        responses:
          utter_greet: [{text: hi}]
        """,
    )
    config = nlu_bot.load()
    assert config.warnings == (
        "bot/domain.yml:2:18: intent 'check_order_status' has no examples in the NLU data; only a button payload '/check_order_status' can reach it",
        "bot/domain.yml:2:38: intent 'buy' has no examples in the NLU data; only a button payload '/buy' can reach it",
    )
    assert config.domain.responses["utter_greet"][0].text == "hi"
    assert config.domain.responses["utter_greet"][0].mark == ("bot/nlu.yml", 7, 17)


def test_conflicting_synonyms_and_duplicate_examples_are_warnings(nlu_bot) -> None:
    nlu_bot.write("domain.yml", "intents: [greet, buy]\nentities: [product]\n")
    nlu_bot.write(
        "nlu.yml",
        """\
        nlu:
          - intent: greet
            examples: |
              - hi
          - intent: buy
            examples: |
              - hi
              - buy [buds](product:earbuds)
          - synonym: headphones
            examples: |
              - buds
        """,
    )
    assert nlu_bot.load().warnings == (
        "bot/nlu.yml:7:7: example 'hi' of intent 'buy' is also an example of 'greet'",
        "bot/nlu.yml:11:7: synonym 'buds' maps to 'headphones' here but to 'earbuds' at bot/nlu.yml:8:7; keeping 'earbuds'",
    )


def test_undeclared_role_is_a_warning(nlu_bot) -> None:
    nlu_bot.write("domain.yml", "intents: [greet]\nentities:\n  - city:\n      roles: [from]\n")
    nlu_bot.write("nlu.yml", 'nlu:\n- intent: greet\n  examples: |\n    - to [Rome]{"entity": "city", "role": "to"}\n')
    assert nlu_bot.load().warnings == (
        "bot/nlu.yml:4:5: entity 'city': role 'to' is not listed in the domain; known roles: from",
    )


def test_a_block_line_without_a_dash_is_skipped_with_a_warning_as_in_rasa(nlu_bot) -> None:
    nlu_bot.write("domain.yml", "intents: [greet]\n")
    nlu_bot.write("nlu.yml", "nlu:\n  - intent: greet\n    examples: |\n      - hi\n      # a comment\n      hello\n")
    config = nlu_bot.load()
    assert [example.text for example in config.nlu.examples] == ["hi"]
    assert config.warnings == ("bot/nlu.yml:6:7: intent 'greet': skipped 'hello': each example line must start with '- '",)


def test_quotes_around_a_block_example_are_kept_with_a_warning(nlu_bot) -> None:
    nlu_bot.write("domain.yml", "intents: [affirm]\n")
    nlu_bot.write("nlu.yml", "nlu:\n  - intent: affirm\n    examples: |\n      - \"ok\"\n      - it's 'fine'\n")
    config = nlu_bot.load()
    assert [example.text for example in config.nlu.examples] == ['"ok"', "it's 'fine'"]
    assert config.warnings == (
        "bot/nlu.yml:4:7: intent 'affirm': the quotes of \"ok\" are part of the example's text here (no YAML in a '|' block); drop them",
    )


def test_an_undeclared_entity_is_a_warning_as_in_rasa(bot) -> None:
    bot.write("nlu.yml", "nlu:\n  - intent: greet\n    examples: |\n      - hi\n\n      - from [Paris](town)\n")
    assert "bot/nlu.yml:6:7: entity 'town' is annotated but not declared in the domain's entities, so no slot can use it; " in "".join(bot.load().warnings)


def test_an_unknown_top_level_key_of_an_nlu_file_is_a_warning_as_rasa_accepts_it(bot) -> None:
    # Checcolino1312/chatbot_forms: `regex:` and `lookup:` written at the top level, which Rasa drops silently
    bot.write("nlu.yml", "version: '3.1'\nnlu:\n  - intent: greet\n    examples: |\n      - hi\n      - hello\nregex:\n  - regex: t\n")
    assert (
        "bot/nlu.yml:7:1: unknown key 'regex' in NLU file is ignored, as Rasa does; valid keys: nlu, responses, rules, stories, version"
    ) in bot.load().warnings

