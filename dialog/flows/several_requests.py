"""A turn of several requests ("hi, where is my order?"): their order, and their messages read together.

``bot.Bot`` runs each request of such a turn through the engine in turn, and each run
ends as it would alone: with the open question asked again. Together that asks a
question twice, or asks one a later request made moot. ``without_repeated_questions``
keeps the last asking of the turn's last message and drops questions of flows a later
request of the same turn ended.

Two tasks cannot be asked about at once: "cancel 234567 and change the delivery address
on it" asked "Do you want me to cancel it?" and "What's the new address?" in one turn,
and the "yes" that followed went to the address. Once a request leaves a question open,
the later requests that start a flow with questions of its own wait (``requests_to_queue``,
the ``request_queued`` event) and are taken up, in order, when no flow runs any more
(``bot.Bot``); "stop", a goodbye or a restart drops them. Later requests that ask nothing
back (a question, thanks) are still handled at once. Several values for one question
("check INC-1001 and REQ-2002") wait the same way, one run each (``queue_other_values``),
and a request taken up is about the value the one before it used (``taken_up``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from dialog.config.flow_model import Flow
from dialog.config.models import BotConfig, Slot
from dialog.events import Event, request_queued
from dialog.flows.carry_over import earlier_value
from dialog.flows.patterns import is_pattern
from dialog.flows.question_form import asks_for_information
from dialog.flows.repair import flow_for
from dialog.flows.ruled_out import is_ruled_out
from dialog.flows.turn import Turn
from dialog.intent_payload import payload_text
from dialog.types import Entity, ParseResult

__all__ = ["other_values_to_queue", "queue_other_values", "requests_to_queue", "taken_up", "without_repeated_questions"]


def requests_to_queue(config: BotConfig, later: Sequence[ParseResult]) -> tuple[list[ParseResult], list[ParseResult]]:
    """``later`` (the requests after one that left a question open) split into those to
    handle now and those that wait: the ones that start a flow that asks questions, unless
    they only ask for information ("and what is your return policy?": the documents answer
    it now, and the open question is asked again)."""
    now: list[ParseResult] = []
    waiting: list[ParseResult] = []
    for part in later:
        waits = _starts_a_flow_with_questions(config, part.intent) and not asks_for_information(part.text)
        (waiting if waits else now).append(part)
    return now, waiting


def other_values_to_queue(flow: Flow, parse: ParseResult, slots: Mapping[str, Slot], filled: Mapping[str, object]) -> list[str]:
    """One request per further value of the flow's first question, as payloads that wait:
    "check INC-1001 and REQ-2002" checks INC-1001, then REQ-2002 (a slot holds one value;
    the second was dropped). Only for a slot that is no list and took one of the values."""
    step = flow.first_collect()
    slot = slots.get(step.collect) if step is not None else None
    if step is None or slot is None or slot.type == "list" or parse.intent is None or step.collect not in filled:
        return []
    names = {mapping.entity for mapping in slot.mappings if mapping.type == "from_entity" and mapping.entity}
    values: list[object] = []
    for entity in sorted(parse.entities, key=lambda entity: entity.start):
        if entity.entity in names and entity.value not in values and not is_ruled_out(parse.text, entity.start, entity.end):
            values.append(entity.value)
    if len(values) < 2 or filled[step.collect] not in values:
        return []
    others = [value for value in values if value != filled[step.collect]]
    entity_name = next(entity.entity for entity in parse.entities if entity.value == others[0])
    return [payload_text(parse.intent, {entity_name: value}) for value in others]


def queue_other_values(turn: Turn, flow: Flow, parse: ParseResult, filled: Mapping[str, object]) -> None:
    """Queue ``other_values_to_queue`` as the flow starts (``bot.Bot`` takes them up in turn)."""
    for text in other_values_to_queue(flow, parse, turn.runtime.config.domain.slots, filled):
        turn.emit(request_queued(text, turn.now()))


def taken_up(config: BotConfig, parse: ParseResult, newest_first: Iterable[Mapping[str, Any]]) -> ParseResult:
    """A queued request as it is taken up: when it names no value for its flow's first
    question, it gets the value that slot had in the request before it. Both came in one
    message, so they are about the same thing: "i never got my refund and i returned the
    yoga mat" asks for the order once, for the refund, and the return is about that order.
    ``newest_first``: the conversation's events, the latest first."""
    flow_id = flow_for(config, parse.intent)
    step = config.flows[flow_id].first_collect() if flow_id is not None else None
    slot = config.domain.slots.get(step.collect) if step is not None else None
    if step is None or slot is None:
        return parse
    names = [mapping.entity for mapping in slot.mappings if mapping.type == "from_entity" and mapping.entity]
    if not names or any(entity.entity in names for entity in parse.entities):
        return parse
    value = earlier_value(newest_first, step.collect, entities=names)
    if value is None or isinstance(value, (bool, dict, list)):
        return parse
    return parse.replace(entities=(*parse.entities, Entity(names[0], value, 0, 0, extractor="queued_request")))


def _starts_a_flow_with_questions(config: BotConfig, intent: str | None) -> bool:
    flow_id = flow_for(config, intent)
    return flow_id is not None and not is_pattern(flow_id) and config.flows[flow_id].first_collect() is not None


def without_repeated_questions(events: list[Event]) -> list[Event]:
    """A turn of several requests without the earlier copies of its last bot message.

    "headphones, and do you have gift cards?" at "which item?": the answer moves the flow
    on to "why are you returning them?", the question about gift cards is answered, and
    the flow asks again; asking it before the answer too would be asking twice."""
    bots = [index for index, event in enumerate(events) if event.get("event") == "bot"]
    if len(bots) < 2:
        return events
    last = events[bots[-1]]
    name = (last.get("metadata") or {}).get("utter_action")

    def same(event: Event) -> bool:
        return (event.get("metadata") or {}).get("utter_action") == name if name else event.get("text") == last.get("text")

    asking = _questions(events)
    earlier = {index for index in bots[:-1] if (index in asking and same(events[index])) or events[index].get("text") == last.get("text")}
    moot = _moot_questions(events)
    return [event for index, event in enumerate(events) if index not in earlier and index not in moot]


def _questions(events: list[Event]) -> set[int]:
    """The bot messages that ask a flow's question. Other messages are dropped only as the
    very same text ("Bye!" twice); two answers from the same response ("Ticket INC-1001 is
    in progress", "Ticket REQ-2002 is completed") are both kept."""
    asking: set[int] = set()
    question = False
    for index, event in enumerate(events):
        if event.get("event") == "action":
            question = bool(event.get("requested_slot"))
        elif event.get("event") == "bot" and question:
            asking.add(index)
    return asking


def _moot_questions(events: list[Event]) -> set[int]:
    """The bot messages of a turn of several requests that ask a question of a flow a later
    request of the same turn ended: "thank you, bye now" at "which country?" thanks, asks
    again, then says goodbye, which cancels the flow; the question in between is dropped."""
    ended = {event.get("flow_id"): index for index, event in enumerate(events) if event.get("event") in ("flow_cancelled", "flow_completed")}
    moot: set[int] = set()
    asking: str | None = None
    for index, event in enumerate(events):
        if event.get("event") == "action":
            asking = event.get("flow_id") if event.get("requested_slot") else None
        elif event.get("event") == "bot" and asking is not None and ended.get(asking, -1) > index:
            moot.add(index)
            asking = None
    return moot
