"""Rasa Pro's pypred conditions mean the same here, as Jinja2; Jinja2 conditions stay as written."""

from __future__ import annotations

import pytest

from dialog.config.pypred import as_jinja


@pytest.mark.parametrize(
    ("pypred", "jinja"),
    [
        ('slots.plan = "premium"', 'slots.plan == "premium"'),
        ('slots.plan is "premium"', 'slots.plan == "premium"'),
        ('slots.plan is not "basic"', 'slots.plan != "basic"'),
        ("slots.plan is not null", "slots.plan is not none"),
        ("slots.plan is null", "slots.plan is none"),
        ('slots.plan contains "prem"', '(slots.plan is not none and "prem" in slots.plan)'),
        ('slots.code matches "^[0-9]+$"', 'slots.code is matching "^[0-9]+$"'),
        ("'{{context.reason}}' = 'cannot_handle_chitchat'", "context.reason == 'cannot_handle_chitchat'"),
        ("slots.n is 5", "slots.n == 5"),
    ],
)
def test_pypred_forms(pypred: str, jinja: str) -> None:
    assert as_jinja(pypred) == jinja


@pytest.mark.parametrize(
    "condition",
    ['slots.a == "x = y is null"', "slots.level >= 3", "slots.x is none", 'not (slots.id is matching "^\\d{6}$")', "context.latest_action in ['a', 'b']"],
)
def test_jinja_conditions_and_string_literals_stay(condition: str) -> None:
    assert as_jinja(condition) == condition
