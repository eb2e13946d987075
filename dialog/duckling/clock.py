"""Times of day: "3pm", "15:30", "half past four", "noon", and the parts of a day."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from dialog.duckling.resolved import Span

__all__ = ["PARTS", "afternoon", "clock_of", "part_span"]

HOUR_WORDS = {w: i for i, w in enumerate(["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"])}
PARTS = {"morning": (4, 12), "afternoon": (12, 19), "evening": (18, 24), "night": (18, 24)}


def clock_of(text: str) -> tuple[int, int, bool]:
    """(hour 0-23, minute, whether am/pm or a 24-hour clock fixed it) of a time of day."""
    text = text.lower().strip()
    if text in ("noon", "midday"):
        return 12, 0, True
    if text == "midnight":
        return 0, 0, True
    relative = re.fullmatch(r"(half|(?:a\s+)?quarter|\d{1,2}(?:\s+minutes)?)\s+(past|after|to|before)\s+(\w+)\s*(am|pm|a\.m\.|p\.m\.)?", text)
    if relative:
        amount = {"half": 30, "quarter": 15, "a quarter": 15}.get(relative.group(1)) or int(re.sub(r"\D", "", relative.group(1)))
        target = relative.group(3)
        hour = 12 if target == "noon" else 0 if target == "midnight" else HOUR_WORDS.get(target)
        hour = int(target) if hour is None and target.isdigit() else hour
        if hour is None:
            return 0, 0, False
        pm = (relative.group(4) or "").startswith("p") and hour < 12
        minutes = (hour + (12 if pm else 0)) * 60 + (amount if relative.group(2) in ("past", "after") else -amount)
        return (minutes // 60) % 24, minutes % 60, target in ("noon", "midnight") or relative.group(4) is not None
    match = re.match(r"(\d{1,2}|[a-z]+)(?:[:h]?(\d{2}))?\s*(a\.?m\.?|p\.?m\.?)?", text)
    if match is None:
        return 0, 0, False
    raw_hour = match.group(1)
    hour = int(raw_hour) if raw_hour.isdigit() else HOUR_WORDS.get(raw_hour, 0)
    minute = int(match.group(2) or 0)
    meridiem = (match.group(3) or "").replace(".", "")
    if meridiem == "pm" and hour < 12:
        hour += 12
    elif meridiem == "am" and hour == 12:
        hour = 0
    fixed = bool(meridiem) or hour >= 13 or (match.group(2) is not None and raw_hour.startswith("0"))
    return hour, minute, fixed


def afternoon(hour: int, part: str | None) -> int:
    """A bare hour on a day: in the named part of the day, else 1-7 read as afternoon
    ("at 5 tomorrow" is 17:00; nobody books 5am without saying so)."""
    if part is not None:
        start, end = PARTS[part.lower().split()[-1]]
        return hour + 12 if hour < 12 and not start <= hour < end and start <= hour + 12 < end + 1 else hour
    return hour + 12 if 1 <= hour <= 7 else hour


def part_span(day: date, text: str) -> Span:
    part = text.lower().split()[-1]
    start_hour, end_hour = PARTS[part]
    start = datetime.combine(day, time(start_hour))
    return Span(start, datetime.combine(day, time()) + timedelta(hours=end_hour), "hour")
