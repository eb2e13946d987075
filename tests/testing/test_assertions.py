"""Rasa Pro ``assertions:`` under user steps: read into steps, judged on the turn."""

from __future__ import annotations

from pathlib import Path

import pytest

from dialog.errors import ConfigError
from dialog.testing.cases import ANY_VALUE, Step
from dialog.testing.matching import TurnChecker
from dialog.testing.results import Turn
from dialog.testing.stories import load_story_file

CASES = """
test_cases:
  - test_case: cancel with assertions
    steps:
      - user: I want to cancel order 234567
        assertions:
          - flow_started: cancel_order
          - slot_was_set:
              - name: order_id
                value: "234567"
              - name: cancellable
          - slot_was_not_set:
              - name: confirmed
          - bot_uttered:
              utter_name: utter_ask_confirmed
              text_matches: "cancel order \\\\d{6}\\\\?"
          - action_executed: lookup_order
          - flow_completed:
              flow_id: cancel_order
              flow_step_id: confirm
"""


def test_assertions_become_steps(tmp_path: Path) -> None:
    path = tmp_path / "a.yml"
    path.write_text(CASES, encoding="utf-8")
    [case] = load_story_file(path)
    assert [(s.kind, s.value) for s in case.steps] == [
        ("user", "I want to cancel order 234567"),
        ("flow_started", "cancel_order"),
        ("slot_was_set", ("order_id", "234567")),
        ("slot_was_set", ("cancellable", ANY_VALUE)),
        ("slot_was_not_set", ("confirmed", ANY_VALUE)),
        ("bot_uttered", ("utter_ask_confirmed", "cancel order \\d{6}\\?")),
        ("action", "lookup_order"),
        ("flow_completed", "cancel_order"),
    ]


@pytest.mark.parametrize(
    ("assertion", "where", "message"),
    [
        ("- generative_response_is_relevant: {threshold: 0.9}", "7:13", "assertion 'generative_response_is_relevant' is not supported"),
        ("- bot_said: hi", "7:13", "unknown assertion 'bot_said'; valid: flow_started"),
        ("- bot_uttered: {text_matches: '('}", "7:41", "'text_matches' is not a valid regular expression"),
        ("- slot_was_set: [{nam: x}]", "7:28", "a 'slot_was_set' item has 'name' and optionally 'value'"),
    ],
)
def test_assertion_problems_point_at_file_line_col(tmp_path: Path, assertion: str, where: str, message: str) -> None:
    text = f"test_cases:\n  - test_case: a\n    steps:\n      - user: hi\n        assertions:\n\n          {assertion}\n"
    path = tmp_path / "a.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_story_file(path)
    assert f"{path}:{where}: {message}" in str(caught.value)


def test_bot_uttered_holds_for_any_message_of_the_turn_in_any_order() -> None:
    events = (
        {"event": "user", "text": "cancel", "parse_data": {"intent": {"name": "cancel_order", "confidence": 0.9}}},
        {"event": "bot", "text": "Order 234567 is processing.", "metadata": {"utter_action": "utter_status"}},
        {"event": "bot", "text": "Shall I cancel order 234567?", "metadata": {"utter_action": "utter_ask_confirmed"}},
    )
    checker = TurnChecker()
    checker.begin_turn(Turn("cancel", events))
    assert checker.check(Step("bot_uttered", ("utter_ask_confirmed", r"cancel order \d{6}\?"))) is None
    assert checker.check(Step("bot_uttered", ("utter_status", None))) is None
    assert checker.end_turn() is None  # bot_uttered consumes nothing and demands nothing more
    failure = checker.check(Step("bot_uttered", (None, "refund")))
    assert failure.expected == 'a bot message with text matching "refund"'
    assert failure.actual.startswith("bot said: utter_status: 'Order 234567 is processing.'; utter_ask_confirmed:")
    assert failure.step == 'bot_uttered: {text_matches: "refund"}'
