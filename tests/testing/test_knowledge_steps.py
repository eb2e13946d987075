"""The bot_knowledge step: a story asserts an answer from the documents and its source."""

from __future__ import annotations

from pathlib import Path

import pytest

from dialog.errors import ConfigError
from dialog.testing.matching import TurnChecker
from dialog.testing.results import Turn
from dialog.testing.stories import Step, load_story_file


def _load(tmp_path: Path, step: str) -> list[Step]:
    path = tmp_path / "cases.yml"
    path.write_text(f"test_cases:\n  - test_case: a\n    steps:\n      - user: is shipping free?\n      - {step}\n", encoding="utf-8")
    [case] = load_story_file(path)
    return list(case.steps[1:])


def test_the_three_forms_load(tmp_path: Path) -> None:
    assert [s.value for s in _load(tmp_path, "bot_knowledge: shipping.md")] == [("shipping.md", None)]
    assert [s.value for s in _load(tmp_path, 'bot_knowledge: {source: "shipping.md > Costs", contains: free}')] == [("shipping.md > Costs", "free")]
    assert [s.value for s in _load(tmp_path, "bot_knowledge: none")] == [(None, None)]
    assert _load(tmp_path, "bot_knowledge: {contains: free}")[0].describe() == 'bot_knowledge: {contains: "free"}'


def test_a_malformed_step_points_at_its_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        _load(tmp_path, "bot_knowledge: {file: shipping.md}")
    assert ":5:24: 'bot_knowledge' must be a source" in str(caught.value)


def _turn(*bots: dict) -> Turn:
    user = {"event": "user", "text": "is shipping free?", "parse_data": {"intent": {"name": "out_of_scope", "confidence": 0.9}}}
    return Turn("is shipping free?", (user, *bots))


ANSWER = {
    "event": "bot",
    "text": "Shipping is free on orders over $50.",
    "metadata": {"knowledge": {"sources": [{"file": "shipping.md", "heading": "Shipping > Costs"}], "mode": "extractive"}},
}
NO_ANSWER = {
    "event": "bot",
    "text": "Sorry, I don't have information about that.",
    "metadata": {"utter_action": "utter_no_relevant_answer_found", "knowledge": {"sources": [], "mode": "none"}},
}


def _check(turn: Turn, value: tuple) -> object:
    checker = TurnChecker()
    checker.begin_turn(turn)
    return checker.check(Step("bot_knowledge", value, 5, 9)) or checker.end_turn()


def test_an_answer_matches_by_source_and_text() -> None:
    assert _check(_turn(ANSWER), ("shipping.md", None)) is None
    assert _check(_turn(ANSWER), ("shipping.md > Shipping > Costs", "free on orders")) is None
    failure = _check(_turn(ANSWER), ("returns.md", None))
    assert failure is not None and "an answer from shipping.md > Shipping > Costs" in failure.actual
    failure = _check(_turn(ANSWER), (None, "$99"))
    assert failure is not None and failure.actual.startswith("text")


def test_none_matches_only_the_dont_know_reply() -> None:
    assert _check(_turn(NO_ANSWER), (None, None)) is None
    assert _check(_turn(ANSWER), (None, None)) is not None


def test_a_message_not_from_the_documents_fails() -> None:
    failure = _check(_turn({"event": "bot", "text": "Hi", "metadata": {"utter_action": "utter_greet"}}), ("shipping.md", None))
    assert failure is not None and "not from the documents" in failure.actual
