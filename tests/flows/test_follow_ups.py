"""Follow-up questions to an answer from the documents are searched with the question it answered."""

from __future__ import annotations

from typing import Any

import pytest

from dialog.flows.follow_ups import follow_up_text


def _answered(question: str, sources: list[Any]) -> list[dict[str, Any]]:
    return [
        {"event": "user", "text": question},
        {"event": "bot", "text": "...", "metadata": {"knowledge": {"sources": sources}}},
    ]


ANSWERED = _answered("how much is the premium plan?", [{"file": "plans.md", "heading": "Plans"}])


@pytest.mark.parametrize("text", ["and the cheapest one?", "what about students?", "is it cheaper on weekends?", "how about that one"])
def test_a_short_follow_up_right_after_an_answer_is_searched_with_its_question(text: str) -> None:
    assert follow_up_text(ANSWERED, text) == f"how much is the premium plan? {text}"


@pytest.mark.parametrize("text", ["do you have a pool?", "and what are your opening hours on public holidays in winter?"])
def test_a_new_or_long_question_is_searched_alone(text: str) -> None:
    assert follow_up_text(ANSWERED, text) is None


def test_only_right_after_an_answer_from_the_documents() -> None:
    assert follow_up_text(_answered("hi", []), "and the cheapest one?") is None  # a greeting, not an answer
    assert follow_up_text([*ANSWERED, {"event": "user", "text": "thanks"}, {"event": "bot", "text": "You're welcome!"}], "and for kids?") is None
    assert follow_up_text([], "and the cheapest one?") is None


def test_inside_a_task_a_question_that_points_back_is_searched_with_its_values() -> None:
    from dialog.config.flow_model import Flow
    from dialog.flows.follow_ups import with_the_task
    from dialog.flows.state import ConversationState, Frame

    booking = ConversationState(
        slots={"service_type": "full service", "confirmed": True, "bike_type": None},
        stack=(Frame("book_service", "ask_bike", slots_set=("service_type", "confirmed")),),
    )
    flow = Flow("book_service", (), name="Book a service")
    assert with_the_task(booking, flow, "how much does that cost?") == "Book a service full service how much does that cost?"
    assert with_the_task(booking, flow, "what do you have?") == "Book a service full service what do you have?"  # too vague alone
    assert with_the_task(booking, flow, "do you sell helmets?") is None  # a question of its own
    assert with_the_task(ConversationState(), None, "how much does that cost?") is None  # no task running
