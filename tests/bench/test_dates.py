"""bench.dates: enough expressions, valid gold values, and the scorer reads intervals."""

from __future__ import annotations

from datetime import datetime

from bench.dates import predicted
from bench.dates_data import CASES, HELD_OUT, HELD_OUT_2, REFERENCE, SECOND_SET
from dialog.nlu.component import ComponentContext
from dialog.nlu.duckling_entities import DucklingEntityExtractor
from dialog.reference_time import use_reference_time


def test_at_least_100_expressions_with_well_formed_gold_values() -> None:
    cases = [case for group in (CASES, SECOND_SET, HELD_OUT, HELD_OUT_2) for cases in group.values() for case in cases]
    assert len(cases) >= 100
    for _, gold in cases:
        for part in (gold or "").split("/"):
            if part:
                datetime.fromisoformat(part)


def test_predicted_values_are_compared_at_the_minute() -> None:
    extractor = DucklingEntityExtractor.from_config({}, ComponentContext())
    with use_reference_time(datetime.fromisoformat(REFERENCE).timestamp()):
        assert predicted(extractor, "tomorrow at 3pm") == "2030-05-07T15:00"
        assert predicted(extractor, "from 3 to 5pm") == "2030-05-06T15:00/2030-05-06T18:00"
        assert predicted(extractor, "hello") is None
