"""Constructors for the conversation events, in Rasa tracker JSON (docs/architecture.md, "Events").

A conversation is an append-only list of these dicts; ``state.replay`` derives
everything else from them. Keeping the shapes in one module means the engine,
the stores, the tracker endpoint and the story runner agree on them.

Our additions to Rasa's shapes are extra keys (tools that read Rasa trackers
ignore them): ``action`` events of flow steps carry ``flow_id``, ``step_id``,
``requested_slot`` and ``attempts`` so the flow position replays exactly.
"""

from __future__ import annotations

from typing import Any, Mapping

from dialog.types import Button, Reply

__all__ = [
    "Event",
    "action",
    "bot",
    "flow_cancelled",
    "flow_completed",
    "flow_interrupted",
    "flow_resumed",
    "flow_started",
    "handoff",
    "llm_fallback",
    "restart",
    "resume",
    "session_started",
    "slot",
    "to_reply",
    "user",
]

Event = dict[str, Any]


def user(
    text: str,
    parse_data: Mapping[str, Any],
    timestamp: float,
    metadata: Mapping[str, Any] | None = None,
    input_channel: str | None = None,
) -> Event:
    event: Event = {"event": "user", "timestamp": timestamp, "text": text, "parse_data": dict(parse_data)}
    if metadata:
        event["metadata"] = dict(metadata)
    if input_channel:
        event["input_channel"] = input_channel
    return event


def bot(
    text: str,
    timestamp: float,
    response: str | None = None,
    buttons: tuple[Button, ...] | list[Button] = (),
    image: str | None = None,
    custom: Mapping[str, Any] | None = None,
    extra_metadata: Mapping[str, Any] | None = None,
) -> Event:
    """A bot message; ``response`` is the ``utter_*`` that produced it (None for literal text)."""
    data: dict[str, Any] = {}
    if buttons:
        data["buttons"] = [button.as_json() for button in buttons]
    if image:
        data["image"] = image
    if custom:
        data["custom"] = dict(custom)
    metadata: dict[str, Any] = {"utter_action": response} if response else {}
    if extra_metadata:
        metadata.update(extra_metadata)
    return {"event": "bot", "timestamp": timestamp, "text": text, "data": data, "metadata": metadata}


def slot(name: str, value: Any, timestamp: float) -> Event:
    return {"event": "slot", "timestamp": timestamp, "name": name, "value": value}


def action(
    name: str,
    timestamp: float,
    flow_id: str | None = None,
    step_id: str | None = None,
    requested_slot: str | None = None,
    attempts: int = 0,
) -> Event:
    """An action ran. Inside a flow it also records where the flow stands."""
    event: Event = {"event": "action", "timestamp": timestamp, "name": name}
    if flow_id is not None:
        event["flow_id"] = flow_id
        event["step_id"] = step_id
        event["requested_slot"] = requested_slot
        event["attempts"] = attempts
    return event


def flow_started(flow_id: str, timestamp: float, called_from: str | None = None) -> Event:
    """A flow is pushed; ``called_from`` is the parent's ``call`` step when it is a sub-flow."""
    event: Event = {"event": "flow_started", "timestamp": timestamp, "flow_id": flow_id}
    if called_from is not None:
        event["called_from"] = called_from
    return event


def flow_completed(flow_id: str, timestamp: float) -> Event:
    return {"event": "flow_completed", "timestamp": timestamp, "flow_id": flow_id}


def flow_cancelled(flow_id: str, timestamp: float, reason: str = "") -> Event:
    event: Event = {"event": "flow_cancelled", "timestamp": timestamp, "flow_id": flow_id}
    if reason:
        event["reason"] = reason
    return event


def flow_interrupted(flow_id: str, timestamp: float, by: str | None = None) -> Event:
    event: Event = {"event": "flow_interrupted", "timestamp": timestamp, "flow_id": flow_id}
    if by:
        event["by"] = by
    return event


def flow_resumed(flow_id: str, timestamp: float) -> Event:
    return {"event": "flow_resumed", "timestamp": timestamp, "flow_id": flow_id}


def llm_fallback(
    timestamp: float,
    *,
    provider: str | None = None,
    model: str | None = None,
    prompt_hash: str | None = None,
    latency_ms: float | None = None,
    prompt_tokens: int = 0,
    completion_tokens: int = 0,
    outcome: str = "ok",
) -> Event:
    """The turn went to the LLM; ``outcome`` is ok, timeout, error, empty, ungrounded or unavailable
    (no LLM: then there is no ``provider``)."""
    event: Event = {"event": "llm_fallback", "timestamp": timestamp}
    if provider is not None:
        event["provider"] = provider
    return event | {
        "model": model,
        "prompt_hash": prompt_hash,
        "latency_ms": latency_ms,
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion_tokens,
        "outcome": outcome,
    }


def handoff(timestamp: float) -> Event:
    return {"event": "handoff", "timestamp": timestamp}


def resume(timestamp: float) -> Event:
    """The bot speaks again after a handoff (Rasa's ``resume`` event)."""
    return {"event": "resume", "timestamp": timestamp}


def restart(timestamp: float) -> Event:
    return {"event": "restart", "timestamp": timestamp}


def session_started(timestamp: float) -> Event:
    return {"event": "session_started", "timestamp": timestamp}


def request_queued(text: str, timestamp: float) -> Event:
    """A request of a several-request message that waits for the flow asking now to end."""
    return {"event": "request_queued", "text": text, "timestamp": timestamp}


def request_taken_up(text: str, timestamp: float) -> Event:
    """The oldest queued request is handled now (the flow before it ended)."""
    return {"event": "request_taken_up", "text": text, "timestamp": timestamp}


def to_reply(event: Mapping[str, Any]) -> Reply:
    """The ``Reply`` a channel sends for a ``bot`` event."""
    data = event.get("data") or {}
    buttons = tuple(Button(str(b.get("title", "")), str(b.get("payload", ""))) for b in data.get("buttons", ()))
    metadata = event.get("metadata") or {}
    return Reply(
        text=event.get("text") or "",
        buttons=buttons,
        response=metadata.get("utter_action"),
        image=data.get("image"),
        custom=data.get("custom"),
    )
