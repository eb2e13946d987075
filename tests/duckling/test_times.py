"""Dates and times resolved against Monday 2030-05-06 10:00 UTC."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from dialog.duckling.times import find_times, format_time

NOW = datetime(2030, 5, 6, 10, 0, tzinfo=ZoneInfo("UTC"))


def one(text: str, now: datetime = NOW, order: str = "MDY") -> tuple[str, object, str]:
    [match] = find_times(text, now, order)
    grain = match.value.get("grain") or match.value["from"]["grain"]
    return match.text, match.simple_value, grain


@pytest.mark.parametrize(
    ("text", "span", "value", "grain"),
    [
        ("tomorrow", "tomorrow", "2030-05-07T00:00:00.000+00:00", "day"),
        ("can I come on the 12th", "on the 12th", "2030-05-12T00:00:00.000+00:00", "day"),
        ("December 8", "December 8", "2030-12-08T00:00:00.000+00:00", "day"),
        ("book me for next tuesday at 3pm", "next tuesday at 3pm", "2030-05-07T15:00:00.000+00:00", "hour"),
        ("what about 15:30 tomorrow", "15:30 tomorrow", "2030-05-07T15:30:00.000+00:00", "minute"),
        ("in two days", "in two days", "2030-05-08T00:00:00.000+00:00", "day"),
        ("in 2 hours", "in 2 hours", "2030-05-06T12:00:00.000+00:00", "second"),
        ("3 days ago", "3 days ago", "2030-05-03T00:00:00.000+00:00", "day"),
        ("next week", "next week", "2030-05-13T00:00:00.000+00:00", "week"),
        ("in December", "in December", "2030-12-01T00:00:00.000+00:00", "month"),
        ("March 3rd", "March 3rd", "2031-03-03T00:00:00.000+00:00", "day"),
        ("friday the 13th", "friday the 13th", "2030-09-13T00:00:00.000+00:00", "day"),
        ("at 3", "at 3", "2030-05-06T15:00:00.000+00:00", "hour"),
        ("quarter to 5 pm", "quarter to 5 pm", "2030-05-06T16:45:00.000+00:00", "minute"),
        ("2030-12-08", "2030-12-08", "2030-12-08T00:00:00.000+00:00", "day"),
    ],
)
def test_single_moments(text: str, span: str, value: str, grain: str) -> None:
    assert one(text) == (span, value, grain)


@pytest.mark.parametrize(
    ("text", "start", "end", "grain"),
    [
        ("from 3 to 5pm", "2030-05-06T15:00:00.000+00:00", "2030-05-06T18:00:00.000+00:00", "hour"),
        ("between 2 and 4pm", "2030-05-06T14:00:00.000+00:00", "2030-05-06T17:00:00.000+00:00", "hour"),
        ("tomorrow morning", "2030-05-07T04:00:00.000+00:00", "2030-05-07T12:00:00.000+00:00", "hour"),
        ("tonight", "2030-05-06T18:00:00.000+00:00", "2030-05-07T00:00:00.000+00:00", "hour"),
        ("this weekend", "2030-05-10T18:00:00.000+00:00", "2030-05-13T00:00:00.000+00:00", "hour"),
        ("from monday to wednesday", "2030-05-13T00:00:00.000+00:00", "2030-05-16T00:00:00.000+00:00", "day"),
    ],
)
def test_intervals_end_one_grain_past_their_last_moment(text: str, start: str, end: str, grain: str) -> None:
    assert one(text) == (text, {"from": start, "to": end}, grain)


def test_interval_value_object_is_duckling_s() -> None:
    [match] = find_times("from 3 to 5pm", NOW)
    assert match.value == {
        "values": [{"to": {"value": "2030-05-06T18:00:00.000+00:00", "grain": "hour"}, "from": {"value": "2030-05-06T15:00:00.000+00:00", "grain": "hour"}, "type": "interval"}],
        "to": {"value": "2030-05-06T18:00:00.000+00:00", "grain": "hour"},
        "from": {"value": "2030-05-06T15:00:00.000+00:00", "grain": "hour"},
        "type": "interval",
        "day_given": False,  # not Duckling's: a time of day alone fills no date slot
    }


def test_a_time_of_day_alone_names_no_day_so_it_fills_no_date_slot() -> None:
    from dialog.dates import to_date, to_time

    four = find_times("4pm", NOW)[0].value
    assert four["day_given"] is False and to_date(four) is None and to_time(four) == "2030-05-06T16:00:00+00:00"
    thursday = find_times("Thursday at 3", NOW)[0].value
    assert "day_given" not in thursday and to_date(thursday) == "2030-05-09"
    assert to_date("in the morning") is None and to_date("tomorrow morning") is not None  # typed text: read at the real clock


def test_numeric_dates_follow_the_locale_s_order() -> None:
    assert one("12/08/2030")[1] == "2030-12-08T00:00:00.000+00:00"
    assert one("12/08/2030", order="DMY")[1] == "2030-08-12T00:00:00.000+00:00"


def test_answers_are_in_the_reference_time_s_zone() -> None:
    berlin = datetime(2030, 5, 6, 23, 30, tzinfo=ZoneInfo("Europe/Berlin"))
    assert one("tomorrow at 9am", berlin)[1] == "2030-05-07T09:00:00.000+02:00"
    assert format_time(datetime(2030, 1, 2, 3, 4, 5, 678000, tzinfo=ZoneInfo("America/New_York"))) == "2030-01-02T03:04:05.678-05:00"


@pytest.mark.parametrize(
    "text",
    ["may I have a refund", "I want 3 pizzas", "order 123456", "it costs $20", "call me at 555-123-4567", "version 2.3", "a second opinion"],
)
def test_ordinary_sentences_have_no_times(text: str) -> None:
    assert find_times(text, NOW) == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("on the first of June", "2030-06-01T00:00:00.000+00:00"),
        ("the twenty-second of May", "2030-05-22T00:00:00.000+00:00"),
        ("on Sat", "2030-05-11T00:00:00.000+00:00"),
        ("wed at 1", "2030-05-08T13:00:00.000+00:00"),
        ("at 5 tomorrow", "2030-05-07T17:00:00.000+00:00"),
        ("tomorrow evening at 7", "2030-05-07T19:00:00.000+00:00"),
        ("around 6", "2030-05-06T18:00:00.000+00:00"),
        ("the meeting is at 0900", "2030-05-07T09:00:00.000+00:00"),
        ("a week from tomorrow", "2030-05-14T00:00:00.000+00:00"),
        ("3 days before friday", "2030-05-07T00:00:00.000+00:00"),
        ("in three weeks", "2030-05-27T00:00:00.000+00:00"),
        ("I'll call tmrw", "2030-05-07T00:00:00.000+00:00"),
    ],
)
def test_ordinal_words_short_weekdays_bare_hours_and_anchored_offsets(text: str, value: str) -> None:
    [match] = find_times(text, NOW)
    assert match.simple_value == value


def test_from_9_to_5_is_office_hours() -> None:
    assert one("from 9 to 5")[1] == {"from": "2030-05-07T09:00:00.000+00:00", "to": "2030-05-07T18:00:00.000+00:00"}


@pytest.mark.parametrize("text", ["about 3 weeks", "I have 2 questions", "by 5 people", "the second item"])
def test_bare_numbers_followed_by_words_are_not_hours(text: str) -> None:
    assert [m for m in find_times(text, NOW) if m.text.strip().isdigit()] == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("I'm free after 6pm", {"to": None, "from": "2030-05-06T18:00:00.000+00:00"}),
        ("before 5pm tomorrow", {"to": "2030-05-07T17:00:00.000+00:00", "from": None}),
        ("until 3", {"to": "2030-05-06T15:00:00.000+00:00", "from": None}),
    ],
)
def test_after_and_before_a_time_are_open_intervals(text: str, value: dict) -> None:
    [match] = find_times(text, NOW)
    assert match.simple_value == value
    assert match.value["type"] == "interval" and ("from" in match.value) == (value["from"] is not None)


def test_a_message_full_of_dates_is_read_up_to_max_times() -> None:
    from dialog.duckling.times import MAX_TIMES

    found = find_times(("12/12 tomorrow at 3pm, " * 100)[:2000], NOW)
    assert len(found) == MAX_TIMES
    assert found[0].text == "12/12"


@pytest.mark.parametrize(("text", "found"), [("it got 4/5 stars", False), ("add 3/4 cup", False), ("on 5/20", True), ("5/20 at 3pm", True), ("is 6/1 ok?", True)])
def test_a_day_and_month_without_a_year_is_a_date_unless_it_is_a_fraction(text: str, found: bool) -> None:
    assert bool(find_times(text, NOW)) is found


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Wed 15th", "2030-05-15T00:00:00.000+00:00"),
        ("on Christmas", "2030-12-25T00:00:00.000+00:00"),
        ("new year's eve at 8pm", "2030-12-31T20:00:00.000+00:00"),
        ("valentines day", "2031-02-14T00:00:00.000+00:00"),
    ],
)
def test_weekday_with_a_day_number_and_fixed_date_holidays(text: str, value: str) -> None:
    [match] = find_times(text, NOW)
    assert match.simple_value == value


def test_a_weekday_weeks_ahead_is_that_week_s_weekday() -> None:
    # NOW is Monday 6 May 2030
    assert one("in two weeks on Tuesday")[1] == "2030-05-21T00:00:00.000+00:00"
    assert one("in a week, friday")[1] == "2030-05-17T00:00:00.000+00:00"
    assert one("in two weeks")[1] == "2030-05-20T00:00:00.000+00:00"  # no weekday: the day two weeks on
