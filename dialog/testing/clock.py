"""Frozen "now" for story tests: ``now:`` in a story file or case, or ``dialog test --now``.

While a case runs, the bot's clock returns the frozen moment, so "tomorrow" in a
message, date slots, ``now``/``today`` in conditions and event timestamps are the same
on every run. A time without a zone is read in the bot's zone (``duckling_entities``'s
``timezone``, else UTC).
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, datetime, tzinfo
from typing import Any, Iterator

from dialog.dates import bot_timezone, parse_moment

__all__ = ["freeze_clock", "frozen_now"]


def frozen_now(value: Any) -> str | None:
    """``value`` (text, or what YAML made of it) as an ISO string; None if it is no moment."""
    if isinstance(value, (date, datetime)):
        value = value.isoformat()
    moment = parse_moment(str(value)) if isinstance(value, str) else None
    return None if moment is None else moment.isoformat()


def timestamp_of(now: str, zone: tzinfo) -> float:
    moment = parse_moment(now)
    if not isinstance(moment, datetime):
        moment = datetime.combine(moment, datetime.min.time()) if moment is not None else None
    if moment is None:
        raise ValueError(f"not an ISO date or time: {now!r}")
    return (moment if moment.tzinfo else moment.replace(tzinfo=zone)).timestamp()


@contextmanager
def freeze_clock(bot: Any, now: str | None) -> Iterator[None]:
    """The bot's clock stands at ``now`` within the block (nothing changes for None)."""
    if now is None:
        yield
        return
    runtime = bot.engine.runtime
    frozen = timestamp_of(now, bot_timezone(bot.config.settings))
    previous = runtime.clock
    runtime.clock = lambda: frozen
    try:
        yield
    finally:
        runtime.clock = previous
