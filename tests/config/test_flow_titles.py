"""A flow's title and skill are said to the user, whoever its description speaks of."""

from __future__ import annotations

import pytest

from dialog.config.flow_model import Flow
from dialog.config.flow_titles import flow_title, said_to_the_user


@pytest.mark.parametrize(
    ("description", "said"),
    [
        ("Tell the user where their order is (status, carrier)", "Tell you where your order is"),
        ("Tell the customer how the repair of the customer's bike is going. Needs the ticket.", "Tell you how the repair of your bike is going"),
        ("Book an appointment for the patient, then confirm it", "Book an appointment for you"),
        ("Reset the password of an employee's account", "Reset the password of your account"),
        ("", ""),
    ],
)
def test_a_description_is_said_to_the_user(description: str, said: str) -> None:
    assert said_to_the_user(description) == said


def test_the_title_is_the_name_else_the_id_in_words() -> None:
    assert flow_title(Flow("book", (), description="Book a service for the customer", name="Book a service")) == "Book a service"
    # a description says what the bot does: no label a user would pick
    assert flow_title(Flow("complaint", (), description="Apologise for a frustrating experience and offer a technician")) == "Complaint"
    assert flow_title(Flow("book_service", ())) == "Book service"
