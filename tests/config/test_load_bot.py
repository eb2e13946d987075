"""load_bot as a whole: Rasa 3 files load unchanged, folders merge, the result is immutable and quick."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

import pytest

from dialog.config import load_bot
from dialog.errors import ConfigError

# A Rasa 3 domain as Rasa's docs write them (forms, session carry-over, media responses).
RASA_DOMAIN = """\
version: "3.1"

intents:
  - greet
  - goodbye
  - affirm
  - deny
  - mood_great
  - mood_unhappy
  - bot_challenge
  - request_restaurant:
      use_entities: true
  - inform
  - out_of_scope

entities:
  - cuisine
  - number
  - city:
      roles:
        - departure
        - destination

slots:
  cuisine:
    type: text
    influence_conversation: false
    mappings:
      - type: from_entity
        entity: cuisine
        conditions:
          - active_loop: restaurant_form
            requested_slot: cuisine
  num_people:
    type: float
    min_value: 1
    max_value: 20
    mappings:
      - type: from_entity
        entity: number
        not_intent: deny
  outdoor_seating:
    type: bool
    mappings:
      - type: from_intent
        intent: affirm
        value: true
      - type: from_intent
        intent: deny
        value: false
  departure:
    type: text
    mappings:
      - type: from_entity
        entity: city
        role: departure
  seating_pref:
    type: categorical
    values:
      - indoor
      - outdoor
    mappings:
      - type: from_trigger_intent
        intent: request_restaurant
        value: indoor
  feedback:
    type: text
    mappings:
      - type: from_text
        intent: inform
  preferences:
    type: list
    mappings:
      - type: custom
        action: action_set_preferences
  anything:
    type: any
    initial_value: 42
    mappings:
      - type: custom

responses:
  utter_greet:
    - text: "Hey! How are you?"
      buttons:
        - title: "great"
          payload: "/mood_great"
        - title: "super sad"
          payload: "/mood_unhappy"
  utter_cheer_up:
    - text: "Here is something to cheer you up:"
      image: "https://i.imgur.com/nGF1K8f.jpg"
  utter_did_that_help:
    - text: "Did that help you?"
  utter_happy:
    - text: "Great, carry on!"
  utter_goodbye:
    - text: "Bye"
      channel: "slack"
    - text: "Goodbye!"
  utter_iamabot:
    - text: "I am a bot, powered by Rasa."
  utter_ask_cuisine:
    - text: "What cuisine?"
    - custom:
        blocks:
          - type: section
            text:
              text: "What cuisine would you like?"
              type: mrkdwn
  utter_ask_num_people:
    - condition:
        - type: slot
          name: cuisine
          value: italian
      text: "How many people for the pizza?"
      metadata:
        rephrase: true
    - text: "How many people?"

actions:
  - action_set_preferences
  - validate_restaurant_form
  - utter_greet

forms:
  restaurant_form:
    required_slots:
      - cuisine
      - num_people
      - outdoor_seating

session_config:
  session_expiration_time: 60
  carry_over_slots_to_new_session: true

config:
  store_entities_as_slots: true
"""

# A Rasa 3 nlu.yml as Rasa's docs write them.
RASA_NLU = """\
version: "3.1"

nlu:
- intent: greet
  examples: |
    - hey
    - hello
    - hi
    - good morning
- intent: goodbye
  examples: |
    - bye
    - goodbye
- intent: affirm
  examples: |
    - yes
    - y
    - indeed
- intent: deny
  examples: |
    - no
    - n
    - never
- intent: mood_great
  examples: |
    - perfect
    - amazing
- intent: mood_unhappy
  examples: |
    - my day was horrible
    - I am sad
- intent: bot_challenge
  examples: |
    - are you a bot?
- intent: request_restaurant
  examples: |
    - I'm looking for a place to eat
    - find me [italian](cuisine) food for [4](number) people
    - book a table for [two](number:2)
- intent: inform
  metadata:
    sentiment: neutral
  examples:
  - text: |
      [chinese](cuisine) please
    metadata:
      sentiment: happy
  - text: |
      fly from [Berlin]{"entity": "city", "role": "departure"} to [Rome]{"entity": "city", "role": "destination"}
- intent: out_of_scope
  examples: |
    - what's the weather
- synonym: chinese
  examples: |
    - chines
    - chinese food
- regex: number
  examples: |
    - \\d+
- lookup: cuisine
  examples: |
    - italian
    - chinese
    - mexican
"""


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_rasa3_domain_and_nlu_load_unchanged(tmp_path: Path) -> None:
    _write(tmp_path, {"domain.yml": RASA_DOMAIN, "nlu.yml": RASA_NLU})
    config = load_bot(tmp_path)
    domain, nlu = config.domain, config.nlu
    assert len(domain.intents) == 10
    assert domain.entity_roles["city"] == ("departure", "destination")
    assert domain.slots["num_people"].max_value == 20.0
    assert domain.slots["seating_pref"].mappings == ()  # from_trigger_intent: set by a form's flow (rasa/trigger_fills.py); no form starts here
    assert domain.slots["anything"].initial_value == 42
    assert domain.responses["utter_cheer_up"][0].image == "https://i.imgur.com/nGF1K8f.jpg"
    assert domain.responses["utter_goodbye"][0].channel == "slack"
    assert domain.responses["utter_ask_cuisine"][1].custom["blocks"][0]["type"] == "section"
    assert domain.responses["utter_ask_num_people"][0].condition == (("cuisine", "italian"),)
    assert set(domain.actions) == {"action_set_preferences", "validate_restaurant_form"}
    assert "restaurant_form" in domain.forms
    assert len(nlu.examples) == 23
    inform = [example for example in nlu.examples if example.intent == "inform"]
    assert inform[0].text == "chinese please"
    assert [(e.entity, e.value, e.role) for e in inform[1].entities] == [("city", "Berlin", "departure"), ("city", "Rome", "destination")]
    assert nlu.synonyms["two"] == "2" and nlu.synonyms["chinese food"] == "chinese"
    assert nlu.lookups["cuisine"] == ("italian", "chinese", "mexican")
    warnings = "\n".join(config.warnings)
    for expected in ("'use_entities' in intent", "'conditions' in slot 'cuisine'", "from_trigger_intent", "carry_over_slots_to_new_session", "is not run here: no rule or story starts it", "store_entities_as_slots"):
        assert expected in warnings


def test_files_and_folders_are_merged(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "domain.yml": "intents: [greet]\nresponses:\n  utter_greet: [{text: hi}]\n",
            "domain/more.yml": "intents: [bye]\nresponses:\n  utter_bye: [{text: bye}]\n",
            "nlu/greet.yml": "nlu:\n- intent: greet\n  examples: '- hi'\n",
            "nlu/sub/bye.yaml": "nlu:\n- intent: bye\n  examples: '- bye'\n",
            "nlu/README.md": "not yaml, ignored",
            "flows/a.yml": "flows:\n  greet:\n    steps: [{action: utter_greet}]\n",
            "flows/b.yml": "flows:\n  bye:\n    steps: [{action: utter_bye}]\n",
        },
    )
    config = load_bot(tmp_path)
    assert config.domain.intents == ("greet", "bye")
    assert set(config.domain.responses) == {"utter_greet", "utter_bye"}
    assert [example.text for example in config.nlu.examples] == ["hi", "bye"]
    assert list(config.flows) == ["greet", "bye"]
    assert config.flows["bye"].path == str(tmp_path / "flows" / "b.yml")


def test_duplicate_flow_ids_across_files_are_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _write(
        tmp_path / "bot",
        {
            "domain.yml": "intents: [greet]\nresponses:\n  utter_greet: [{text: hi}]\n",
            "nlu.yml": "nlu:\n- intent: greet\n  examples: '- hi'\n",
            "flows/a.yml": "flows:\n  greet:\n    steps: [{action: utter_greet}]\n",
            "flows/b.yml": "flows:\n  other: {steps: [{action: utter_greet}]}\n  greet:\n    steps: [{action: utter_greet}]\n",
        },
    )
    with pytest.raises(ConfigError) as info:
        load_bot("bot")
    assert str(info.value) == "bot/flows/b.yml:3:3: flow 'greet' is defined twice (first at bot/flows/a.yml:2:3)"


def test_duplicate_response_across_domain_files_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _write(
        tmp_path / "bot",
        {
            "domain/a.yml": "intents: [greet]\nresponses:\n  utter_greet: [{text: hi}]\n",
            "domain/b.yml": "responses:\n  utter_greet: [{text: hello}]\n",
        },
    )
    with pytest.raises(ConfigError) as info:
        load_bot("bot")
    assert "bot/domain/b.yml:2:3: response 'utter_greet' is defined twice (first at bot/domain/a.yml:3:3)" in str(info.value)


def test_problems_in_several_files_are_reported_together(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _write(
        tmp_path / "bot",
        {
            "domain.yml": "intents: [greet]\nslotz: {}\n",
            "nlu.yml": "nlu:\n- intent: greet\n  examples: '- hi'\n  extra: 1\n",
            "config.yml": "pipeline:\n- name: nope\n",
        },
    )
    with pytest.raises(ConfigError) as info:
        load_bot("bot")
    assert [f"{p.path}:{p.line}:{p.column}" for p in info.value.problems] == ["bot/config.yml:2:9", "bot/domain.yml:2:1", "bot/nlu.yml:4:3"]


def test_missing_folder_and_missing_domain(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="bot folder does not exist"):
        load_bot(tmp_path / "nope")
    with pytest.raises(ConfigError) as info:
        load_bot(tmp_path)
    assert str(info.value) == f"{tmp_path}/domain.yml: missing domain.yml (or a domain/ folder of YAML files)"


def test_bot_config_is_immutable(tmp_path: Path) -> None:
    _write(tmp_path, {"domain.yml": RASA_DOMAIN, "nlu.yml": RASA_NLU, "flows.yml": "flows:\n  f:\n    steps: [{action: utter_greet}]\n"})
    config = load_bot(tmp_path)
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.domain = None  # type: ignore[misc]
    for mapping in (config.flows, config.domain.slots, config.domain.responses, config.domain.actions, config.nlu.synonyms, config.nlu.lookups):
        with pytest.raises(TypeError):
            mapping["x"] = 1  # type: ignore[index]
    assert isinstance(config.nlu.examples, tuple) and isinstance(config.flows["f"].steps, tuple)


def test_loading_is_fast_and_imports_no_heavy_library(tmp_path: Path) -> None:
    import subprocess
    import sys

    nlu = "version: '3.1'\nnlu:\n" + "".join(
        f"- intent: intent_{i}\n  examples: |\n" + "".join(f"    - example {j} of [thing {j}](thing) number {i}\n" for j in range(30)) for i in range(20)
    )
    domain = "intents: [" + ", ".join(f"intent_{i}" for i in range(20)) + "]\nentities: [thing]\n"
    _write(tmp_path, {"domain.yml": domain, "nlu.yml": nlu})
    load_bot(tmp_path)  # warm
    started = time.perf_counter()
    config = load_bot(tmp_path)
    elapsed = time.perf_counter() - started
    assert len(config.nlu.examples) == 600
    assert elapsed < 0.5, f"loading 600 examples took {elapsed:.3f}s"  # ~30 ms on an idle machine; CI is shared
    code = (
        "import sys; from dialog.config import load_bot; load_bot(sys.argv[1]); "
        "print(sorted(m for m in ('spacy', 'sklearn', 'torch', 'transformers') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_a_rasa_project_data_folder_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _write(
        tmp_path / "bot",
        {
            "domain.yml": "intents: [greet]\nresponses:\n  utter_greet: [{text: hi}]\n",
            "data/nlu.yml": "version: '3.1'\nnlu:\n- intent: greet\n  examples: '- hi'\n",
            "data/rules.yml": "version: '3.1'\nrules:\n- rule: greet\n  steps: [{intent: greet}, {action: utter_greet}]\n",
            "data/flows.yml": "flows:\n  greet:\n    steps: [{action: utter_greet}]\n",
        },
    )
    config = load_bot("bot")
    assert [example.text for example in config.nlu.examples] == ["hi"]
    assert list(config.flows) == ["greet", "rule_greet"]  # the rule runs as a flow (tests/config/rasa/test_dialogue.py)
    assert config.warnings == ("bot/data/rules.yml:2:1: rules run as flows triggered by their intent: rule_greet",)


def test_configured_cancel_intents_missing_from_the_domain_warn(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _write(
        tmp_path / "bot",
        {
            "domain.yml": "intents: [greet]\n",
            "nlu.yml": "nlu:\n- intent: greet\n  examples: '- hi'\n",
            "config.yml": "cancel_intents: [abort, stop]\n",
        },
    )
    assert load_bot("bot").warnings == ("bot/config.yml: cancel_intents: intent 'abort' is not in the domain, so it never cancels a flow",)


def test_a_file_instead_of_the_folder_gets_a_hint(tmp_path: Path) -> None:
    _write(tmp_path, {"domain.yml": "intents: []\n"})
    with pytest.raises(ConfigError) as info:
        load_bot(tmp_path / "domain.yml")
    assert str(info.value) == f"{tmp_path}/domain.yml: is a file; pass the bot folder that holds domain.yml (e.g. {tmp_path})"


def test_duplicate_slot_and_action_across_domain_files_are_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _write(
        tmp_path / "bot",
        {
            "domain/a.yml": "intents: [greet]\nslots:\n  size: {type: text}\nactions: [check_size]\n",
            "domain/b.yml": "slots:\n  size: {type: text}\nactions:\n  - check_size\n",
            "actions.py": "def check_size(context):\n    return []\n",
        },
    )
    with pytest.raises(ConfigError) as info:
        load_bot("bot")
    message = str(info.value)
    assert "bot/domain/b.yml:2:3: slot 'size' is defined twice (first at bot/domain/a.yml:3:3)" in message
    assert "bot/domain/b.yml:4:5: action 'check_size' is defined twice (first at bot/domain/a.yml:4:11)" in message
