"""``dialog test`` end to end on a small bot with its real (TF-IDF) NLU and the fake LLM."""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from dialog.cli import cli
from dialog.config import load_bot
from dialog.nlu.training import train_model

MINIBOT = Path(__file__).parents[1] / "data" / "minibot"

GOOD = """
test_cases:
  - test_case: greet
    steps:
      - user: hi
      - utter: utter_greet
  - test_case: order status
    steps:
      - user: where is my order
      - flow_started: check_order
      - utter: utter_ask_order_id
      - user: "123456"
      - slot_was_set: {order_id: "123456"}
      - bot: Order 123456 has shipped.
  - test_case: joke goes to the llm
    steps:
      - user: tell me a joke
      - llm_fallback: true
"""
BAD = """
test_cases:
  - test_case: payment answered wrongly
    steps:
      - user: how can I pay
      - utter: utter_greet
  - test_case: greet after the failure
    steps:
      - user: hi
      - utter: utter_greet
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``domains/minibot`` with a trained model and ``stories/minibot/{good,bad}.yml``."""
    root = tmp_path_factory.mktemp("project")
    shutil.copytree(MINIBOT, root / "domains" / "minibot")
    (root / "stories" / "minibot").mkdir(parents=True)
    (root / "stories" / "minibot" / "good.yml").write_text(GOOD, encoding="utf-8")
    (root / "stories" / "minibot" / "bad.yml").write_text(BAD, encoding="utf-8")
    train_model(load_bot(root / "domains" / "minibot"))
    return root


def dialog_test(project: Path, *args: str):
    return CliRunner().invoke(cli, ["test", str(project / "domains" / "minibot"), *args, "--llm", "fake"])


def case_lines(output: str) -> list[str]:
    """The per-case lines (printed first, before any failure report) without their times."""
    first_block = output.split("\n\n", 1)[0]
    return [re.sub(r" \(\d+\.\d\ds\)$", "", line) for line in first_block.splitlines() if re.match(r"^(PASS|FAIL|ERROR) ", line)]


def test_help() -> None:
    result = CliRunner().invoke(cli, ["test", "--help"])
    assert result.exit_code == 0
    for option in ("--junit", "--fail-fast", "-k", "-n", "--coverage", "--llm"):
        assert option in result.output


def test_passing_stories_exit_0(project: Path) -> None:
    result = dialog_test(project, str(project / "stories" / "minibot" / "good.yml"))
    assert result.exit_code == 0, result.output
    assert case_lines(result.stdout) == ["PASS good.yml::greet", "PASS good.yml::order status", "PASS good.yml::joke goes to the llm"]
    assert result.stdout.rstrip().splitlines()[-1].startswith("3 passed in ")


def test_default_story_folder_and_failures_exit_1_with_the_diff(project: Path) -> None:
    result = dialog_test(project)
    assert result.exit_code == 1
    assert case_lines(result.stdout) == [
        "FAIL bad.yml::payment answered wrongly",
        "PASS bad.yml::greet after the failure",
        "PASS good.yml::greet",
        "PASS good.yml::order status",
        "PASS good.yml::joke goes to the llm",
    ]
    assert "bad.yml:6: utter: utter_greet\n  - expected: response utter_greet\n  + actual:   response utter_payment_methods: 'We take cards.'" in result.stdout
    assert "    parse:    intent payment_methods (" in result.stdout
    assert result.stdout.rstrip().splitlines()[-1].startswith("4 passed, 1 failed in ")


def test_k_selects_cases_and_fail_fast_stops(project: Path) -> None:
    result = dialog_test(project, "-k", "order", "-k", "GREET AFTER")
    assert result.exit_code == 0
    assert case_lines(result.stdout) == ["PASS bad.yml::greet after the failure", "PASS good.yml::order status"]
    result = dialog_test(project, "-x")
    assert result.exit_code == 1
    assert case_lines(result.stdout) == ["FAIL bad.yml::payment answered wrongly"]
    assert "(stopped at the first failure: --fail-fast)" in result.stdout


def test_no_matching_case_is_a_usage_error(project: Path) -> None:
    result = dialog_test(project, "-k", "nothing like this")
    assert result.exit_code == 2
    assert "no test cases to run" in result.output


def test_junit_and_coverage(project: Path, tmp_path: Path) -> None:
    junit = tmp_path / "results.xml"
    result = dialog_test(project, "--junit", str(junit), "--coverage")
    assert result.exit_code == 1
    suite = ET.parse(junit).getroot().find("testsuite")
    assert (suite.attrib["name"], suite.attrib["tests"], suite.attrib["failures"]) == ("minibot", "5", "1")
    assert "coverage:\n  flows      3/4 (75%)" in result.stdout
    assert "  handoff\n" in result.stdout
    assert "responses no case produced:\n  utter_invalid_order_id\n" in result.stdout


@pytest.mark.parametrize(
    ("last_step", "where", "message"),
    [
        ("uter: utter_greet", "5:9", "a step needs exactly one of: user, utter"),  # a broken story file
        ("utter: utter_gret", "5:16", "test case 'x': unknown response 'utter_gret'; did you mean 'utter_greet'?"),  # a name the bot lacks
    ],
)
def test_a_bad_story_is_a_config_error_with_its_position(project: Path, tmp_path: Path, last_step: str, where: str, message: str) -> None:
    story = tmp_path / "story.yml"
    story.write_text(f"test_cases:\n  - test_case: x\n    steps:\n      - user: hi\n      - {last_step}\n", encoding="utf-8")
    result = dialog_test(project, str(story))
    assert result.exit_code == 2
    assert f"{story}:{where}: {message}" in result.output


def test_a_case_that_names_what_the_bot_lacks_fails_and_the_others_run(project: Path, tmp_path: Path) -> None:
    # Rasa runs the rest and fails that story (Abhijeet-14/hotelBot's tests have `faq/chcek_in`)
    story = tmp_path / "story.yml"
    story.write_text(
        "test_cases:\n  - test_case: typo\n    steps:\n      - user: hi\n      - utter: utter_gret\n"
        "  - test_case: fine\n    steps:\n      - user: hi\n      - utter: utter_greet\n",
        encoding="utf-8",
    )
    result = dialog_test(project, str(story))
    assert result.exit_code == 1
    assert f"error: {story}:5:16: test case 'typo': unknown response 'utter_gret'; did you mean 'utter_greet'?" in result.output
    assert "1 passed, 1 failed" in result.stdout
    assert "not run: fix the test case" in result.stdout


def test_parallel_gives_the_same_results_as_serial(project: Path) -> None:
    serial = dialog_test(project)
    parallel = dialog_test(project, "-n", "2")
    assert parallel.exit_code == serial.exit_code == 1
    # results are released in case order: the whole output is the same but for times
    assert re.sub(r"\d+\.\d\ds", "T", parallel.stdout) == re.sub(r"\d+\.\d\ds", "T", serial.stdout)


def test_default_story_folder_lookup_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from types import SimpleNamespace

    from dialog.commands.test import default_story_dir
    from dialog.errors import ConfigError

    domain = tmp_path / "project" / "domains" / "shop"
    (domain / "tests").mkdir(parents=True)
    config = SimpleNamespace(name="shop")
    monkeypatch.chdir(tmp_path)
    assert default_story_dir(domain, config) == Path("project/domains/shop/tests")  # a Rasa project's tests/
    (tmp_path / "stories" / "shop").mkdir(parents=True)
    assert default_story_dir(domain, config) == Path("stories/shop")  # under the current directory
    (tmp_path / "project" / "stories" / "shop").mkdir(parents=True)
    assert default_story_dir(domain, config) == Path("project/stories/shop")  # beside domains/
    with pytest.raises(ConfigError, match="no story folder found"):
        default_story_dir(tmp_path / "elsewhere" / "x" / "other", SimpleNamespace(name="other"))


def test_trains_a_missing_model_and_retrains_a_stale_one(tmp_path: Path) -> None:
    domain = tmp_path / "domains" / "minibot"
    shutil.copytree(MINIBOT, domain)
    stories = tmp_path / "good.yml"
    stories.write_text(GOOD, encoding="utf-8")

    def run() -> str:
        result = CliRunner().invoke(cli, ["test", str(domain), str(stories), "--llm", "fake"])
        assert result.exit_code == 0, result.output
        return result.stderr

    assert "trained the NLU model" in run()  # no model yet
    assert "trained the NLU model" not in run()  # up to date: reused
    nlu = domain / "nlu.yml"
    nlu.write_text(nlu.read_text(encoding="utf-8").replace("      - hi\n", "      - hi\n      - hiya\n", 1), encoding="utf-8")
    assert "trained the NLU model" in run()  # the data changed: stale


APPOINTMENTS = Path(__file__).parents[1] / "data" / "appointments"

UNFROZEN = """
test_cases:
  - test_case: delivery tomorrow
    steps:
      - user: schedule my delivery
      - utter: utter_ask_delivery_date
      - user: tomorrow
      - slot_was_set: {delivery_date: 2030-05-07}
"""


@pytest.fixture(scope="module")
def appointments(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The date/time bot (duckling_entities, date and time slots) with a trained model."""
    root = tmp_path_factory.mktemp("appointments") / "appointments"
    shutil.copytree(APPOINTMENTS, root, ignore=shutil.ignore_patterns(".dialog"))
    train_model(load_bot(root))
    return root


def test_stories_that_freeze_now_pass_on_any_day(appointments: Path) -> None:
    result = CliRunner().invoke(cli, ["test", str(appointments), "--llm", "fake"])
    assert result.exit_code == 0, result.output
    assert "5 passed" in result.output


def test_now_option_freezes_cases_without_their_own_now(appointments: Path, tmp_path: Path) -> None:
    stories = tmp_path / "unfrozen.yml"
    stories.write_text(UNFROZEN, encoding="utf-8")
    frozen = CliRunner().invoke(cli, ["test", str(appointments), str(stories), "--llm", "fake", "--now", "2030-05-06T10:00:00"])
    assert frozen.exit_code == 0, frozen.output
    later = CliRunner().invoke(cli, ["test", str(appointments), str(stories), "--llm", "fake", "--now", "2030-06-01T10:00:00"])
    assert later.exit_code == 1
    assert "this turn set it to \"2030-06-02\"" in later.output


def test_a_bad_now_option_is_a_usage_error(appointments: Path) -> None:
    result = CliRunner().invoke(cli, ["test", str(appointments), "--llm", "fake", "--now", "next tuesday"])
    assert result.exit_code == 2
    assert "'next tuesday' is not an ISO date and time such as 2030-05-06T10:00:00" in result.output
