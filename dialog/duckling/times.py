"""Duckling's ``time`` dimension: dates, times and intervals resolved against a reference time.

Atoms (``time_atoms.py``) that touch, or are joined by "at", "on" or a comma, form
one expression ("next friday at 3pm", ``grouping.py``); two expressions joined by
"to", "until", "-" or "and" (after "between") form an interval ("from 3 to 5pm").
Calendar dates, weekdays and relative days are read by ``dateparser`` (relative to
the reference time, preferring the future); times of day by ``clock.py``; the rest is
plain arithmetic. ``resolved.py`` turns the result into Duckling's value object.

Values follow Duckling: a day is midnight with grain ``day``; a time of day has
grain ``hour`` or ``minute``; "next week" is its Monday with grain ``week``; parts
of the day ("tomorrow morning"), weekends and "from X to Y" are ``interval``s
whose ``to`` is exclusive, one grain past the end ("from 3 to 5pm" ends at 18:00);
"after 6pm" and "before 5pm" are intervals with one end.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Iterator

from dialog.duckling.clock import afternoon, clock_of, part_span
from dialog.duckling.grouping import CLOCK_KINDS, group_atoms
from dialog.duckling.match import Match
from dialog.duckling.numbers import number_value
from dialog.duckling.resolved import Open, Point, Resolved, Span, add_months, duckling_value, end_of_grain, format_time
from dialog.duckling.time_atoms import HOLIDAY_DATES, ORDINAL_WORDS, WEEKDAY_ABBREVIATIONS, WEEKDAYS, Atom, find_atoms

__all__ = ["DAY_GIVEN", "MAX_TIMES", "find_times", "format_time"]

# Not Duckling's: false on a value whose text names no day ("4pm", "in the morning", "after 2"),
# so a date slot is not filled with today from a time of day (``dialog.dates.to_date``)
DAY_GIVEN = "day_given"
_CLOCK_ONLY = {"tod", "bare_hour", "part", "bare_number"}

# A message rarely names more than a few moments; past this many, the rest are not read,
# so a 2,000-character message of dates costs tens of milliseconds, not a second.
MAX_TIMES = 20

_RANGE = re.compile(r"\s*(?:-|–|to|till|til|until|through|thru|and)\s*", re.IGNORECASE)
_BEFORE_RANGE = re.compile(r"(?:\b(?:from|between)\s+)$", re.IGNORECASE)
_LEAD = re.compile(r"(?:\b(?:on|at)\s+)$", re.IGNORECASE)
_OPEN_BOUND = re.compile(r"\b(after|since|before|until|till)\s+(?:(?:at|on)\s+)?$", re.IGNORECASE)
_WEEKDAY_NUMBERS = {name: index for index, name in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))}
_WEEKDAY_NAMES = {name[:3]: name for name in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")}
_ORDINALS = {
    word: index + 1
    for index, word in enumerate(
        ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth", "eighteenth", "nineteenth", "twentieth"]
    )
}


def find_times(text: str, now: datetime, date_order: str = "MDY") -> list[Match]:
    """Every time expression in ``text``; ``now`` is aware (its zone is the answers' zone)."""
    reader = _Reader(now, date_order)
    found: list[Match] = []
    for start, end, resolved, kinds in reader.expressions(text):
        if len(found) >= MAX_TIMES:
            break
        if resolved is not None:
            value = duckling_value(resolved, now.tzinfo)
            if kinds <= _CLOCK_ONLY:
                value[DAY_GIVEN] = False  # "4pm", "in the morning": today's date, but no day was said
            found.append(Match("time", start, end, text[start:end], value))
    return found


class _Reader:
    def __init__(self, now: datetime, date_order: str) -> None:
        self.now = now.replace(tzinfo=None, microsecond=0)
        self.date_order = date_order

    def expressions(self, text: str) -> Iterator[tuple[int, int, Resolved | None, set[str]]]:
        groups = group_atoms(text, find_atoms(text))
        index = 0
        while index < len(groups):
            group = groups[index]
            nxt = groups[index + 1] if index + 1 < len(groups) else None
            if nxt is not None and _RANGE.fullmatch(text[group[-1].end : nxt[0].start]) and self._rangeable(text, group, nxt):
                start = group[0].start
                lead = _BEFORE_RANGE.search(text[:start])
                yield (lead.start() if lead else start), nxt[-1].end, self.interval(group, nxt), {a.kind for a in (*group, *nxt)}
                index += 2
                continue
            if len(group) == 1 and group[0].kind == "bare_number":
                index += 1
                continue
            lead = _LEAD.search(text[: group[0].start])
            resolved = self.resolve(group)
            bound = _OPEN_BOUND.search(text[: group[0].start])
            if bound is not None and isinstance(resolved, Point) and {a.kind for a in group} & CLOCK_KINDS:
                after = bound.group(1).lower() in ("after", "since")
                resolved = Open(resolved.at if after else None, None if after else resolved.at, resolved.grain)
                lead = bound
            yield (lead.start() if lead else group[0].start), group[-1].end, resolved, {a.kind for a in group}
            index += 1

    def _rangeable(self, text: str, first: list[Atom], second: list[Atom]) -> bool:
        """"3 - 5pm" and "monday to friday" are ranges; "and" only after "between"."""
        joiner = text[first[-1].end : second[0].start].strip().lower()
        if joiner == "and" and not _BEFORE_RANGE.search(text[: first[0].start]):
            return False
        return {a.kind for a in first} <= _RANGE_KINDS and {a.kind for a in second} <= _RANGE_KINDS

    # -- single expressions ---------------------------------------------------------

    def resolve(self, group: list[Atom]) -> Resolved | None:
        kinds = {atom.kind: atom for atom in group}
        if len(group) == 1:
            return self._alone(group[0])
        if "offset" in kinds and "date" in kinds:
            return self._weekday_of_week(kinds["offset"], kinds["date"])
        day = self._group_day(kinds)
        if "tonight" in kinds:
            day, kinds["part"] = self.now.date(), Atom("part", 0, 0, "night")
        if day is None:
            return self._alone(group[0])
        if "offset_from" in kinds:
            return self._offset(kinds["offset_from"].text, day)
        clock = kinds.get("tod") or kinds.get("bare_hour")
        if clock is not None:
            hour, minute, fixed = clock_of(clock.text)
            if not fixed:
                hour = afternoon(hour, kinds["part"].text if "part" in kinds else None)
            return Point(datetime.combine(day, time(hour % 24, minute)), "minute" if minute else "hour")
        if "part" in kinds:
            return part_span(day, kinds["part"].text)
        return Point(datetime.combine(day, time()), "day")

    def _weekday_of_week(self, offset: Atom, day: Atom) -> Resolved | None:
        """"in two weeks on Tuesday": the Tuesday of the week two weeks from now."""
        moved = self._offset(offset.text)
        weekday = _WEEKDAY_NUMBERS.get(re.sub(r"^(?:on\s+)?", "", day.text.strip().lower())[:3])
        if moved is None or weekday is None:
            return moved
        start = moved.at.date() - timedelta(days=moved.at.weekday())
        return Point(datetime.combine(start + timedelta(days=weekday), time()), "day")

    def _group_day(self, kinds: dict[str, Atom]) -> date | None:
        if "date" in kinds:
            return self._day(kinds["date"])
        if "ordinal_day" in kinds:
            return self._ordinal(kinds["ordinal_day"])
        return self._holiday(kinds["holiday"]) if "holiday" in kinds else None

    def _alone(self, atom: Atom) -> Resolved | None:
        if atom.kind == "date":
            day = self._day(atom)
            return Point(datetime.combine(day, time()), "day") if day else None
        if atom.kind == "ordinal_day":
            day = self._ordinal(atom)
            return Point(datetime.combine(day, time()), "day") if day else None
        if atom.kind == "tonight":
            return part_span(self.now.date(), "night")
        if atom.kind == "holiday":
            day = self._holiday(atom)
            return Point(datetime.combine(day, time()), "day")
        if atom.kind in ("tod", "bare_hour"):
            hour, minute, fixed = clock_of(atom.text)
            return Point(self._next_clock(hour, minute, fixed), "minute" if minute else "hour")
        if atom.kind == "part":
            span = part_span(self.now.date(), atom.text)
            return span if span.end > self.now else part_span(self.now.date() + timedelta(days=1), atom.text)
        if atom.kind == "offset":
            return self._offset(atom.text)
        if atom.kind == "now":
            return Point(self.now, "second")
        if atom.kind == "period":
            return self._period(atom.text)
        if atom.kind == "month":
            return self._month(atom.text)
        return None

    def _next_clock(self, hour: int, minute: int, fixed: bool) -> datetime:
        """The next time the clock shows hour:minute; "at 3" is 3am or 3pm, whichever comes first."""
        candidates = [hour % 24] if fixed or hour >= 12 or hour == 0 else [hour, hour + 12]
        today = self.now.date()
        moments = [datetime.combine(today + timedelta(days=d), time(h, minute)) for d in (0, 1) for h in candidates]
        return min(m for m in moments if m >= self.now)

    def _day(self, atom: Atom) -> date | None:
        text = re.sub(r"\b(?:coming|following)\s+|^on\s+", "", atom.text, flags=re.IGNORECASE)
        text = re.sub(r"\btmrw\b", "tomorrow", text, flags=re.IGNORECASE)
        text = re.sub(rf"\b({WEEKDAY_ABBREVIATIONS})\b\.?", lambda m: _WEEKDAY_NAMES[m.group(1).lower()], text, flags=re.IGNORECASE)
        text = re.sub(ORDINAL_WORDS, lambda m: str(_ordinal_number(m.group())), text, flags=re.IGNORECASE)
        if re.search(r"\d", text):  # "Monday, December 8": the date says it all
            text = re.sub(rf"^(?:{WEEKDAYS}),?\s+", "", text, flags=re.IGNORECASE)
        text = re.sub(r"\b(tues|weds|thurs)\b", lambda m: {"tues": "tuesday", "weds": "wednesday", "thurs": "thursday"}[m.group(1).lower()], text, flags=re.IGNORECASE)
        parsed = self._dateparser(text)
        if parsed is None:
            return None
        if re.search(r"\bthis\s+\w+day\b", text, re.IGNORECASE) and parsed.date() - self.now.date() > timedelta(days=6):
            parsed -= timedelta(days=7)  # "this monday" said on a monday is today
        return parsed.date()

    def _ordinal(self, atom: Atom) -> date | None:
        """"the 12th": the next 12th of a month, today included; "friday the 13th": the next
        13th that is a Friday."""
        day_number = int(re.sub(r"\D", "", atom.text))
        weekday = re.match(rf"({WEEKDAYS}|{WEEKDAY_ABBREVIATIONS})\b", atom.text.lower())
        wanted = _WEEKDAY_NUMBERS[weekday.group(1)[:3]] if weekday else None
        year, month = self.now.year, self.now.month
        for _ in range(12 * 8):
            try:
                candidate = date(year, month, day_number)
            except ValueError:
                candidate = None
            if candidate is not None and candidate >= self.now.date() and wanted in (None, candidate.weekday()):
                return candidate
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return None

    def _holiday(self, atom: Atom) -> date:
        """The next Christmas, Halloween... today included."""
        month, day = HOLIDAY_DATES[re.sub(r"\s+", " ", atom.text.lower()).replace("’", "'")]
        this_year = date(self.now.year, month, day)
        return this_year if this_year >= self.now.date() else date(self.now.year + 1, month, day)

    def _offset(self, text: str, base_day: date | None = None) -> Point | None:
        """"in 3 days", "2 hours ago"; with ``base_day``, "a week from tomorrow"."""
        if base_day is not None:
            moved = _Reader(datetime.combine(base_day, time()), self.date_order)._offset(text)
            return Point(moved.at, "day") if moved is not None else None
        match = re.search(
            r"^(?:in\s+)?(?P<amount>.+?)\s*(?<![a-z])(?P<unit>sec|min|h|day|week|month|year)\w*(?P<half>\s+and\s+a\s+half)?(?:\s+(?P<dir>.+))?$",
            text,
            re.IGNORECASE,
        )
        if match is None:
            return None
        raw = re.sub(r"\s+", " ", match.group("amount").strip().lower())
        amount = {"a": 1, "an": 1, "a couple of": 2, "a few": 3, "half a": 0.5, "half an": 0.5}.get(raw)
        amount = amount if amount is not None else number_value(raw)
        if amount is None:
            return None
        amount += 0.5 if match.group("half") else 0
        sign = -1 if (match.group("dir") or "").lower() in ("ago", "earlier", "before") else 1
        unit = match.group("unit").lower()
        unit = {"sec": "second", "min": "minute", "h": "hour"}.get(unit, unit)
        if unit in ("second", "minute", "hour"):
            moment = self.now + sign * timedelta(seconds=amount * {"second": 1, "minute": 60, "hour": 3600}[unit])
            return Point(moment, "second")
        base = self.now.replace(hour=0, minute=0, second=0)
        if unit in ("day", "week"):
            return Point(base + sign * timedelta(days=amount * (7 if unit == "week" else 1)), "day")
        months = round(amount * (12 if unit == "year" else 1)) * sign
        return Point(add_months(base, months), "day")

    def _period(self, text: str) -> Resolved:
        words = text.lower().split()
        shift = {"next": 1, "last": -1, "coming": 1, "following": 1}.get(words[0] if len(words) > 1 else "this", 0)
        unit = words[-1]
        today = datetime.combine(self.now.date(), time())
        if unit == "week":
            return Point(today - timedelta(days=today.weekday()) + timedelta(weeks=shift), "week")
        if unit == "month":
            return Point(add_months(today.replace(day=1), shift), "month")
        if unit == "year":
            return Point(today.replace(month=1, day=1, year=today.year + shift), "year")
        friday = today + timedelta(days=4 - today.weekday(), weeks=shift)
        return Span(friday.replace(hour=18), friday + timedelta(days=3), "hour")

    def _month(self, text: str) -> Point | None:
        words = text.split()
        shift_next = words[0].lower() == "next"
        parsed = self._dateparser(" ".join(w for w in words if w.lower() not in ("in", "next", "this", "last", "during")))
        if parsed is None:
            return None
        first = datetime.combine(parsed.date().replace(day=1), time())
        if words[0].lower() == "last" and first > self.now:
            first = first.replace(year=first.year - 1)
        if shift_next and first.year == self.now.year and first.month == self.now.month:
            first = first.replace(year=first.year + 1)
        return Point(first, "month")

    def _dateparser(self, text: str) -> datetime | None:
        import dateparser  # ~0.2 s to import: only when a message has a date in it

        settings = {
            "RELATIVE_BASE": self.now,
            "PREFER_DATES_FROM": "future",
            "PREFER_DAY_OF_MONTH": "first",
            "DATE_ORDER": self.date_order,
            "RETURN_AS_TIMEZONE_AWARE": False,
        }
        if re.search(r"\b(?:last|ago|yesterday|before)\b", text, re.IGNORECASE):
            settings["PREFER_DATES_FROM"] = "past"
        return dateparser.parse(text, languages=["en"], settings=settings)

    # -- intervals ------------------------------------------------------------------

    def interval(self, first: list[Atom], second: list[Atom]) -> Resolved | None:
        """"from 3 to 5pm", "monday to friday", "between 2 and 4": an exclusive interval."""
        first_clock = _first(first, ("tod", "bare_hour", "bare_number"))
        second_clock = _first(second, ("tod", "bare_hour", "bare_number"))
        if first_clock is not None and second_clock is not None:
            (h1, m1, fixed1), (h2, m2, fixed2) = clock_of(first_clock.text), clock_of(second_clock.text)
            if not fixed1 and fixed2:
                h1 += 12 if h2 >= 12 and h1 < 12 and h1 + 12 <= h2 else 0  # "3 to 5pm": the pm carries over
                fixed1 = True
            elif not fixed1 and not fixed2 and h2 <= h1 < 12:
                h2, fixed1, fixed2 = h2 + 12, True, True  # "from 9 to 5": 9:00 to 17:00
            day_atoms = [a for a in first + second if a.kind in ("date", "ordinal_day", "holiday")]
            start_point = self.resolve([*day_atoms[:1], Atom("tod", 0, 0, f"{h1}:{m1:02d}")]) if day_atoms else None
            start = start_point.at if isinstance(start_point, Point) else self._next_clock(h1, m1, fixed1 or h1 >= 12)
            end = datetime.combine(start.date(), time(h2 % 24, m2))
            if end <= start:
                end += timedelta(hours=12) if not fixed2 and end + timedelta(hours=12) > start else timedelta(days=1)
            grain = "minute" if m1 or m2 else "hour"
            return Span(start, end + (timedelta(minutes=1) if grain == "minute" else timedelta(hours=1)), grain)
        start_res, end_res = self.resolve(first), self.resolve(second)
        if start_res is None or end_res is None or isinstance(start_res, Open) or isinstance(end_res, Open):
            return None  # resolve() never gives open intervals; expressions() makes those
        begin = start_res.at if isinstance(start_res, Point) else start_res.start
        if isinstance(end_res, Span):
            return Span(begin, end_res.end, end_res.grain)
        if end_res.at < begin and end_res.grain == "day":
            end_res = Point(end_res.at + timedelta(days=7), "day")  # "friday to monday"
        return Span(begin, end_of_grain(end_res), end_res.grain)


_RANGE_KINDS = {"date", "ordinal_day", "holiday", "tod", "bare_hour", "bare_number"}


def _first(atoms: list[Atom], kinds: tuple[str, ...]) -> Atom | None:
    return next((a for a in atoms if a.kind in kinds), None)


def _ordinal_number(text: str) -> int:
    """"twenty-first" -> 21, "thirtieth" -> 30, "fourth" -> 4."""
    words = re.split(r"[\s-]+", text.lower())
    if words[0] == "thirtieth":
        return 30
    tens = {"twenty": 20, "thirty": 30}.get(words[0], 0)
    return tens + _ORDINALS.get(words[-1], 0)


