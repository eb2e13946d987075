"""A Rasa Pro CALM project (flows with descriptions, no nlu.yml, from_llm slots) loads and its flows can start."""

from __future__ import annotations

from dialog.config.rasa.calm import BACKGROUND_INTENT

# the shape of `rasa init --template tutorial` and RasaHQ/rasa-learn-live-banking
DOMAIN = """\
version: "3.1"
slots:
  recipient:
    type: text
    mappings: [{type: from_llm}]
  amount:
    type: float
    mappings: [{type: from_llm}]
responses:
  utter_ask_recipient: [{text: Who would you like to send money to?}]
  utter_ask_amount: [{text: How much money would you like to send?}]
  utter_transfer_complete: [{text: "All done. {amount} has been sent to {recipient}."}]
"""

FLOWS = """\
flows:
  transfer_money:
    description: Help users send money to friends and family.
    steps:
      - collect: recipient
      - collect: amount
        description: the number of US dollars to send
      - action: utter_transfer_complete
  ask_amount_again:
    description: Only ever called.
    steps:
      - collect: amount
  caller:
    description: Calls the other one. Then ends.
    nlu_trigger: [{intent: session_start}]
    steps:
      - call: ask_amount_again
"""

CONFIG = """\
recipe: default.v1
language: en
pipeline:
  - name: CompactLLMCommandGenerator
    llm: {model_group: openai}
policies:
  - name: FlowPolicy
"""


def _write(bot) -> None:  # type: ignore[no-untyped-def]
    bot.write("domain.yml", DOMAIN)
    (bot.root / "nlu.yml").unlink()
    bot.write("data/flows.yml", FLOWS)
    bot.write("config.yml", CONFIG)


def test_a_flow_nothing_starts_learns_its_description_as_an_intent(bot) -> None:  # type: ignore[no-untyped-def]
    _write(bot)
    config = bot.load()
    assert [t.intent for t in config.flows["transfer_money"].nlu_trigger] == ["flow_transfer_money"]
    assert not config.flows["ask_amount_again"].nlu_trigger  # a call reaches it
    texts = [e.text for e in config.nlu.examples if e.intent == "flow_transfer_money"]
    assert texts == ["Help users send money to friends and family.", "transfer money"]
    assert {"flow_transfer_money", BACKGROUND_INTENT} <= set(config.domain.intents)  # no nlu.yml: a background to tell them from
    assert any("flow 'transfer_money' has no nlu_trigger: it starts from its description and name" in w for w in config.warnings)
    assert any("Rasa component 'CompactLLMCommandGenerator' runs as spacy_tokenizer" in w for w in config.warnings)


def test_from_llm_slots_take_the_answer_to_their_question(bot) -> None:  # type: ignore[no-untyped-def]
    from dialog.flows.slot_filling import fill_slots
    from dialog.types import ParseResult

    _write(bot)
    config = bot.load()
    assert [m.type for m in config.domain.slots["amount"].mappings] == ["from_text"]
    assert fill_slots(config.domain.slots, ParseResult("$50 please", "chitchat", 0.4), {}, "amount") == {"amount": 50.0}
    assert fill_slots(config.domain.slots, ParseResult("Anna", None, 0.0), {}, "recipient") == {"recipient": "Anna"}


def test_a_project_with_examples_of_its_own_gets_no_background_intent(bot) -> None:  # type: ignore[no-untyped-def]
    _write(bot)
    bot.write("data/nlu.yml", 'version: "3.1"\nnlu:\n  - intent: greet\n    examples: |\n      - hi\n      - hello\n')
    bot.write("domain.yml", DOMAIN.replace('version: "3.1"\n', 'version: "3.1"\nintents: [greet]\n'))
    config = bot.load()
    assert BACKGROUND_INTENT not in config.domain.intents
    assert not any("has no examples" in w for w in config.warnings)


def test_an_explicitly_empty_trigger_list_keeps_a_flow_unstarted(bot) -> None:  # type: ignore[no-untyped-def]
    _write(bot)
    bot.write("data/flows.yml", FLOWS.replace("    description: Help users send money to friends and family.\n", "    description: Help users send money.\n    nlu_trigger: []\n"))
    assert not bot.load().flows["transfer_money"].nlu_trigger


def test_an_intent_named_after_a_flow_is_its_trigger_with_its_examples(bot) -> None:  # type: ignore[no-untyped-def]
    # RasaHQ/rasa-calm-hybrid-demo: flow "flow-check_balance", examples under intent "nlu-check_balance"
    _write(bot)
    bot.write("data/flows.yml", FLOWS.replace("  transfer_money:\n", "  flow-transfer_money:\n"))
    bot.write("data/nlu.yml", 'version: "3.1"\nnlu:\n  - intent: nlu-transfer_money\n    examples: |\n      - send cash to my mum\n      - wire 20 euros to Bob\n')
    bot.write("domain.yml", DOMAIN.replace('version: "3.1"\n', 'version: "3.1"\nintents: [nlu-transfer_money]\n'))
    config = bot.load()
    assert [t.intent for t in config.flows["flow-transfer_money"].nlu_trigger] == ["nlu-transfer_money"]
    texts = {e.text for e in config.nlu.examples if e.intent == "nlu-transfer_money"}
    assert {"send cash to my mum", "Help users send money to friends and family."} <= texts
