from __future__ import annotations

import pytest

from dialog.duckling.durations import find_durations


@pytest.mark.parametrize(
    ("text", "value", "unit", "seconds"),
    [
        ("2 hours", 2, "hour", 7200),
        ("three days", 3, "day", 259200),
        ("an hour and a half", 1.5, "hour", 5400),
        ("90 minutes", 90, "minute", 5400),
        ("half an hour", 0.5, "hour", 1800),
        ("a week", 1, "week", 604800),
        ("2.5 hrs", 2.5, "hour", 9000),
    ],
)
def test_durations_in_duckling_shape(text: str, value: float, unit: str, seconds: int) -> None:
    [match] = find_durations(f"it took {text} to arrive")
    assert match.text == text
    assert match.value == {"value": value, unit: value, "type": "value", "unit": unit, "normalized": {"value": seconds, "unit": "second"}}
