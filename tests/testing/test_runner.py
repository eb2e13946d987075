"""The story runner drives a real Bot (fixed-table NLU, fake LLM) and judges each turn."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest

from dialog.bot import Bot
from dialog.config import load_bot
from dialog.llm.fake import FakeGenerator
from dialog.stores import MemoryStore
from dialog.testing.fakes import TableParser
from dialog.testing.report import failure_report
from dialog.testing.runner import StoryRunner, sender_id_for
from dialog.testing.stories import load_story_file
from tests.minibot import MINIBOT, TABLE


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("runner") / "minibot"
    shutil.copytree(MINIBOT, root)
    return load_bot(root)


def make_runner(config) -> StoryRunner:
    parser = TableParser(TABLE, {"order_id": r"\b\d{2,}\b"})
    bot = Bot.from_config(config, store=MemoryStore(), generator=FakeGenerator("A fake reply."), nlu=parser)
    return StoryRunner(bot)


def run_file(config, tmp_path: Path, text: str, fail_fast: bool = False):
    path = tmp_path / "stories.yml"
    path.write_text(text, encoding="utf-8")
    cases = load_story_file(path)
    return asyncio.run(make_runner(config).run(cases, fail_fast=fail_fast)), path


PASSING = """
test_cases:
  - test_case: order status
    steps:
      - user: where is my order
      - intent: check_order
      - flow_started: check_order
      - utter: utter_ask_order_id
      - user: "12"
      - utter: utter_invalid_order_id
      - utter: utter_ask_order_id
      - user: "123456"
      - slot_was_set: {order_id: "123456"}
      - slot_was_set: [order_status]
      - bot: Order 123456 has shipped.
      - flow_completed: check_order
  - test_case: llm turn
    steps:
      - user: tell me a joke
      - llm_fallback: true
      - slot_was_not_set: order_id
"""


def test_passing_cases(config, tmp_path: Path) -> None:
    suite, _ = run_file(config, tmp_path, PASSING)
    assert [(r.name, r.passed) for r in suite.results] == [("order status", True), ("llm turn", True)]
    assert all(r.duration_s > 0 for r in suite.results)
    assert suite.results[0].events[0]["event"] in ("session_started", "user")


def test_a_failing_case_prints_the_documented_diff(config, tmp_path: Path) -> None:
    text = """
test_cases:
  - test_case: wrong response
    steps:
      - user: where is my order
      - utter: utter_ask_order_id
      - user: "123456"
      - utter: utter_payment_methods
"""
    suite, path = run_file(config, tmp_path, text)
    [result] = suite.results
    assert not result.passed
    report = failure_report(result).splitlines()
    assert report[0].startswith("FAIL stories.yml::wrong response (")
    assert report[1:] == [
        f"  at {path}:8: utter: utter_payment_methods",
        "  - expected: response utter_payment_methods",
        "  + actual:   response utter_status: 'Order 123456 has shipped.'",
        '    user:     "123456"',
        '    parse:    intent nlu_fallback (0.00); entities: order_id="123456"',
        "    bot said: utter_status: 'Order 123456 has shipped.'",
        '    slots:    order_status="shipped"',  # the flow ended and reset order_id
        "    flow:     (none active)",
    ]


def test_failure_shows_the_active_flow_and_an_unexpected_extra_message(config, tmp_path: Path) -> None:
    text = """
test_cases:
  - test_case: re-ask not asserted
    steps:
      - user: where is my order
      - utter: utter_ask_order_id
      - user: "12"
      - utter: utter_invalid_order_id
      - user: "123456"
"""
    suite, path = run_file(config, tmp_path, text)
    report = failure_report(suite.results[0])
    assert f"  at {path}:8: (after) utter: utter_invalid_order_id" in report
    assert "  + actual:   unexpected bot message utter_ask_order_id: 'What is your order number?'" in report
    assert "    flow:     check_order" in report
    assert "    why:      a turn that asserts bot messages must assert all of them, in order" in report


def test_rasa_stories_run_with_actions_and_annotations(config, tmp_path: Path) -> None:
    text = """
stories:
  - story: rasa style
    steps:
      - user: |
          where is my order [123456](order_id)
        intent: check_order
      - action: lookup_order
      - action: utter_status
      - slot_was_set:
          - order_id: "123456"
      - intent: payment_methods
      - action: utter_payment_methods
  - story: an annotation the NLU does not find
    steps:
      - user: where is my order [654321](order_id)
      - action: utter_status
      - user: where is my order [111111](product)
"""
    suite, _ = run_file(config, tmp_path, text)
    assert suite.results[0].passed, failure_report(suite.results[0])
    failure = suite.results[1].failure
    assert (failure.step, failure.line) == ("entity: product", 18)
    assert (failure.expected, failure.actual) == ('entity product on "111111"', 'entities: order_id="111111"')


def test_each_case_gets_a_fresh_conversation(config, tmp_path: Path) -> None:
    text = """
test_cases:
  - test_case: fills the slot
    steps:
      - user: where is my order 123456
      - slot_was_set: order_id
  - test_case: starts empty
    steps:
      - user: hi
      - slot_was_not_set: order_id
"""
    path = tmp_path / "s.yml"
    path.write_text(text, encoding="utf-8")
    cases = load_story_file(path)
    runner = make_runner(config)
    first = asyncio.run(runner.run(cases))
    again = asyncio.run(runner.run(cases))  # same runner and bot: still fresh conversations
    assert [r.passed for r in first.results + again.results] == [True] * 4
    assert sender_id_for(cases[0]) != sender_id_for(cases[1])
    assert sender_id_for(cases[0], 1) != sender_id_for(cases[0])


def test_fail_fast_stops_after_the_first_failure(config, tmp_path: Path) -> None:
    text = """
test_cases:
  - test_case: fails
    steps: [{user: hi}, {utter: utter_status}]
  - test_case: never runs
    steps: [{user: hi}]
"""
    suite, _ = run_file(config, tmp_path, text, fail_fast=True)
    assert [r.name for r in suite.results] == ["fails"]
    assert suite.stopped_early


def test_fixtures_set_slots_before_the_first_turn(config, tmp_path: Path) -> None:
    text = """
fixtures:
  - known_order:
      - order_id: "123456"
test_cases:
  - test_case: order already known
    fixtures: [known_order]
    steps:
      - user: where is my order
      - bot: Order 123456 has shipped.
"""
    suite, _ = run_file(config, tmp_path, text)
    assert suite.results[0].passed, failure_report(suite.results[0])


def test_a_fixture_of_an_unknown_slot_is_a_config_error(config, tmp_path: Path) -> None:
    from dialog.errors import ConfigError

    text = "fixtures:\n  - f: [{colour: red}]\ntest_cases:\n  - test_case: c\n    fixtures: [f]\n    steps: [{user: hi}]\n"
    with pytest.raises(ConfigError, match=r"stories.yml:4:1: test case 'c': fixture sets unknown slot 'colour'; slots: order_id, order_status"):
        run_file(config, tmp_path, text)
