"""The bot messages of a turn of several requests ("hi, where is my order?"), read together.

``bot.Bot`` runs each request of such a turn through the engine in turn, and each run
ends as it would alone: with the open question asked again. Together that asks a
question twice, or asks one a later request made moot. ``without_repeated_questions``
keeps the last asking of the turn's last message and drops questions of flows a later
request of the same turn ended.
"""

from __future__ import annotations

from dialog.events import Event

__all__ = ["without_repeated_questions"]


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

    earlier = {index for index in bots[:-1] if same(events[index])}
    moot = _moot_questions(events)
    return [event for index, event in enumerate(events) if index not in earlier and index not in moot]


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
