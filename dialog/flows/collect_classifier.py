"""What a message is while a ``collect`` step waits: an answer, or a repair.

An answer fills the slot. Everything else gets its own handling and then the
question again, without counting as a failed attempt and without touching the
slot (``dialog/flows/engine.py`` runs the repair pattern):

* a repair intent (``repeat``, ``skip``, ``correct``, ``out_of_scope``) at the
  trigger threshold (a person asked for is a digression: it needs the digression
  threshold against a valid free-text answer),
* a question ("what's your phone number?") that carries none of the slot's entities,
* keyboard mashing (``features["nonsense"]`` from ``dialog/nlu/nonsense.py``): never
  an answer, a failed attempt.

A ``from_text`` slot takes only messages that read as answers (``reads_as_answer``):
the text is neither a question nor nonsense nor a bare yes or no, rules no value out
("not tuesday", ``flows/ruled_out.py``), and the parse is
``inform`` or no repair intent is confident. A question that names the slot's entity ("is it 123456?")
still fills it, through the ``from_entity`` mapping.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dialog.builtin_names import AFFIRM_INTENT, CORRECT_INTENT, DENY_INTENT, OUT_OF_SCOPE_INTENT, REPEAT_INTENT, SKIP_INTENT
from dialog.flows.ruled_out import is_ruled_out
from dialog.intent_payload import set_slots_of
from dialog.questions import looks_like_question
from dialog.types import NONSENSE_FEATURE, ParseResult

__all__ = ["NON_ANSWER_INTENTS", "asks_about_the_task", "is_bare_yes_or_no", "is_chitchat", "is_nonsense", "reads_as_answer", "restates_request"]

NON_ANSWER_INTENTS = frozenset({REPEAT_INTENT, SKIP_INTENT, CORRECT_INTENT, OUT_OF_SCOPE_INTENT})
ANSWER_INTENT = "inform"
BARE_REPLY_WORDS = 2  # "yes", "no thanks": a bare yes or no answers no free-text question



def is_payload(parse: ParseResult) -> bool:
    """A button payload or ``trigger_intent`` (``/intent...``): the user chose the intent explicitly."""
    return parse.intent is not None and (parse.text.lstrip().startswith(f"/{parse.intent}") or set_slots_of(parse) is not None)


def is_nonsense(parse: ParseResult) -> bool:
    """Keyboard mashing, as the NLU found (``dialog/nlu/nonsense.py``); a payload never is."""
    return not is_payload(parse) and bool(parse.features.get(NONSENSE_FEATURE))


def _confident(parse: ParseResult, threshold: float) -> bool:
    return parse.intent is not None and parse.confidence >= threshold


def reads_as_answer(parse: ParseResult, trigger_threshold: float) -> bool:
    """Whether a ``from_text`` slot may take this message as its value."""
    if is_payload(parse):
        return True
    if is_nonsense(parse) or looks_like_question(parse.text):
        return False  # a question is no free-text answer; one with the slot's entity fills it through from_entity
    if any(is_ruled_out(parse.text, entity.start, entity.end) for entity in parse.entities):
        return False  # "not tuesday, I'm at work", "friday doesn't work for me": no day, and no name
    if parse.intent == ANSWER_INTENT:
        return True
    if is_bare_yes_or_no(parse, trigger_threshold, BARE_REPLY_WORDS):
        return False  # "yes" to "What do you need it for?" is no reason, description or name
    return not (parse.intent in NON_ANSWER_INTENTS and _confident(parse, trigger_threshold))


def restates_request(text: str, value: object) -> bool:
    """Whether a free-text value (the whole message) with no digit is the flow's request said
    again ("change my plan" at "what is your account number?") rather than a wrong answer
    ("ticket 7" is a try at a ticket number: its rejection says what one looks like)."""
    return value == text and not any(character.isdigit() for character in text)


def is_chitchat(parse: ParseResult, trigger_threshold: float) -> bool:
    """A message that did not answer and deserves a reply rather than a re-ask:
    an out-of-scope intent or a question (an order number is never a question). A question
    read as ``inform`` ("how much does that cost?" while booking) is one too: it is about
    the task, and ``pattern_chitchat`` says the bot does not know rather than ask the LLM
    (``asks_about_the_task``). A value named only to rule it out ("not friday, I'm at
    work" at "which day?") is about the question: it is asked again."""
    if is_payload(parse) or is_nonsense(parse):
        return False
    if any(is_ruled_out(parse.text, entity.start, entity.end) for entity in parse.entities):
        return False
    if parse.intent == OUT_OF_SCOPE_INTENT and _confident(parse, trigger_threshold):
        return True
    return looks_like_question(parse.text)


def asks_about_the_task(parse_data: Mapping[str, Any]) -> bool:
    """Whether a message that went to ``pattern_chitchat`` was read as ``inform``: a
    question about the bot's own task, which the LLM must not answer for it."""
    intent = parse_data.get("intent")
    name = intent.get("name") if isinstance(intent, Mapping) else intent
    return name == ANSWER_INTENT


def is_bare_yes_or_no(parse: ParseResult, threshold: float, max_words: int) -> bool:
    """A confident ``affirm`` or ``deny`` of at most ``max_words`` words ("ok", "no thanks")."""
    return parse.intent in (AFFIRM_INTENT, DENY_INTENT) and parse.confidence >= threshold and len(parse.text.split()) <= max_words
