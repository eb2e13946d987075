from __future__ import annotations

import pytest

from dialog.duckling.money import find_money


@pytest.mark.parametrize(
    ("text", "span", "value", "unit"),
    [
        ("it costs $20 now", "$20", 20, "$"),
        ("20 dollars", "20 dollars", 20, "$"),
        ("€15.50 please", "€15.50", 15.5, "EUR"),
        ("twenty euros", "twenty euros", 20, "EUR"),
        ("GBP 7", "GBP 7", 7, "GBP"),
        ("50 cents", "50 cents", 50, "cent"),
        ("5k usd", "5k usd", 5000, "USD"),
        ("I paid $1,200.50", "$1,200.50", 1200.5, "$"),
    ],
)
def test_amounts_with_symbols_and_names(text: str, span: str, value: float, unit: str) -> None:
    [match] = find_money(text)
    assert (match.text, match.value) == (span, {"value": value, "type": "value", "unit": unit})
    assert text[match.start : match.end] == span


def test_a_plain_number_is_not_money() -> None:
    assert find_money("order 20 items") == []
