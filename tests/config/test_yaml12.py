"""Files are read as YAML 1.2, as Rasa reads them: yes/no/on/off and dates are text."""

from __future__ import annotations

import math

import pytest

from dialog.config.yaml_reader import load_yaml_text
from dialog.errors import ConfigError


@pytest.mark.parametrize("word", ["yes", "no", "on", "off", "Yes", "No", "Y", "n", "ON", "Off"])
def test_yes_no_on_off_are_text(word: str) -> None:
    assert load_yaml_text(f"a: {word}\n", "f.yml") == {"a": word}


@pytest.mark.parametrize("written", ["2030-05-06", "2001-12-14t21:59:43.10-05:00", "1_000", "1:30", "0b101"])
def test_dates_and_yaml_1_1_numbers_are_text(written: str) -> None:
    assert load_yaml_text(f"a: {written}\n", "f.yml") == {"a": written}


@pytest.mark.parametrize(
    ("written", "value"),
    [("true", True), ("False", False), ("TRUE", True), ("null", None), ("~", None), ("", None), ("12", 12), ("012", 12),
     ("-3", -3), ("0o17", 15), ("0x1F", 31), ("1.5", 1.5), ("1e3", 1000.0), ("-.inf", -math.inf), ("'yes'", "yes")],
)
def test_core_schema_scalars(written: str, value: object) -> None:
    assert load_yaml_text(f"a: {written}\n", "f.yml") == {"a": value}


def test_not_a_number_is_a_float() -> None:
    assert math.isnan(load_yaml_text("a: .nan\n", "f.yml")["a"])


def test_errors_still_point_at_line_and_column() -> None:
    with pytest.raises(ConfigError) as info:
        load_yaml_text("a: no\nb: [on, off\n", "f.yml")
    assert str(info.value.problems[0]).startswith("f.yml:3:1: invalid YAML:")


def test_an_intent_named_no_has_examples(bot) -> None:
    bot.write("domain.yml", "intents: [yes, no]\nresponses:\n  utter_ok:\n    - text: No\n")
    bot.write("nlu.yml", "nlu:\n  - intent: yes\n    examples: |\n      - sure\n  - intent: no\n    examples: |\n      - nope\n")
    config = bot.load()
    assert config.domain.intents == ("yes", "no")
    assert {example.intent for example in config.nlu.examples} == {"yes", "no"}
    assert config.domain.responses["utter_ok"][0].text == "No"


def test_slot_values_and_mapping_values_stay_text(bot) -> None:
    bot.write(
        "domain.yml",
        """\
        intents: [greet, affirm]
        slots:
          light:
            type: categorical
            values: [on, off]
            mappings: [{type: from_intent, intent: affirm, value: on}]
          agreed:
            type: text
            mappings: [{type: from_intent, intent: affirm, value: yes}]
        responses:
          utter_greet:
            - text: hi
        """,
    )
    slots = bot.load().domain.slots
    assert slots["light"].values == ("on", "off")
    assert slots["light"].mappings[0].value == "on"
    assert slots["agreed"].mappings[0].value == "yes"
