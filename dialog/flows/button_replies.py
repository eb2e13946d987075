"""A typed reply to the bot's buttons chooses a button, as a click would.

Users type more often than they click. After "Would you like me to help with that?
[Start a return]" they write "yes"; after "Did you mean one of these? [Track my
order] [Check my refund]" they write "the second one", or the title itself. Read
as plain text, "yes" is an ``affirm`` that no flow handles, and the bot answered
"Sorry, I didn't get that".

The buttons are those of the bot's messages since the user last wrote. A message
chooses one when:

* it is the button's title, ignoring case, punctuation and spacing, or with a typo
  (rapidfuzz ratio >= ``TITLE_SIMILARITY``, or a one-word title with letters swapped:
  "breaks" for [Brakes]), or words of only one title ("kids" for [Kids' bike]);
* it names a position ("the first one", "option 2", "the last one"); a bare number
  only while no question is open (it may be the answer);
* it names the entities of a button's payload ("medium" after [High] [Medium] [Low],
  each ``/inform{"urgency": ...}``), or confidently has the intent of the only button
  whose payload carries entities for it ("cancel it" after "What would you like me to
  do with 234567? [Track] [Cancel]"): that button, so the entities come along;
* it is a confident ``affirm``, the message had a single button whose payload is no
  yes or no itself (an offer), no question is open and no flow of the bot is
  triggered by ``affirm`` (the bot's own handling comes first);
* it answers the first question of the single offered flow ("123456" after the offer
  to choose a delivery day): that flow starts with the message's entities.

The chosen button's payload is parsed as the click's would be, and the user's own
words stay the message's text. Only ``/intent`` payloads are followed: a plain-text
payload is the same kind of text the user typed.

A "no" to an offer, like any bare yes or no that answers nothing, gets
``utter_acknowledge_no`` from the engine (``dialog/flows/engine.py``).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import replace
from typing import Any

from dialog.builtin_names import AFFIRM_INTENT, DENY_INTENT
from dialog.flows.repair import flow_for
from dialog.flows.turn import Turn
from dialog.intent_payload import parse_payload
from dialog.types import ParseResult

__all__ = ["TITLE_SIMILARITY", "chosen_button", "offered_buttons", "typed_button_choice"]

logger = logging.getLogger(__name__)

TITLE_SIMILARITY = 90  # rapidfuzz ratio (0-100) of a typed title with a typo: "strat a return"
_MAX_WORDS = 6  # longer messages say more than which button

_POSITIONS = {"first": 0, "1st": 0, "second": 1, "2nd": 1, "third": 2, "3rd": 2, "fourth": 3, "4th": 3, "fifth": 4, "5th": 4}
_POSITION = re.compile(
    r"(?:(?:i'?ll take|i want|i choose|let'?s go with|go with)\s+)?(?:the\s+)?"
    r"(?:(?P<word>first|1st|second|2nd|third|3rd|fourth|4th|fifth|5th|last)(?:\s+(?:one|option|button|choice))?"
    r"|(?:option|number|choice|no\.?|#)\s*(?P<number>\d))"
    r"(?:\s+(?:one|option|please|pls))*",
    re.IGNORECASE,
)
_BARE_NUMBER = re.compile(r"#?(?P<number>\d)")


def offered_buttons(stored: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The buttons (``{"title", "payload"}``) of the bot's messages since the user last wrote."""
    buttons: list[Mapping[str, Any]] = []
    for event in reversed(stored):
        kind = event.get("event")
        if kind == "user":
            break
        if kind == "bot":
            buttons[:0] = [button for button in (event.get("data") or {}).get("buttons") or () if isinstance(button, Mapping)]
    return buttons


def typed_button_choice(turn: Turn, parse: ParseResult, intents: Collection[str], fills: Callable[[ParseResult], Mapping[str, Any]]) -> ParseResult:
    """``parse`` as the click of the button the message chooses among the bot's last
    buttons, or as is. ``fills``: the slots a parse would fill (the engine's preview)."""
    buttons = offered_buttons(turn.stored)
    if not buttons:
        return parse
    config = turn.runtime.config
    chosen = chosen_button(
        parse,
        buttons,
        intents=intents,
        question_open=turn.state.requested_slot is not None,
        affirm_handled=flow_for(config, AFFIRM_INTENT) is not None,
        threshold=config.settings.trigger_threshold,
    )
    if chosen is None and turn.state.requested_slot is None:
        chosen = _answers_offered_flow(turn, parse, buttons, intents, fills)
    if chosen is not None:
        logger.info("%r chooses the button %r", parse.text, chosen.intent)
    return chosen or parse


def _answers_offered_flow(
    turn: Turn, parse: ParseResult, buttons: Sequence[Mapping[str, Any]], intents: Collection[str], fills: Callable[[ParseResult], Mapping[str, Any]]
) -> ParseResult | None:
    """The single offered flow's click, with the message's entities, when the message
    answers that flow's first question ("123456" after the offer to track an order)."""
    if len(buttons) != 1 or not parse.entities:
        return None
    offered = parse_payload(str(buttons[0].get("payload") or ""), intents)
    flow_id = flow_for(turn.runtime.config, offered.intent) if offered is not None else None
    if offered is None or flow_id is None:
        return None
    first = turn.runtime.flow(flow_id).first_question()
    if first is None or first not in fills(parse.replace(intent=offered.intent)):
        return None
    return offered.replace(text=parse.text, entities=offered.entities + parse.entities)


def chosen_button(
    parse: ParseResult,
    buttons: Sequence[Mapping[str, Any]],
    *,
    intents: Collection[str],
    question_open: bool,
    affirm_handled: bool,
    threshold: float,
) -> ParseResult | None:
    """The parse of the button ``parse``'s text chooses, with the user's text; None if none.

    ``affirm_handled``: a flow of the bot is triggered by ``affirm`` (it decides what yes means)."""
    text = parse.text.strip()
    if not buttons or not text or text.startswith("/") or len(text.split()) > _MAX_WORDS:
        return None
    button = _by_title(text, buttons) or _by_position(text, buttons, question_open) or _by_intent(parse, buttons, intents, threshold)
    says_yes = parse.intent == AFFIRM_INTENT and parse.confidence >= threshold
    if button is None and says_yes and _is_offer(buttons, intents) and not question_open and not affirm_handled:
        button = buttons[0]
    if button is None:
        return None
    payload = parse_payload(str(button.get("payload") or ""), intents)
    if payload is None:
        return None
    found = {(entity.entity, str(entity.value)) for entity in parse.entities}
    if payload.intent == parse.intent and all((entity.entity, str(entity.value)) in found for entity in payload.entities):
        return None  # the NLU read it as the click would: keep its entities and where they are
    # the payload's entities stand for the whole typed message; the NLU's own are kept beside them
    entities = tuple(replace(entity, start=0, end=len(parse.text), text=parse.text) for entity in payload.entities)
    named = {entity.entity for entity in entities}
    return payload.replace(text=parse.text, entities=entities + tuple(entity for entity in parse.entities if entity.entity not in named))


def _normal(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def _by_title(text: str, buttons: Sequence[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    from rapidfuzz import fuzz

    typed = _normal(text)
    if not typed:
        return None
    titles = [_normal(str(button.get("title") or "")) for button in buttons]
    for button, title in zip(buttons, titles):
        if title == typed:
            return button
    words = typed.split()
    holding = [index for index, title in enumerate(titles) if len(typed) >= 3 and set(words) <= set(title.split())]
    if len(holding) == 1:
        return buttons[holding[0]]  # "kids" for [Kids' bike], "hybrid" for [City / hybrid]
    if len(typed) < 5:
        return None  # "yes" is not a typo of "yes!", but "no" is two letters from many titles
    scored = [(fuzz.ratio(typed, title), index) for index, title in enumerate(titles) if title]
    close = [index for score, index in scored if score >= TITLE_SIMILARITY]
    close = close or [index for index, title in enumerate(titles) if _letters_swapped(typed, title)]
    return buttons[close[0]] if len(close) == 1 else None


def _letters_swapped(typed: str, title: str) -> bool:
    """A one-word title typed with letters in the wrong order: "breaks" for "brakes"."""
    return " " not in typed + title and len(typed) == len(title) and typed[0] == title[0] and sorted(typed) == sorted(title)


def _by_position(text: str, buttons: Sequence[Mapping[str, Any]], question_open: bool) -> Mapping[str, Any] | None:
    stripped = text.strip().rstrip(".!")
    match = _POSITION.fullmatch(stripped)
    if match is None and not question_open:
        match = _BARE_NUMBER.fullmatch(stripped)
    if match is None:
        return None
    groups: dict[str, str | None] = match.groupdict()
    word, number = groups.get("word"), groups.get("number")
    if word is not None:
        index = len(buttons) - 1 if word.lower() == "last" else _POSITIONS[word.lower()]
    else:
        index = int(str(number)) - 1
    return buttons[index] if 0 <= index < len(buttons) else None


def _by_intent(parse: ParseResult, buttons: Sequence[Mapping[str, Any]], intents: Collection[str], threshold: float) -> Mapping[str, Any] | None:
    """The button whose payload carries the entities the message names ("medium please" after
    [High] [Medium] [Low], each ``/inform{"urgency": ...}``); else the only button whose
    payload carries entities for the intent the message confidently has ("cancel it" after
    "What would you like me to do with 234567? [Track] [Cancel]"). A message naming another
    value of a button's entity does not choose it, and neither does an intent that several
    buttons share: "what do the levels mean?" read as ``inform`` chose [High] before."""
    named = {(entity.entity, str(entity.value).lower()) for entity in parse.entities}
    named_types = {entity for entity, _ in named}
    carrying = [(button, payload) for button in buttons if (payload := parse_payload(str(button.get("payload") or ""), intents)) is not None and payload.entities]
    for button, payload in carrying:
        if named and all((entity.entity, str(entity.value).lower()) in named for entity in payload.entities):
            return button
    if parse.intent is None or parse.confidence < threshold:
        return None
    same_intent = [(button, payload) for button, payload in carrying if payload.intent == parse.intent]
    if len(same_intent) != 1:
        return None
    button, payload = same_intent[0]
    if any(entity.entity in named_types for entity in payload.entities):
        return None  # it names a value of its own (the button's would have matched above)
    return button


def _is_offer(buttons: Sequence[Mapping[str, Any]], intents: Collection[str]) -> bool:
    """One button that does something: not itself a yes or no."""
    if len(buttons) != 1:
        return False
    payload = parse_payload(str(buttons[0].get("payload") or ""), intents)
    return payload is not None and payload.intent not in (AFFIRM_INTENT, DENY_INTENT)

