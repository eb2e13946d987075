"""Rasa's from_trigger_intent: the intent that starts a form sets a slot, as in Rasa."""

from __future__ import annotations

import asyncio

DOMAIN = """\
version: "3.1"
intents: [open_incident, password_reset, inform]
entities: [email]
slots:
  email: {type: text, mappings: [{type: from_entity, entity: email}]}
  incident_title:
    type: text
    mappings:
      - type: from_trigger_intent
        intent: password_reset
        value: Problem resetting password
        conditions: [{active_loop: incident_form}]
      - type: from_text
        conditions: [{active_loop: incident_form, requested_slot: incident_title}]
  unused:
    type: text
    mappings: [{type: from_trigger_intent, intent: inform, value: x}]
forms:
  incident_form:
    required_slots: [email, incident_title]
responses:
  utter_ask_email: [{text: Your email?}]
  utter_ask_incident_title: [{text: What should we call it?}]
  utter_done: [{text: "Opened '{incident_title}' for {email}."}]
"""

RULES = """\
rules:
- rule: start
  steps:
  - or: [{intent: open_incident}, {intent: password_reset}]
  - action: incident_form
  - active_loop: incident_form
- rule: submit
  condition: [{active_loop: incident_form}]
  steps:
  - action: incident_form
  - active_loop: null
  - action: utter_done
"""


def _write(bot) -> None:
    bot.write("domain.yml", DOMAIN)
    (bot.root / "nlu.yml").unlink(missing_ok=True)
    bot.write("data/nlu.yml", "nlu:\n- intent: open_incident\n  examples: '- open a ticket'\n- intent: password_reset\n  examples: '- reset my password'\n- intent: inform\n  examples: '- [a@b.co](email)'\n")
    bot.write("data/rules.yml", RULES)


def test_the_form_s_flow_sets_the_slot_when_that_intent_starts_it(bot) -> None:
    _write(bot)
    config = bot.load()
    steps = config.flows["form_incident_form"].steps
    assert [step.id for step in steps[:3]] == ["started_by", "trigger_fill_0", "ask_first_slot"]
    assert "bot/domain.yml:17:16: slot 'unused': from_trigger_intent mapping sets nothing: no form it applies to is started by inform" in config.warnings


def test_a_conversation_gets_the_title_from_the_intent_or_asks_for_it(bot) -> None:
    from dialog.bot import Bot
    from dialog.stores import MemoryStore
    from dialog.testing.fakes import TableParser
    from dialog.types import Message

    _write(bot)
    parser = TableParser({"reset my password": "password_reset", "open a ticket": "open_incident", "": "inform"}, {"email": r"\S+@\S+"})
    chatbot = Bot.from_config(bot.load(), store=MemoryStore(), nlu=parser, llm=False)

    async def chat(sender: str, *texts: str) -> list[list[str]]:
        return [[reply.text for reply in await chatbot.handle(Message(sender, text))] for text in texts]

    async def both() -> tuple[list[list[str]], list[list[str]]]:
        reset = await chat("a", "reset my password", "me@x.io")
        ticket = await chat("b", "open a ticket", "me@x.io", "Printer on fire")
        await chatbot.close()
        return reset, ticket

    reset, ticket = asyncio.run(both())
    assert reset == [["Your email?"], ["Opened 'Problem resetting password' for me@x.io."]]
    assert ticket == [["Your email?"], ["What should we call it?"], ["Opened 'Printer on fire' for me@x.io."]]


def test_malformed_trigger_mappings_are_reported_never_a_crash(bot) -> None:
    import pytest

    from dialog.errors import ConfigError

    for mapping in ("{type: from_trigger_intent}", "{type: from_trigger_intent, intent: 5, value: x}",
                    "{type: from_trigger_intent, intent: [password_reset, 3], value: [1], conditions: [{active_loop: 7}, x]}",
                    "{type: from_trigger_intent, intent: password_reset, value: x, conditions: {active_loop: incident_form}}"):
        _write(bot)
        bot.write("domain.yml", DOMAIN.replace("mappings: [{type: from_trigger_intent, intent: inform, value: x}]", f"mappings: [{mapping}]"))
        try:
            bot.load()
        except ConfigError:
            pytest.fail(f"{mapping} should load with warnings at most")
