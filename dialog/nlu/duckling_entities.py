"""``duckling_entities``: Rasa's ``DucklingEntityExtractor`` without a Duckling server.

Finds times and dates (``time``), ``number``, ``amount-of-money``, ``duration``,
``email`` and ``phone-number`` with rules and ``dateparser``, and returns them in the
shape Rasa gives Duckling's answers: entity = dimension, ``value`` (an ISO timestamp
for times, ``{"from", "to"}`` for intervals), ``text``, ``additional_info`` (Duckling's
value object with ``grain`` and ``type``) and ``extractor: DucklingEntityExtractor``,
so actions and slot mappings written for Rasa read them unchanged.

Relative expressions ("tomorrow at 3pm") are read against the reference time
(``dialog.reference_time``: the turn's clock, which story tests can freeze), in
the configured ``timezone``. Nothing is trained; nothing is loaded until a message
has a date in it (``dateparser`` takes ~0.25 s to import).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable, Mapping, Sequence
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dialog.duckling.contacts import find_emails, find_phone_numbers
from dialog.duckling.durations import find_durations
from dialog.duckling.match import Match, overlaps
from dialog.duckling.money import find_money
from dialog.duckling.numbers import find_numbers
from dialog.duckling.times import find_times
from dialog.errors import ComponentError
from dialog.nlu.component import ComponentContext, build_config
from dialog.nlu.spans import add_entities
from dialog.reference_time import reference_timestamp
from dialog.types import Entity, ParseResult

__all__ = ["DIMENSIONS", "EXTRACTOR_NAME", "DucklingEntityExtractor"]

logger = logging.getLogger(__name__)

EXTRACTOR_NAME = "DucklingEntityExtractor"
# In order of precedence: a span claimed by an earlier dimension is not read again by a
# later one ("555-123-4567" is a phone number, not a date; "$20" is money, not a number).
# Durations and times may share words ("in 2 hours"), as in Duckling.
DIMENSIONS = ("email", "phone-number", "amount-of-money", "time", "duration", "number")
_COEXIST = {frozenset({"time", "duration"})}
# Duckling's other dimensions: a Rasa config may list them; they are skipped with a warning.
_NOT_EXTRACTED = ("distance", "temperature", "volume", "quantity", "ordinal", "url", "credit-card-number")


@dataclass(frozen=True)
class DucklingConfig:
    dimensions: tuple[str, ...] | None = None  # None: every dimension
    timezone: str = "UTC"
    locale: str = "en_US"
    url: str | None = None  # Rasa's Duckling server; not needed here
    timeout: float | None = None  # Rasa's request timeout; not needed here


class DucklingEntityExtractor:
    """Rules per dimension, precedence between them; no training, no model files."""

    name = "duckling_entities"
    Config = DucklingConfig

    def __init__(self, config: DucklingConfig, context: ComponentContext) -> None:
        self.config = config
        self.context = context
        self.zone = _zone(config.timezone)
        self.dimensions = tuple(d for d in DIMENSIONS if config.dimensions is None or d in config.dimensions)
        # en_US reads 12/08 as December 8; other English locales (en_GB ...) as 12 August.
        self.date_order = "MDY" if config.locale.replace("-", "_").lower() in ("en_us", "en") else "DMY"

    @classmethod
    def from_config(cls, options: Mapping[str, Any], context: ComponentContext) -> DucklingEntityExtractor:
        options = dict(options)
        if isinstance(options.get("dimensions"), list):
            options["dimensions"] = tuple(options["dimensions"])
        config = build_config(DucklingConfig, options, cls.name)
        if config.dimensions is not None:
            unknown = [d for d in config.dimensions if d not in DIMENSIONS and d not in _NOT_EXTRACTED]
            if unknown:
                raise ComponentError(cls.name, f"unknown dimension(s) {', '.join(map(str, unknown))}; valid dimensions: {', '.join(DIMENSIONS)}")
            skipped = [d for d in config.dimensions if d in _NOT_EXTRACTED]
            if skipped:
                logger.warning("%s: Duckling dimension(s) %s are not extracted here; extracted: %s", cls.name, ", ".join(skipped), ", ".join(DIMENSIONS))
        if not context.language.lower().startswith("en"):
            logger.warning("%s reads English only; the bot's language is %r", cls.name, context.language)
        if config.url:
            logger.warning("%s: 'url' (%s) is not used: dates, numbers and the rest are read without a Duckling server", cls.name, config.url)
        return cls(config, context)

    def __call__(self, result: ParseResult) -> ParseResult:
        if not result.text.strip():
            return result
        matches = self.matches(result.text, datetime.fromtimestamp(reference_timestamp(), self.zone))
        return add_entities(result, [_entity(match) for match in matches])

    def process_batch(self, results: Sequence[ParseResult]) -> list[ParseResult]:
        return [self(result) for result in results]

    def matches(self, text: str, now: datetime) -> list[Match]:
        """Every requested dimension's matches in ``text``, precedence applied, in text order."""
        finders: dict[str, Callable[[str], list[Match]]] = {
            "email": find_emails,
            "phone-number": find_phone_numbers,
            "amount-of-money": find_money,
            "time": lambda t: find_times(t, now, self.date_order),
            "duration": find_durations,
            "number": find_numbers,
        }
        kept: list[Match] = []
        for dimension in self.dimensions:
            for match in finders[dimension](text):
                if not any(overlaps(match, k) and frozenset({match.dim, k.dim}) not in _COEXIST for k in kept):
                    kept.append(match)
        return sorted(kept, key=lambda m: (m.start, DIMENSIONS.index(m.dim)))


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ComponentError(DucklingEntityExtractor.name, f"unknown timezone {name!r}; use an IANA name such as 'Europe/Berlin' or 'UTC'") from exc


def _entity(match: Match) -> Entity:
    return Entity(
        match.dim,
        match.simple_value,
        match.start,
        match.end,
        extractor=EXTRACTOR_NAME,
        confidence=1.0,
        text=match.text,
        additional_info=match.value,
    )
