from __future__ import annotations

import pytest

from dialog.duckling.contacts import find_emails, find_phone_numbers


def test_email_addresses_without_trailing_punctuation() -> None:
    [match] = find_emails("mail me at john.doe+x@example.co.uk.")
    assert (match.text, match.value["value"]) == ("john.doe+x@example.co.uk", "john.doe+x@example.co.uk")
    assert find_emails("not an address: a@b, @home") == []


@pytest.mark.parametrize(
    ("text", "span", "value"),
    [
        ("call +1 (555) 123-4567 now", "+1 (555) 123-4567", "(+1) 5551234567"),
        ("555-123-4567", "555-123-4567", "5551234567"),
        ("07700 900123", "07700 900123", "07700900123"),
        ("+44 7700 900123", "+44 7700 900123", "(+44) 7700900123"),
    ],
)
def test_phone_numbers_keep_digits_and_country_code(text: str, span: str, value: str) -> None:
    [match] = find_phone_numbers(text)
    assert (match.text, match.value["value"]) == (span, value)


@pytest.mark.parametrize("text", ["order 123456", "on 12/08/2030", "2030-12-08", "call 555", "costs 3.50"])
def test_order_numbers_dates_and_short_numbers_are_not_phone_numbers(text: str) -> None:
    assert find_phone_numbers(text) == []
