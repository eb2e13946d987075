"""Safe YAML with positions: duplicate keys, syntax errors, tags and encodings point at file:line:col."""

from __future__ import annotations

import pytest

from dialog.config.yaml_reader import LocatedList, LocatedMap, load_yaml_text, to_plain
from dialog.errors import ConfigError


def test_every_key_value_and_item_has_a_position() -> None:
    data = load_yaml_text("a: 1\nlist:\n  - x\n  - {b: 2}\n", "f.yml")
    assert isinstance(data, LocatedMap)
    assert data.key_mark("list") == (2, 1)
    assert data.value_mark("a") == (1, 4)
    items = data["list"]
    assert isinstance(items, LocatedList)
    assert items.item_marks == [(3, 5), (4, 5)]
    assert items[1].key_mark("b") == (4, 6)
    assert to_plain(data) == {"a": 1, "list": ["x", {"b": 2}]}
    assert type(to_plain(data)) is dict


def test_duplicate_key(bot) -> None:
    bot.write("domain.yml", 'version: "3.1"\nintents: [greet]\nintents: [bye]\n')
    assert bot.problems() == ["bot/domain.yml:3:1: duplicate key 'intents' (first defined on line 2)"]


def test_every_duplicate_key_of_a_file_is_reported(bot) -> None:
    bot.write(
        "domain.yml",
        """\
        intents: [greet]
        responses:
          utter_greet:
            - text: hi
          utter_greet:
            - text: hello
        intents: [greet]
        """,
    )
    assert bot.problems() == [
        "bot/domain.yml:5:3: duplicate key 'utter_greet' (first defined on line 3)",
        "bot/domain.yml:7:1: duplicate key 'intents' (first defined on line 1)",
    ]


def test_bad_indentation(bot) -> None:
    bot.write("domain.yml", "intents:\n  - greet\n responses: {}\n")
    assert bot.problems() == [
        "bot/domain.yml:3:2: invalid YAML: while parsing a block mapping, expected <block end>, but found '<block mapping start>'"
    ]


def test_tab_indentation(bot) -> None:
    bot.write("domain.yml", "intents:\n\t- greet\n")
    (problem,) = bot.problems()
    assert problem.startswith("bot/domain.yml:2:1: invalid YAML: ")
    assert "found character '\\t' that cannot start any token" in problem


def test_python_tag_is_rejected(bot) -> None:
    bot.write("domain.yml", "intents: !!python/object/apply:os.system ['echo hacked']\n")
    assert bot.problems() == [
        "bot/domain.yml:1:10: unsupported YAML tag '!!python/object/apply:os.system'; only standard YAML types are allowed"
    ]


def test_python_scalar_tag_and_custom_tag_are_rejected(bot) -> None:
    bot.write("domain.yml", "version: !!python/name:os.system\nintents: [!include other.yml]\n")
    assert bot.problems() == [
        "bot/domain.yml:1:10: unsupported YAML tag '!!python/name:os.system'; only standard YAML types are allowed",
        "bot/domain.yml:2:11: unsupported YAML tag '!include'; only standard YAML types are allowed",
    ]


def test_non_utf8_file(bot) -> None:
    bot.write("nlu.yml", "nlu:\n  - intent: greet\n    examples: |\n      - caf\xe9\n".encode("latin-1"))
    assert bot.problems() == [
        "bot/nlu.yml:4:12: not UTF-8 text: byte 0xe9 (invalid continuation byte); save the file as UTF-8"
    ]


def test_empty_files_are_empty_mappings(bot) -> None:
    bot.write("domain.yml", "")
    bot.write("nlu.yml", "# nothing yet\n")
    config = bot.load()
    assert config.domain.intents == ()
    assert config.nlu.examples == ()


def test_syntax_error_in_text_is_reported_with_its_path() -> None:
    with pytest.raises(ConfigError) as info:
        load_yaml_text("a: [1, 2\n", "x/flows.yml")
    assert str(info.value).startswith("x/flows.yml:2:1: invalid YAML: ")


def test_top_level_must_be_a_mapping(bot) -> None:
    bot.write("domain.yml", "- greet\n- bye\n")
    assert bot.problems() == ["bot/domain.yml:1:1: domain must be a mapping, got a list"]


def test_one_document_per_file(bot) -> None:
    bot.write("nlu.yml", "nlu: []\n---\nnlu: []\n")
    assert bot.problems() == [
        "bot/nlu.yml:2:1: invalid YAML: expected a single document in the stream, but found another document"
    ]
