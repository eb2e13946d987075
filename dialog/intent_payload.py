"""Button payloads that skip the NLU, as in Rasa: ``/intent``, ``/intent{"entity": "value"}``.

Forms accepted (whitespace around the payload is ignored):

* ``/greet`` - intent ``greet``, confidence 1.0 (``/faq/ask_name``: a retrieval sub-intent)
* ``/inform{"order_id": "123456"}`` - plus entity ``order_id``; a list value gives
  one entity per item; a JSON list of ``{"entity", "value", "role", "group"}``
  objects is accepted too
* ``/inform@0.8{...}`` - an explicit confidence
* ``/restart``, ``/stop``, ``/session_start`` - built-in intents, always payloads
* ``/affirm"`` - a stray trailing quote (a typo Rasa accepts) is dropped
* ``/SetSlots(interested=true, plan=gold)`` - Rasa Pro's button command: it sets those
  slots directly, whatever their mappings (``SET_SLOTS_FEATURE``), as the answer
  intent ``inform``; ``[a, b]`` is a list value, quotes around a value are dropped

Decision on bad input: a payload whose JSON does not parse (or is not an object
or list of objects), or whose intent is not one of the bot's intents, is *not*
a payload; it is parsed as ordinary text by the NLU, with a warning in the log
for the bot author. A user typing "/shrug" then gets the normal fallback path
instead of an error.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any, Collection, Mapping

from dialog.builtin_names import BUILTIN_INTENTS
from dialog.types import NLU_FALLBACK, Entity, IntentScore, ParseResult

__all__ = ["BUILTIN_INTENTS", "SET_SLOTS_FEATURE", "parse_payload", "payload_text", "set_slots_of", "without_stray_quote"]  # BUILTIN_INTENTS re-exported from builtin_names

logger = logging.getLogger(__name__)


_PAYLOAD = re.compile(
    r"/(?P<intent>[^\s{@/][^\s{@]*)(?:@(?P<confidence>[0-9]*\.?[0-9]+))?(?P<entities>[{\[].*)?",
    re.DOTALL,
)

_SET_SLOTS = re.compile(r"/SetSlots\((?P<body>.*)\)", re.DOTALL)
SET_SLOTS_FEATURE = "set_slots"
SET_SLOTS_INTENT = "inform"  # what the collect step reads as an answer (collect_classifier.ANSWER_INTENT)


def payload_text(intent: str, entities: Mapping[str, Any] | None = None) -> str:
    """The payload ``parse_payload`` reads back: ``/intent`` or ``/intent{"entity": "value"}``."""
    return f"/{intent}{json.dumps(dict(entities), ensure_ascii=False) if entities else ''}"


def parse_payload(text: str, intents: Collection[str] = ()) -> ParseResult | None:
    """The ParseResult of a payload, or None when ``text`` is to be parsed by the NLU.

    ``intents`` are the bot's intents; when empty, any intent name is accepted.
    """
    stripped = without_stray_quote(text.strip())
    set_slots = _SET_SLOTS.fullmatch(stripped)
    if set_slots is not None:
        return _set_slots_parse(text, set_slots.group("body"))
    match = _PAYLOAD.fullmatch(stripped)
    if match is None:
        return None
    intent = match.group("intent")
    if intents and intent not in intents and intent not in BUILTIN_INTENTS and intent != NLU_FALLBACK:  # Rasa's test stories send it
        logger.warning("payload %r names unknown intent %r; parsing it as text", text, intent)
        return None
    confidence = float(match.group("confidence")) if match.group("confidence") else 1.0
    if not 0.0 <= confidence <= 1.0:
        logger.warning("payload %r has confidence outside [0, 1]; parsing it as text", text)
        return None
    entities: tuple[Entity, ...] = ()
    if match.group("entities") is not None:
        offset = len(text) - len(text.lstrip()) + match.start("entities")
        parsed = _entities(match.group("entities"), offset, offset + len(match.group("entities")))
        if parsed is None:
            logger.warning("payload %r has malformed entity JSON; parsing it as text", text)
            return None
        entities = parsed
    return ParseResult(
        text=text,
        intent=intent,
        confidence=confidence,
        entities=entities,
        ranking=(IntentScore(intent, confidence),),
    )


def set_slots_of(parse: ParseResult) -> Mapping[str, Any] | None:
    """The slots a ``/SetSlots(...)`` payload sets, or None for any other message."""
    values = parse.features.get(SET_SLOTS_FEATURE)
    return values if isinstance(values, Mapping) else None


def _set_slots_parse(text: str, body: str) -> ParseResult | None:
    values: dict[str, Any] = {}
    for part in _top_level_split(body):
        name, equals, value = part.partition("=")
        name = name.strip()
        if not equals or not re.fullmatch(r"[^\s()=,]+", name):
            logger.warning("payload %r: %r is not slot=value; parsing it as text", text, part.strip())
            return None
        values[name] = _set_slot_value(value.strip())
    if not values:
        logger.warning("payload %r sets no slot; parsing it as text", text)
        return None
    return ParseResult(
        text=text,
        intent=SET_SLOTS_INTENT,
        confidence=1.0,
        ranking=(IntentScore(SET_SLOTS_INTENT, 1.0),),
        features={SET_SLOTS_FEATURE: values},
    )


def _top_level_split(body: str) -> list[str]:
    """``body`` split at the commas outside brackets and quotes."""
    parts, depth, quote, start = [], 0, "", 0
    for index, char in enumerate(body):
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char == "[":
            depth += 1
        elif char == "]":
            depth = max(0, depth - 1)
        elif char == "," and depth == 0:
            parts.append(body[start:index])
            start = index + 1
    parts.append(body[start:])
    return [part for part in parts if part.strip()]


def _set_slot_value(value: str) -> Any:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    if value.startswith("[") and value.endswith("]"):
        return [_set_slot_value(item.strip()) for item in _top_level_split(value[1:-1])]
    return None if value in ("null", "None") else value


def without_stray_quote(payload: str) -> str:
    """``/affirm`` for ``/affirm"``: Rasa projects' buttons carry such typos and Rasa accepts
    them. A quote is stray when the payload has an odd number of that quote."""
    for quote in "\"'":
        if payload.endswith(quote) and payload.count(quote) % 2 == 1:
            return payload[:-1]
    return payload


def _entities(source: str, start: int, end: int) -> tuple[Entity, ...] | None:
    try:
        data: Any = json.loads(source)
    except ValueError:
        return None
    items: list[tuple[str, Any, Any, Any]] = []
    if isinstance(data, dict):
        for name, value in data.items():
            values = value if isinstance(value, list) else [value]
            items.extend((name, item, None, None) for item in values)
    elif isinstance(data, list):
        for item in data:
            if not isinstance(item, dict) or not isinstance(item.get("entity"), str) or "value" not in item:
                return None
            items.append((item["entity"], item["value"], item.get("role"), item.get("group")))
    else:
        return None
    return tuple(
        Entity(str(name), value, start, end, confidence=1.0, role=_optional(role), group=_optional(group))
        for name, value, role, group in items
    )


def _optional(value: Any) -> str | None:
    return None if value is None else str(value)
