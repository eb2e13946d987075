from __future__ import annotations

from datetime import UTC, date, datetime

from dialog.config.models import ComponentSpec, Settings
from dialog.testing.clock import freeze_clock, frozen_now, timestamp_of


def test_frozen_now_takes_text_or_what_yaml_made_of_it() -> None:
    assert frozen_now("2030-05-06T10:00:00") == "2030-05-06T10:00:00"
    assert frozen_now(datetime(2030, 5, 6, 10, 0)) == "2030-05-06T10:00:00"
    assert frozen_now(date(2030, 5, 6)) == "2030-05-06"
    assert frozen_now("next tuesday") is None
    assert frozen_now(12) is None


def test_a_time_without_a_zone_is_in_the_bot_s_zone() -> None:
    from zoneinfo import ZoneInfo

    assert timestamp_of("2030-05-06T10:00:00", UTC) == datetime(2030, 5, 6, 10, tzinfo=UTC).timestamp()
    assert timestamp_of("2030-05-06T10:00:00", ZoneInfo("Europe/Berlin")) == datetime(2030, 5, 6, 8, tzinfo=UTC).timestamp()
    assert timestamp_of("2030-05-06T10:00:00+00:00", ZoneInfo("Europe/Berlin")) == datetime(2030, 5, 6, 10, tzinfo=UTC).timestamp()


class _Runtime:
    def __init__(self) -> None:
        self.clock = lambda: 1.0


class _Bot:
    def __init__(self) -> None:
        self.engine = type("Engine", (), {"runtime": _Runtime()})()
        self.config = type("Config", (), {"settings": Settings(pipeline=(ComponentSpec("duckling_entities", {"timezone": "UTC"}),))})()


def test_freeze_clock_stops_the_bot_s_clock_and_restores_it() -> None:
    bot = _Bot()
    with freeze_clock(bot, "2030-05-06T10:00:00"):
        assert bot.engine.runtime.clock() == datetime(2030, 5, 6, 10, tzinfo=UTC).timestamp()
    assert bot.engine.runtime.clock() == 1.0
    with freeze_clock(bot, None):
        assert bot.engine.runtime.clock() == 1.0
