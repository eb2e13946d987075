"""The grounding check: numbers, e-mail addresses, URLs and names must come from the documents."""

from __future__ import annotations

from dialog.knowledge.grounding import facts, ungrounded

SOURCES = "We accept American Express and PayPal. Email support@acme-shop.com. Orders over $1,000 ship free within 5 days."


def test_facts_are_numbers_addresses_urls_and_names() -> None:
    found = facts("Our CEO is Bob Smith; write to ceo@acme.com or see https://acme.com/team. It costs $25.")
    assert {"CEO", "Bob Smith", "ceo@acme.com", "https://acme.com/team", "25"} <= set(found)


def test_a_faithful_answer_is_grounded() -> None:
    assert ungrounded("You can pay with American Express, and orders over $1000 ship within 5 days.", SOURCES) == []


def test_invented_numbers_names_and_addresses_are_caught() -> None:
    answer = "The warranty is 3 years; ask Bob at bob@acme.com."
    assert ungrounded(answer, SOURCES) == ["bob@acme.com", "3", "Bob"]
