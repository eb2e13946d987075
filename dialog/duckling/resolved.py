"""Resolved times: a moment, an interval or an open interval, and Duckling's value object for each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

__all__ = ["Open", "Point", "Resolved", "Span", "add_months", "duckling_value", "end_of_grain", "format_time"]


@dataclass(frozen=True)
class Point:
    """A resolved instant with its grain."""

    at: datetime
    grain: str


@dataclass(frozen=True)
class Span:
    """A resolved interval; ``end`` is exclusive."""

    start: datetime
    end: datetime
    grain: str


@dataclass(frozen=True)
class Open:
    """"after 6pm" (only ``start``) or "before 5pm" (only ``end``): Duckling's open interval."""

    start: datetime | None
    end: datetime | None
    grain: str


Resolved = Point | Span | Open


def format_time(moment: datetime) -> str:
    """Duckling's timestamp: ``2030-05-07T15:00:00.000+02:00``."""
    offset = moment.strftime("%z")
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond // 1000:03d}{offset[:3]}:{offset[3:]}"


def duckling_value(resolved: Resolved, zone: Any) -> dict[str, Any]:
    def point(at: datetime, grain: str) -> dict[str, Any]:
        return {"value": format_time(at.replace(tzinfo=zone)), "grain": grain}

    if isinstance(resolved, Point):
        single = {**point(resolved.at, resolved.grain), "type": "value"}
        return {"values": [single], **single}
    interval: dict[str, Any] = {}
    if resolved.end is not None:
        interval["to"] = point(resolved.end, resolved.grain)
    if resolved.start is not None:
        interval["from"] = point(resolved.start, resolved.grain)
    interval["type"] = "interval"
    return {"values": [interval], **interval}



def end_of_grain(point: Point) -> datetime:
    """The end of ``point``'s grain: the exclusive end of an interval that ends with it."""
    if point.grain == "day":
        return point.at + timedelta(days=1)
    if point.grain == "hour":
        return point.at + timedelta(hours=1)
    if point.grain == "minute":
        return point.at + timedelta(minutes=1)
    return point.at


def add_months(moment: datetime, months: int) -> datetime:
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    for day in (moment.day, 30, 29, 28):
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    return moment
