"""``dialog validate``: every problem on its own line and exit 2, or a one-line summary and exit 0."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from dialog.cli import cli

MINIBOT = Path(__file__).parents[1] / "data" / "minibot"


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _bot(root: Path, **files: str) -> None:
    root.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")


def test_help() -> None:
    result = CliRunner().invoke(cli, ["validate", "--help"])
    assert result.exit_code == 0
    assert "Check the bot in DOMAIN" in result.output


def test_valid_bot_prints_a_summary(in_tmp: Path) -> None:
    _bot(
        in_tmp / "bot",
        **{
            "domain.yml": "intents: [greet, bye]\nentities: [name]\nslots:\n  name: {type: text}\nresponses:\n  utter_greet: [{text: hi}]\n",
            "nlu.yml": "nlu:\n- intent: greet\n  examples: |\n    - hi\n    - I am [Ann](name)\n- intent: bye\n  examples: '- bye'\n",
            "flows.yml": "flows:\n  greet:\n    steps: [{action: utter_greet}]\n",
        },
    )
    result = CliRunner().invoke(cli, ["validate", "bot"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "bot: 2 intents, 3 examples, 1 entity, 1 slot, 1 flow, 1 response\n"
    assert result.stderr == ""


def test_every_problem_is_printed_and_the_exit_code_is_2(in_tmp: Path) -> None:
    _bot(
        in_tmp / "bot",
        **{
            "domain.yml": "intents: [greet]\nslot: {}\nresponses:\n  utter_greet: [{text: hi}]\n",
            "nlu.yml": "nlu:\n- intent: greet\n  examples: |\n    - hi [x](nope)\n",
            "flows.yml": "flows:\n  greet:\n    steps:\n      - action: utter_greet\n        next: ask\n",
        },
    )
    result = CliRunner().invoke(cli, ["validate", "bot"])
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines == [
        "error: 2 problems:",
        "bot/domain.yml:2:1: unknown key 'slot' in domain (did you mean 'slots'?); valid keys: actions, assistant, config, "
        "e2e_actions, entities, forms, intents, responses, session_config, slots, version",
        "bot/flows.yml:5:15: flow 'greet': step '0_action_utter_greet' links to unknown step 'ask'; known steps: 0_action_utter_greet, END",
    ]


def test_warnings_are_printed_unless_quiet(in_tmp: Path) -> None:
    _bot(
        in_tmp / "bot",
        **{
            "domain.yml": "intents: [greet, bye]\nresponses:\n  utter_greet: [{text: hi}]\nforms:\n  survey: {required_slots: []}\n",
            "nlu.yml": "nlu:\n- intent: greet\n  examples: '- hi'\n",
        },
    )
    result = CliRunner().invoke(cli, ["validate", "bot"])
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        "warning: bot/domain.yml:1:18: intent 'bye' has no examples in the NLU data; only a button payload '/bye' can reach it",
        "warning: bot/domain.yml:5:3: form 'survey' is not run here: no rule or story starts it; write a flow with collect steps in flows.yml",
    ]
    quiet = CliRunner().invoke(cli, ["validate", "--quiet", "bot"])
    assert quiet.exit_code == 0 and quiet.stderr == ""


def test_missing_folder_is_a_clear_error(in_tmp: Path) -> None:
    result = CliRunner().invoke(cli, ["validate", "no/such/bot"])
    assert result.exit_code == 2
    assert result.stderr == "error: no/such/bot: bot folder does not exist; expected a folder with domain.yml, nlu.yml, flows.yml and config.yml\n"


def test_shipped_test_bot_is_valid() -> None:
    result = CliRunner().invoke(cli, ["validate", str(MINIBOT)])
    assert result.exit_code == 0, result.output


def test_an_action_whose_function_is_missing_or_whose_module_fails_to_import(in_tmp: Path) -> None:
    _bot(
        in_tmp / "bot",
        **{
            "domain.yml": (
                "intents: [greet]\nresponses:\n  utter_greet: [{text: hi}]\nactions:\n"
                "  lookup: actions:lookup_ordr\n  broken: broken:run\n"
            ),
            "nlu.yml": "nlu:\n- intent: greet\n  examples: |\n    - hi\n    - hello\n",
            "flows.yml": "flows:\n  greet:\n    steps: [{action: utter_greet}]\n",
            "actions.py": "def lookup_order(ctx):\n    return {}\n",
            "broken.py": "import no_such_module_here\n\ndef run(ctx):\n    return {}\n",
        },
    )
    result = CliRunner().invoke(cli, ["validate", "bot"])
    assert result.exit_code == 2
    assert "bot/domain.yml:5:3: action 'lookup': actions.py in" in result.stderr
    assert "has no function 'lookup_ordr'" in result.stderr
    assert "bot/domain.yml:6:3: action 'broken': importing broken failed: ModuleNotFoundError" in result.stderr


def test_unreadable_documents_are_errors_and_other_files_warnings(in_tmp: Path) -> None:
    _bot(in_tmp / "bot", **{"domain.yml": "intents: [greet]\nresponses:\n  utter_greet: [{text: hi}]\n", "nlu.yml": "nlu:\n- intent: greet\n  examples: '- hi'\n"})
    knowledge = in_tmp / "bot" / "knowledge"
    knowledge.mkdir()
    (knowledge / "faq.md").write_text("# FAQ\n\nWe ship in 3 days.\n", encoding="utf-8")
    (knowledge / "logo.png").write_bytes(b"\x89PNG")
    result = CliRunner().invoke(cli, ["validate", "bot"])
    assert result.exit_code == 0, result.output
    assert "1 document (1 chunks)" in result.stdout
    assert "warning: knowledge: skipping 'logo.png'" in result.stderr
    (knowledge / "manual.md").write_bytes(b"PK\x03\x04\x00\x00binary")
    (knowledge / "old.txt").write_bytes("caf\u00e9".encode("latin-1"))
    result = CliRunner().invoke(cli, ["validate", "bot"])
    assert result.exit_code == 2
    assert "bot/knowledge/manual.md: knowledge: a binary file, not text" in result.stderr
    assert "bot/knowledge/old.txt:1:4: knowledge: not UTF-8 text" in result.stderr
