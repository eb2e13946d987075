from __future__ import annotations

import pytest

from dialog.duckling.numbers import find_numbers, number_value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("twenty five", 25),
        ("3.5", 3.5),
        ("1,200", 1200),
        ("-4", -4),
        ("a hundred and five", 105),
        ("two thousand three hundred", 2300),
        ("a dozen", 12),
        ("one million", 1_000_000),
        ("seventy-two", 72),
    ],
)
def test_number_values_in_digits_and_words(text: str, expected: float) -> None:
    assert number_value(text) == expected
    assert [(m.text, m.value) for m in find_numbers(f"about {text} of them")] == [(text, {"value": expected, "type": "value"})]


def test_a_lone_article_and_numbers_inside_times_or_words_are_not_numbers() -> None:
    assert find_numbers("a cat at 3:30, model x2 and v1.2.3") == []
    assert number_value("an") is None
    assert number_value("banana") is None
