"""Values the user gave earlier in the conversation, for a flow that refers back to them.

Ending a flow resets the slots it collected (as Rasa Pro does), so the next task does
not silently reuse the last order. But users refer back:

* "track 123456", then "cancel it": "it" is order 123456. A flow that starts on a
  message referring back with a pronoun ("cancel it", "what's the status of that
  one?") gets the value its first question's slot had last, within the last few user
  turns of this session, unless the message names a value of its own
  (``referred_values``). "cancel my order" names no earlier order and is asked.
* "next friday", "Done, Friday", then "no, saturday instead": the delivery-day flow
  runs again (``repair.finished_flow_correction``) and keeps the order it was about,
  the answers given before the corrected question (``answers_before``). Questions
  after it are asked again, and a confirmation always is.

Both read the slot events the conversation already stores: nothing new is kept.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

from dialog.config.flow_model import CollectStep, Flow
from dialog.config.models import Slot

__all__ = ["RECENT_USER_TURNS", "answers_before", "earlier_value", "last_run_values", "referred_values", "refers_back"]

RECENT_USER_TURNS = 5  # how far back "it" may reach, counted in the user's messages

# "it" / "them" anywhere, except where "it" stands for nothing ("is it possible ...",
# "it's fine", "forget it", "how's it going", "make it Tuesday")
_IT = re.compile(r"\b(?:it|them)\b", re.IGNORECASE)
_EMPTY_IT = re.compile(
    r"\b(?:is|was|isn't|wasn't|would|will)\s+it\s+(?:possible|ok|okay|true|normal|safe|allowed|fine|free|necessary|worth|too|hard|easy|likely|better)\b"
    r"|\bit(?:'s|’s|\s+is|\s+was)\s+(?:possible|ok|okay|true|normal|safe|allowed|fine|free|necessary|worth|too|hard|easy|likely|been|better|urgent)\b"
    r"|\b(?:forget|never\s*mind|got|get|made|make|that's|thats|take|hate|love|mean|meant)\s+it\b"
    r"|\bhow(?:'s|’s|\s+is)\s+it\s+going\b",
    re.IGNORECASE,
)
# "that" / "this" / "those" / "these" as an object ("cancel that") or a determiner
# ("that order", "this one"); not "this is useless", "that would be great", "that's all"
_DEMONSTRATIVE = re.compile(
    r"\b(?:that|this|those|these|the\s+same)"
    r"(?:\s*[.!?]*\s*$"
    r"|\s+(?!(?:is|was|are|were|would|will|does|did|do|has|had|have|can|could|should|might|must|may|i|you|he|she|we|they|it|not|and|or|but|to|for|in|on|at|of|with|if|so|because|as)\b)[a-z]+)",
    re.IGNORECASE,
)


def refers_back(text: str) -> bool:
    """Whether ``text`` points at something already talked about with a pronoun."""
    if _DEMONSTRATIVE.search(text):
        return True
    return sum(1 for _ in _IT.finditer(text)) > len(_EMPTY_IT.findall(text))


def earlier_value(
    newest_first: Iterable[Mapping[str, Any]], slot: str, user_turns: int = RECENT_USER_TURNS, entities: Collection[str] = ()
) -> Any:
    """The last value ``slot`` had in this session, set at most ``user_turns`` user messages
    ago (this one included), or named by an earlier message as one of ``entities`` (the
    entities that fill the slot: "234567", then "cancel it", with no flow in between).
    ``newest_first``: the conversation's events, the latest first (``Turn.newest_first``)."""
    seen_users = 0
    for event in newest_first:
        kind = event.get("event")
        if kind in ("session_started", "restart"):
            return None
        if kind == "user":
            seen_users += 1
            if seen_users >= user_turns:
                return None
            named = [entity.get("value") for entity in (event.get("parse_data") or {}).get("entities") or () if entity.get("entity") in entities]
            if seen_users > 1 and named and named[0] is not None:
                return named[0]
        elif kind == "slot" and event.get("name") == slot and event.get("value") is not None:
            return event["value"]
    return None


def referred_values(
    flow: Flow, text: str, newest_first: Iterable[Mapping[str, Any]], slots: Mapping[str, Any], filled: Iterable[str], domain_slots: Mapping[str, Slot]
) -> dict[str, Any]:
    """The earlier value of ``flow``'s first question, when ``text`` refers back and neither
    the message (``filled``) nor the conversation (``slots``) gives that slot a value."""
    step = flow.first_collect()
    if step is None or step.ask_before_filling or step.collect in set(filled) or slots.get(step.collect) is not None:
        return {}
    if not refers_back(text):
        return {}
    slot = domain_slots.get(step.collect)
    entities = {mapping.entity for mapping in slot.mappings if mapping.type == "from_entity" and mapping.entity} if slot else set()
    value = earlier_value(newest_first, step.collect, entities=entities)
    return {} if value is None or isinstance(value, bool) else {step.collect: value}


def answers_before(flow: Flow, last_run: Mapping[str, Any], corrected: Iterable[str]) -> dict[str, Any]:
    """What the last run of ``flow`` (``last_run_values``) had collected before the first of
    the ``corrected`` questions; confirmations (``ask_before_filling``) are left out: they
    are asked again."""
    corrected = set(corrected)
    before: list[str] = []
    for step in flow.steps:
        if not isinstance(step, CollectStep):
            continue
        if step.collect in corrected:
            break
        if not step.ask_before_filling and step.collect not in before:
            before.append(step.collect)
    if not before:
        return {}
    return {name: value for name, value in last_run.items() if name in before}


def last_run_values(flow_id: str, events: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Each slot's last non-empty value during the last run of ``flow_id`` (its end resets them)."""
    values: dict[str, Any] = {}
    ended = False
    for event in reversed(events):
        kind = event.get("event")
        if kind in ("flow_completed", "flow_cancelled") and event.get("flow_id") == flow_id:
            ended = True
        elif kind == "flow_started" and event.get("flow_id") == flow_id and ended:
            break
        elif ended and kind == "slot" and event.get("value") is not None:
            values.setdefault(str(event.get("name")), event["value"])
    return values

