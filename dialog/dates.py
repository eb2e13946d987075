"""``date`` and ``time`` slots, and the ``now``/``today`` that conditions compare them with.

A ``date`` slot holds ``"2030-05-07"``; a ``time`` slot holds a moment,
``"2030-05-07T15:00:00+02:00"``. Either is filled from a ``time`` entity (its ISO value,
or the start of an interval) or from text ("next friday at 3pm"), read against the
turn's reference time. Being ISO strings, they survive any tracker store and Rasa's
tracker JSON unchanged.

In conditions, ``now`` and ``today`` are ``Moment`` strings that compare with a slot at
the slot's precision: ``slots.day < today`` and ``slots.day < now`` both mean "before
today", ``slots.at < now`` means "before this minute". The filters ``date``,
``time_of_day`` ("15:00"), ``weekday`` ("friday"), ``hour`` and ``days_after`` take
moments apart ("within opening hours": ``slots.at | time_of_day >= "09:00"``).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, tzinfo
from typing import Any, Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dialog.reference_time import reference_now

__all__ = ["FILTERS", "Moment", "bot_timezone", "moment_variables", "said_value", "to_date", "to_time"]

_DAY_GRAINS = ("day", "week", "month", "year")
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def bot_timezone(settings: Any) -> tzinfo:
    """The zone of the pipeline's ``duckling_entities`` (its ``timezone`` option), else UTC:
    the one place a bot names its zone, so dates read by the NLU and ``today`` agree."""
    for spec in getattr(settings, "pipeline", ()):
        if spec.name == "duckling_entities" and spec.options.get("timezone"):
            try:
                return ZoneInfo(str(spec.options["timezone"]))
            except (ZoneInfoNotFoundError, ValueError):
                break  # the component reports the bad name when it is built
    return UTC


def parse_moment(value: Any) -> datetime | date | None:
    """An ISO date or timestamp (Duckling's ``.000+02:00`` included), or None."""
    if isinstance(value, datetime | date):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        return date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text)
    except ValueError:
        return None


def _entity_value(value: Any) -> Any:
    """A time entity's value: an interval's start, a Duckling value object's ``value``."""
    if isinstance(value, Mapping):
        for end in ("from", "to"):  # "before 5pm" has only an end
            if value.get(end) is not None:
                inner = value[end]
                return inner.get("value") if isinstance(inner, Mapping) else inner
        return value.get("value")
    return value


def _read(value: Any) -> tuple[datetime | date | None, str, bool]:
    """The moment in ``value``, the grain it was given at ("day" for a bare date), and
    whether a day was said (not for "4pm": today's date is only implied)."""
    raw = _entity_value(value)
    moment = parse_moment(raw)
    if moment is not None:
        grain = _grain(value)
        return moment, "day" if not isinstance(moment, datetime) or grain in _DAY_GRAINS else "moment", _day_given(value)
    if not isinstance(raw, str) or not raw.strip():
        return None, "", False
    from dialog.duckling.times import find_times

    found = find_times(raw, reference_now())
    if not found:
        return None, "", False
    first = found[0].value
    return parse_moment(_entity_value(first)), "day" if _grain(first) in _DAY_GRAINS else "moment", _day_given(first)


def _day_given(value: Any) -> bool:
    """False for a Duckling value this project's reader marked as naming no day (``DAY_GIVEN``)."""
    return not (isinstance(value, Mapping) and value.get("day_given") is False)


def _grain(value: Any) -> str:
    """Duckling's grain of a value object (of its start, for an interval); "" for plain values."""
    if not isinstance(value, Mapping):
        return ""
    bound = value.get("from") or value.get("to")
    return str((bound if isinstance(bound, Mapping) else value).get("grain") or "")


def to_date(value: Any) -> str | None:
    """``"YYYY-MM-DD"`` for a date slot, or None when ``value`` holds no date: a time of day
    alone ("4pm", "in the morning") is today's, but it names no day."""
    moment, _, day_given = _read(value)
    if moment is None or not day_given:
        return None
    return (moment.date() if isinstance(moment, datetime) else moment).isoformat()


def to_time(value: Any) -> str | None:
    """An ISO moment for a time slot, or None when ``value`` has no time of day
    ("tomorrow" alone does not say when)."""
    moment, grain, _ = _read(value)
    if not isinstance(moment, datetime) or grain == "day":
        return None
    return moment.replace(microsecond=0).isoformat()


class Moment(str):
    """An ISO string that compares with dates and moments at the coarser precision of the two."""

    def _pair(self, other: Any) -> tuple[Any, Any] | None:
        mine, theirs = parse_moment(str(self)), parse_moment(other)
        if mine is None or theirs is None:
            return None
        if not isinstance(mine, datetime) or not isinstance(theirs, datetime):
            return (mine.date() if isinstance(mine, datetime) else mine), (theirs.date() if isinstance(theirs, datetime) else theirs)
        if (mine.tzinfo is None) != (theirs.tzinfo is None):  # wall-clock comparison
            return mine.replace(tzinfo=None), theirs.replace(tzinfo=None)
        return mine, theirs

    def __lt__(self, other: Any) -> bool:
        pair = self._pair(other)
        return pair[0] < pair[1] if pair else str.__lt__(self, other)

    def __le__(self, other: Any) -> bool:
        pair = self._pair(other)
        return pair[0] <= pair[1] if pair else str.__le__(self, other)

    def __gt__(self, other: Any) -> bool:
        pair = self._pair(other)
        return pair[0] > pair[1] if pair else str.__gt__(self, other)

    def __ge__(self, other: Any) -> bool:
        pair = self._pair(other)
        return pair[0] >= pair[1] if pair else str.__ge__(self, other)

    def __eq__(self, other: object) -> bool:
        pair = self._pair(other)
        return pair[0] == pair[1] if pair else str.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    __hash__ = str.__hash__


def moment_variables(timestamp: float | None = None) -> dict[str, Moment]:
    """``now`` and ``today`` for conditions and templates, in the turn's zone."""
    now = reference_now() if timestamp is None else datetime.fromtimestamp(timestamp, reference_now().tzinfo)
    return {"now": Moment(now.replace(microsecond=0).isoformat()), "today": Moment(now.date().isoformat())}


def _moment(value: Any) -> datetime | date:
    moment = parse_moment(value)
    if moment is None:
        raise ValueError(f"{value!r} is not a date or time")
    return moment


def _date_filter(value: Any) -> str:
    moment = _moment(value)
    return (moment.date() if isinstance(moment, datetime) else moment).isoformat()


def _time_of_day(value: Any) -> str:
    moment = _moment(value)
    return f"{moment:%H:%M}" if isinstance(moment, datetime) else "00:00"


def _weekday(value: Any) -> str:
    return _WEEKDAYS[_moment(value).weekday()]


def _hour(value: Any) -> int:
    moment = _moment(value)
    return moment.hour if isinstance(moment, datetime) else 0


def _days_after(value: Any, other: Any) -> int:
    """Whole days from ``other`` to ``value`` (negative when ``value`` is earlier)."""
    return (date.fromisoformat(_date_filter(value)) - date.fromisoformat(_date_filter(other))).days


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December")


def said_values(values: Mapping[str, Any], slots: Mapping[str, Any]) -> str:
    """Slot values as a sentence says them ("Thursday 10 December 2026, 16:00"), each as its
    slot's type wants (``slots``: name -> slot with a ``type``)."""
    return ", ".join(said_value(value, getattr(slots.get(name), "type", "")) for name, value in values.items())


def said_value(value: Any, slot_type: str = "") -> str:
    """A slot value as a sentence says it: an ISO date or time as "Thursday 10 December 2026
    (at 14:00)", a time slot's as "14:00" (its day is only the one it was said on),
    anything else as its text."""
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        return str(value)
    moment = _moment(value)
    if slot_type == "time" and isinstance(moment, datetime):
        return f"{moment:%H:%M}"
    day = f"{_WEEKDAYS[moment.weekday()].capitalize()} {moment.day} {_MONTHS[moment.month - 1]} {moment.year}"
    return f"{day} at {moment:%H:%M}" if isinstance(moment, datetime) and "T" in value else day


FILTERS = {"date": _date_filter, "time_of_day": _time_of_day, "weekday": _weekday, "hour": _hour, "days_after": _days_after}
