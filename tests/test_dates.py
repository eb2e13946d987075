from __future__ import annotations

from datetime import UTC, datetime

import pytest

from dialog.config.jinja_sandbox import compile_condition
from dialog.config.models import ComponentSpec, Settings
from dialog.dates import FILTERS, Moment, bot_timezone, moment_variables, to_date, to_time
from dialog.reference_time import use_reference_time

MONDAY_10AM = datetime(2030, 5, 6, 10, 0, tzinfo=UTC).timestamp()
DAY_VALUE = {"value": "2030-05-07T00:00:00.000+00:00", "grain": "day", "type": "value"}
HOUR_VALUE = {"value": "2030-05-07T15:00:00.000+02:00", "grain": "hour", "type": "value"}
INTERVAL = {"from": {"value": "2030-05-07T15:00:00.000+00:00", "grain": "hour"}, "to": {"value": "2030-05-07T18:00:00.000+00:00", "grain": "hour"}, "type": "interval"}


@pytest.mark.parametrize(
    ("value", "date_slot", "time_slot"),
    [
        ("2030-05-07", "2030-05-07", None),
        ("2030-05-07T15:00:00.000+02:00", "2030-05-07", "2030-05-07T15:00:00+02:00"),
        (DAY_VALUE, "2030-05-07", None),  # a day: no time of day
        (HOUR_VALUE, "2030-05-07", "2030-05-07T15:00:00+02:00"),
        (INTERVAL, "2030-05-07", "2030-05-07T15:00:00+00:00"),  # an interval's start
        ({"from": "2030-05-07T15:00:00.000+00:00", "to": None}, "2030-05-07", "2030-05-07T15:00:00+00:00"),  # Rasa's entity value
        ("next friday at 3pm", "2030-05-10", "2030-05-10T15:00:00+00:00"),  # text, read against the reference time
        ("tomorrow", "2030-05-07", None),
        ("whenever", None, None),
        (42, None, None),
    ],
)
def test_slot_values_from_entities_and_text(value, date_slot, time_slot) -> None:
    with use_reference_time(MONDAY_10AM):
        assert to_date(value) == date_slot
        assert to_time(value) == time_slot


def test_now_and_today_compare_at_the_precision_of_the_other_side() -> None:
    with use_reference_time(MONDAY_10AM):
        names = moment_variables()
    now, today = names["now"], names["today"]
    assert (now, today) == ("2030-05-06T10:00:00+00:00", "2030-05-06")
    assert isinstance(now, Moment)
    assert "2030-05-05" < now and not ("2030-05-06" < now)  # noqa: SIM300 - a slot on the left, as conditions write it; by day: today is not past
    assert "2030-05-06T09:59:00+00:00" < now < "2030-05-06T10:01:00+00:00"  # noqa: SIM300
    assert "2030-05-06T11:00:00+02:00" < now  # noqa: SIM300 - 09:00 UTC
    assert "2030-05-06T09:00:00" < now  # noqa: SIM300 - no zone: wall clock
    assert today == "2030-05-06T23:00:00+00:00" and today <= "2030-05-06"


def test_conditions_read_now_today_and_the_filters() -> None:
    condition = compile_condition('slots.at < now or slots.at | weekday in ["saturday", "sunday"] or slots.at | time_of_day >= "17:00"')
    with use_reference_time(MONDAY_10AM):
        names = moment_variables()
    assert condition(slots={"at": "2030-05-06T09:00:00+00:00"}, **names)  # past
    assert condition(slots={"at": "2030-05-11T10:00:00+00:00"}, **names)  # saturday
    assert condition(slots={"at": "2030-05-07T17:30:00+00:00"}, **names)  # after hours
    assert not condition(slots={"at": "2030-05-07T10:00:00+00:00"}, **names)


def test_filters() -> None:
    assert FILTERS["date"]("2030-05-07T15:30:00+02:00") == "2030-05-07"
    assert FILTERS["time_of_day"]("2030-05-07T15:30:00+02:00") == "15:30"
    assert FILTERS["weekday"]("2030-05-07") == "tuesday"
    assert FILTERS["hour"]("2030-05-07T15:30:00") == 15
    assert FILTERS["days_after"]("2030-06-05", "2030-05-06") == 30
    with pytest.raises(ValueError, match="'soon' is not a date or time"):
        FILTERS["weekday"]("soon")


def test_the_bot_s_zone_is_the_duckling_component_s() -> None:
    settings = Settings(pipeline=(ComponentSpec("duckling_entities", {"timezone": "Europe/Berlin"}),))
    assert str(bot_timezone(settings)) == "Europe/Berlin"
    assert bot_timezone(Settings()) is UTC
    assert bot_timezone(Settings(pipeline=(ComponentSpec("duckling_entities", {"timezone": "Nowhere/Land"}),))) is UTC


def test_a_moment_and_a_non_date_compare_as_text() -> None:
    assert Moment("2030-05-06") < "zzz"
    assert Moment("2030-05-06") != "tomorrow"


def test_a_corrected_date_is_said_as_a_sentence_says_it() -> None:
    from dialog.dates import said_value

    assert said_value("2026-12-10") == "Thursday 10 December 2026"
    assert said_value("2026-12-10T14:30:00.000+01:00") == "Thursday 10 December 2026 at 14:30"
    assert said_value("2026-12-10T14:30:00.000+01:00", "time") == "14:30"  # a time slot's day is only the day it was said
    assert said_value("123456") == "123456" and said_value(2.0) == "2.0"
