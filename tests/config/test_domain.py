"""domain.yml: every section parsed, every mistake reported at its file:line:col with the valid choices."""

from __future__ import annotations

from types import MappingProxyType

import pytest

from dialog.config.models import SlotMapping
from dialog.types import Button


def test_full_domain(bot) -> None:
    bot.write(
        "domain.yml",
        """\
        version: "3.1"
        intents:
          - greet
          - inform:
              use_entities: [city]
        entities:
          - email
          - city:
              roles: [departure, destination]
              groups: [a, b]
        slots:
          email:
            type: text
            mappings:
              - type: from_entity
                entity: email
                intent: inform
          confirmed:
            type: bool
            initial_value: false
            mappings:
              - {type: from_intent, intent: greet, value: true}
              - {type: from_text, not_intent: [greet]}
          size:
            type: categorical
            values: [small, large]
          rating:
            type: float
            min_value: 1
            max_value: 5
            influence_conversation: false
          notes: {type: list, mappings: [{type: custom, action: fill_notes}]}
        responses:
          utter_greet:
            - text: "Hello {{ slots.email }}"
              buttons:
                - {title: "Yes", payload: /greet}
            - condition: [{type: slot, name: confirmed, value: true}]
              text: Welcome back
              image: https://example.com/a.png
              custom: {kind: card}
              channel: slack
              metadata: {rephrase: false}
        actions:
          fill_notes: actions:fill_notes
        session_config:
          session_expiration_time: 15
        assistant:
          name: Pat
          persona: a pirate
        """,
    )
    bot.write("nlu.yml", "nlu:\n  - intent: greet\n    examples: '- hi'\n  - intent: inform\n    examples: '- x'\n")
    bot.write("actions.py", "def fill_notes(ctx):\n    return {}\n")
    domain = bot.load().domain
    assert domain.intents == ("greet", "inform")
    assert domain.entities == ("email", "city")
    assert domain.entity_roles["city"] == ("departure", "destination")
    assert domain.entity_groups["city"] == ("a", "b")
    assert domain.slots["email"].mappings == (SlotMapping("from_entity", entity="email", intent=("inform",)),)
    assert domain.slots["email"].mark == ("bot/domain.yml", 12, 3)
    confirmed = domain.slots["confirmed"]
    assert confirmed.type == "bool" and confirmed.initial_value is False
    assert confirmed.mappings[0] == SlotMapping("from_intent", value=True, intent=("greet",))
    assert confirmed.mappings[1] == SlotMapping("from_text", not_intent=("greet",))
    assert domain.slots["size"].values == ("small", "large")
    assert (domain.slots["rating"].min_value, domain.slots["rating"].max_value) == (1.0, 5.0)
    assert domain.slots["rating"].influence_conversation is False
    assert domain.slots["notes"].mappings == (SlotMapping("custom", action="fill_notes"),)
    first, second = domain.responses["utter_greet"]
    assert first.text == "Hello {{ slots.email }}"
    assert first.buttons == (Button("Yes", "/greet"),)
    assert first.mark == ("bot/domain.yml", 35, 7)
    assert second.condition == (("confirmed", True),)
    assert second.image == "https://example.com/a.png"
    assert dict(second.custom) == {"kind": "card"}
    assert second.channel == "slack"
    assert dict(second.metadata) == {"rephrase": False}
    assert domain.actions == {"fill_notes": "actions:fill_notes"}
    assert domain.session_expiration_minutes == 15.0
    assert (domain.assistant_name, domain.persona) == ("Pat", "a pirate")


def test_domain_is_read_only(bot) -> None:
    domain = bot.load().domain
    assert isinstance(domain.slots, MappingProxyType)
    assert isinstance(domain.responses, MappingProxyType)
    with pytest.raises(TypeError):
        domain.responses["utter_x"] = ()  # type: ignore[index]


def test_rasa_action_list_maps_to_functions_in_actions_py(bot) -> None:
    bot.write(
        "domain.yml",
        """\
        intents: [greet]
        responses:
          utter_greet: [{text: hi}]
        actions:
          - utter_greet
          - action_check
          - action_send:
              send_domain: true
        """,
    )
    config = bot.load()
    assert config.domain.actions == {"action_check": "actions:action_check", "action_send": "actions:action_send"}
    assert "bot/domain.yml:8:7: 'send_domain' in action 'action_send' is accepted but ignored: actions receive an ActionContext" in config.warnings
    assert (
        "bot/domain.yml:6:5: actions action_check, action_send need module 'actions' (actions.py in bot), which does not exist"
        in config.warnings
    )


@pytest.mark.parametrize(
    ("domain", "problem"),
    [
        (
            "intents: [greet]\nslot: {}\n",
            "bot/domain.yml:2:1: unknown key 'slot' in domain (did you mean 'slots'?); valid keys: actions, assistant, config, "
            "e2e_actions, entities, forms, intents, responses, session_config, slots, version",
        ),
        (
            "intents: greet\n",
            "bot/domain.yml:1:10: 'intents' must be a list, got a string ('greet')",
        ),
        (
            "intents: [greet, {a: 1, b: 2}]\n",
            "bot/domain.yml:1:18: each item of 'intents' must be a name or a mapping {name: {...}} with one key",
        ),
        (
            "intents: [greet]\nslots:\n  x:\n    type: txt\n",
            "bot/domain.yml:4:11: slot 'x': unknown type 'txt' (did you mean 'text'?); valid types: text, bool, float, int, "
            "categorical, list, date, time, any",
        ),
        (
            "intents: [greet]\nslots:\n  x: {mappings: []}\n",
            "bot/domain.yml:3:6: slot 'x': missing required key 'type'",
        ),
        (
            "intents: [greet]\nslots:\n  x:\n    type: text\n    mapping: []\n",
            "bot/domain.yml:5:5: unknown key 'mapping' in slot 'x' (did you mean 'mappings'?); valid keys: auto_fill, "
            "influence_conversation, initial_value, mappings, max_value, min_value, type, values",
        ),
        (
            "intents: [greet]\nslots:\n  x: {type: categorical}\n",
            "bot/domain.yml:3:6: slot 'x': a categorical slot needs a non-empty 'values' list",
        ),
        (
            "intents: [greet]\nslots:\n  x: {type: text, min_value: 1}\n",
            "bot/domain.yml:3:19: slot 'x': 'min_value' only applies to float and int slots, not text",
        ),
        (
            "intents: [greet]\nslots:\n  x: {type: bool, initial_value: maybe}\n",
            "bot/domain.yml:3:34: slot 'x': initial_value must suit a bool slot, got a string ('maybe')",
        ),
        (
            "intents: [greet]\nslots:\n  x: {type: date, initial_value: tomorrow}\n",
            "bot/domain.yml:3:34: slot 'x': initial_value of a date slot must be an ISO date such as '2030-05-07', got a string ('tomorrow')",
        ),
        (
            "intents: [greet]\nslots:\n  x: {type: time, initial_value: 2030-05-07}\n",
            "bot/domain.yml:3:34: slot 'x': initial_value of a time slot must be an ISO time such as '2030-05-07T15:00:00+02:00', got a string ('2030-05-07')",
        ),
        (
            "intents: [greet]\nslots:\n  x: {type: categorical, values: [a, b], initial_value: c}\n",
            "bot/domain.yml:3:57: slot 'x': initial_value 'c' is not one of its values: a, b",
        ),
        (
            "intents: [greet]\nslots:\n  x:\n    type: text\n    mappings:\n      - type: from_entity\n",
            "bot/domain.yml:6:9: slot 'x' mapping from_entity: missing required key 'entity'",
        ),
        (
            "intents: [greet]\nslots:\n  x:\n    type: text\n    mappings:\n      - type: from_entiti\n",
            "bot/domain.yml:6:15: slot 'x': unknown mapping type 'from_entiti' (did you mean 'from_entity'?); valid types: "
            "from_entity, from_intent, from_text, custom",
        ),
        (
            "intents: [greet]\nslots:\n  x:\n    type: text\n    mappings:\n      - type: from_text\n        entity: e\n",
            "bot/domain.yml:7:9: unknown key 'entity' in slot 'x' mapping from_text; valid keys: conditions, intent, not_intent, type",
        ),
        (
            "intents: [greet]\nresponses:\n  utter_a:\n    - txt: hi\n",
            "bot/domain.yml:4:7: unknown key 'txt' in response 'utter_a' (did you mean 'text'?); valid keys: attachment, button_type, buttons, "
            "channel, condition, custom, elements, id, image, metadata, quick_replies, text",
        ),
        (
            "intents: [greet]\nresponses:\n  utter_a: hi\n",
            "bot/domain.yml:3:12: response 'utter_a' must be a list, got a string ('hi')",
        ),
        (
            "intents: [greet]\nresponses:\n  utter_a:\n    - text: hi\n      buttons: [{title: A, pay: /a}]\n",
            "bot/domain.yml:5:28: unknown key 'pay' in response 'utter_a' button; valid keys: payload, title",
        ),
        (
            "intents: [greet]\nresponses:\n  utter_a:\n    - text: hi\n      condition: [{type: intent, name: a, value: 1}]\n",
            "bot/domain.yml:5:26: response 'utter_a' condition: type must be 'slot', got a string ('intent')",
        ),
        (
            "intents: [greet]\nactions:\n  lookup: actions.lookup\n",
            "bot/domain.yml:3:11: action 'lookup' must be 'module:function' (e.g. actions:lookup), got 'actions.lookup'",
        ),
        (
            "intents: [greet]\nsession_config:\n  session_expiration_time: soon\n",
            "bot/domain.yml:3:28: session_config: 'session_expiration_time' must be a number, got a string ('soon')",
        ),
        (
            "intents: [greet]\nassistant:\n  name: Pat\n  personality: x\n",
            "bot/domain.yml:4:3: unknown key 'personality' in assistant (did you mean 'persona'?); valid keys: name, persona",
        ),
    ],
)
def test_domain_problem(bot, domain: str, problem: str) -> None:
    bot.write("domain.yml", domain)
    assert problem in bot.problems()


def test_all_problems_of_a_file_at_once(bot) -> None:
    bot.write(
        "domain.yml",
        """\
        intents: [greet]
        slots:
          a: {type: strng}
          b: {type: text, mappings: [{type: from_entity, entity: nope}]}
        responses:
          utter_greet: [{text: "{{ slots.c }}"}]
        """,
    )
    assert bot.problems() == [
        "bot/domain.yml:3:13: slot 'a': unknown type 'strng'; valid types: text, bool, float, int, categorical, list, date, time, any",
        "bot/domain.yml:4:3: slot 'b': mapping from unknown entity 'nope'; known entities: (none)",
        "bot/domain.yml:6:24: response 'utter_greet': unknown slot 'c' in template; known slots: b",
    ]


def test_rasa_keys_that_change_nothing_are_warnings(bot) -> None:
    bot.write(
        "domain.yml",
        """\
        version: "3.1"
        intents: [greet]
        config:
          store_entities_as_slots: true
        session_config:
          session_expiration_time: 60
          carry_over_slots_to_new_session: true
        forms:
          order_form:
            required_slots: [email]
        """,
    )
    config = bot.load()
    assert config.domain.forms == {"order_form": {"required_slots": ["email"]}}
    assert config.warnings == (
        "bot/domain.yml:4:3: 'store_entities_as_slots' in domain config is accepted but ignored: slots are filled through their mappings",
        "bot/domain.yml:7:3: 'carry_over_slots_to_new_session' in session_config is accepted but ignored: a new session starts with empty slots",
        "bot/domain.yml:9:3: form 'order_form' is not run here: no rule or story starts it; write a flow with collect steps in flows.yml",
    )


def test_an_unknown_key_of_an_intent_is_a_warning_as_rasa_accepts_it(bot) -> None:
    # Abhijeet-14/hotelBot: a typo Rasa's schema lets through (intent maps allow any key)
    bot.write("domain.yml", 'version: "3.1"\nintents:\n  - greet:\n      use_entities_key: [people]\n')
    assert bot.load().warnings == (
        "bot/domain.yml:4:7: unknown key 'use_entities_key' in intent 'greet' (did you mean 'use_entities'?) is ignored, as Rasa does; "
        "valid keys: ignore_entities, is_retrieval_intent, triggers, use_entities",
    )


def test_unknown_slot_in_response_condition(bot) -> None:
    bot.write(
        "domain.yml",
        """\
        intents: [greet]
        slots:
          status: {type: text}
        responses:
          utter_greet:
            - condition: [{type: slot, name: stauts, value: x}]
              text: hi
        """,
    )
    assert bot.problems() == [
        "bot/domain.yml:6:38: response 'utter_greet' condition: unknown slot 'stauts' (did you mean 'status'?); known slots: status"
    ]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('"{{ slots.x "', "response 'utter_greet': invalid template: unexpected end of template, expected 'end of print statement'. (template line 1)"),
        ('"{{ user.name }}"', "response 'utter_greet': unknown name 'user' in template; templates may use: context, latest_message, now, sender_id, slots, today"),
        ("\"{{ slots['emial'] }}\"", "response 'utter_greet': unknown slot 'emial' in template (did you mean 'email'?); known slots: email"),
        ('"{{ slots.get(\'mail\') }}"', "response 'utter_greet': unknown slot 'mail' in template (did you mean 'email'?); known slots: email"),
    ],
)
def test_response_template_problems(bot, text: str, problem: str) -> None:
    bot.write("domain.yml", f"intents: [greet]\nslots:\n  email: {{type: text}}\nresponses:\n  utter_greet:\n    - text: {text}\n")
    assert bot.problems() == [f"bot/domain.yml:6:13: {problem}"]


def test_templates_may_use_loops_and_the_allowed_names(bot) -> None:
    bot.write(
        "domain.yml",
        """\
        intents: [greet]
        slots:
          items: {type: list}
        responses:
          utter_greet:
            - text: "{% for i in slots['items'] %}{{ i }} {% endfor %}{{ sender_id }} {{ latest_message.text }} {{ slots.get('items') }}{% set n = 2 %}{% for j in range(n) %}{{ j }}{% endfor %}"
        """,
    )
    assert bot.load().domain.responses["utter_greet"][0].text.startswith("{% for")


def test_a_rasa_placeholder_of_a_slot_is_filled_without_a_warning(bot) -> None:
    bot.write("domain.yml", "intents: [greet]\nslots:\n  name: {type: text}\nresponses:\n  utter_greet:\n    - text: Hi {name}!\n")
    assert bot.load().warnings == ()


def test_a_rasa_placeholder_that_names_no_slot_is_a_warning(bot) -> None:
    bot.write("domain.yml", "intents: [greet]\nslots:\n  name: {type: text}\nresponses:\n  utter_greet:\n    - text: Hi {nmae}!\n")
    assert bot.load().warnings == (
        "bot/domain.yml:6:13: response 'utter_greet': '{nmae}' names no slot, so it is shown as is (did you mean 'name'?)",
    )


@pytest.mark.parametrize(
    ("button", "problem"),
    [
        (
            "{title: 'Yes', payload: /afirm}",
            "bot/domain.yml:7:41: response 'utter_greet': button payload '/afirm' names unknown intent 'afirm' (did you mean 'affirm'?); "
            "known intents: affirm, greet",
        ),
        (
            '{title: "Yes", payload: \'/affirm{"colour": "red"}\'}',
            "bot/domain.yml:7:41: response 'utter_greet': button payload '/affirm{\"colour\": \"red\"}' sets undeclared entity 'colour'; "
            "known entities: size",
        ),
        (
            "{title: 'Yes', payload: '/affirm{oops'}",
            "bot/domain.yml:7:41: response 'utter_greet': button payload '/affirm{oops' is malformed; write /intent, "
            '/intent{\"entity\": \"value\"} or /SetSlots(slot=value)',
        ),
        (
            "{title: 'Yes', payload: '/SetSlots(sise=large)'}",
            "bot/domain.yml:7:41: response 'utter_greet': button payload '/SetSlots(sise=large)' sets unknown slot 'sise' "
            "(did you mean 'size'?); known slots: size",
        ),
        (
            "{title: '{{ slots.sise }}', payload: /affirm}",
            "bot/domain.yml:7:25: response 'utter_greet': unknown slot 'sise' in template (did you mean 'size'?); known slots: size",
        ),
    ],
)
def test_button_problems(bot, button: str, problem: str) -> None:
    bot.write(
        "domain.yml",
        "intents: [greet, affirm]\nentities: [size]\nslots:\n  size: {type: text}\nresponses:\n  utter_greet:\n"
        f"    - buttons: [{button}]\n",
    )
    bot.write("nlu.yml", "nlu:\n- intent: greet\n  examples: '- hi'\n- intent: affirm\n  examples: '- yes'\n")
    assert bot.problems() == [problem]


def test_builtin_and_templated_payloads_are_fine(bot) -> None:
    bot.write(
        "domain.yml",
        """\
        intents: [greet]
        slots:
          size: {type: text}
        responses:
          utter_greet:
            - buttons:
                - {title: Restart, payload: /restart}
                - {title: "{{ slots.size }}", payload: '/greet{"size": "{{ slots.size }}"}'}
        """,
    )
    assert len(bot.load().domain.responses["utter_greet"][0].buttons) == 2


def test_an_unquoted_yes_title_is_text_as_in_rasa_s_yaml_1_2(bot) -> None:
    bot.write("domain.yml", "intents: [greet]\nresponses:\n  utter_greet:\n    - text: No\n      buttons: [{title: Yes, payload: /greet}]\n")
    response = bot.load().domain.responses["utter_greet"][0]
    assert (response.text, response.buttons[0].title) == ("No", "Yes")


def test_an_unquoted_true_title_gets_a_quoting_hint(bot) -> None:
    bot.write("domain.yml", "intents: [greet]\nresponses:\n  utter_greet:\n    - buttons: [{title: true, payload: /greet}]\n")
    assert bot.problems() == [
        "bot/domain.yml:4:25: response 'utter_greet' button: 'title' must be a string or an integer or a number, got a boolean "
        "(true); quote it to keep it as text (YAML reads true/false as booleans)"
    ]


def test_date_and_time_slots_hold_iso_text(bot) -> None:
    bot.write("domain.yml", "intents: [greet]\nslots:\n  day: {type: date, initial_value: 2030-05-07}\n  at: {type: time, initial_value: '2030-05-07T15:00:00+02:00'}\n")
    slots = bot.load().domain.slots
    assert (slots["day"].initial_value, slots["at"].initial_value) == ("2030-05-07", "2030-05-07T15:00:00+02:00")


def test_a_top_level_key_rasa_would_ignore_is_a_warning_but_a_typo_stays_an_error(bot) -> None:  # type: ignore[no-untyped-def]
    bot.write("domain.yml", "intents: [greet]\nentity_synonyms:\n  NYC: New York\nresponses:\n  utter_greet: [{text: Hi}]\n")
    assert any("unknown key 'entity_synonyms' in domain is ignored, as Rasa does" in w for w in bot.load().warnings)
    bot.write("domain.yml", "intents: [greet]\nrespones:\n  utter_greet: [{text: Hi}]\n")
    assert any("unknown key 'respones' in domain (did you mean 'responses'?)" in p for p in bot.problems())


def test_an_unknown_filter_or_test_in_a_template_is_an_error_before_it_runs(bot) -> None:  # type: ignore[no-untyped-def]
    bot.write("domain.yml", "intents: [greet]\nslots:\n  email: {type: text}\nresponses:\n  utter_greet:\n    - text: \"{{ slots.email | lowr }} {{ 'x' if slots.email is emailish }}\"\n")
    problems = bot.problems()
    assert problems[0].startswith("bot/domain.yml:6:13: response 'utter_greet': unknown filter 'lowr' in template (did you mean 'lower'?); filters: ")
    assert problems[1].startswith("bot/domain.yml:6:13: response 'utter_greet': unknown test 'emailish' in template; tests: ")
