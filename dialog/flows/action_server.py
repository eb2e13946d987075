"""Run an action on a Rasa SDK action server (endpoints.yml's ``action_endpoint``).

Rasa users keep their ``actions/`` code and ``rasa run actions``: each call is Rasa's
action server protocol, a POST of ``{next_action, sender_id, tracker, domain, version}``
answered by ``{events, responses}``. ``slot`` events become slot updates (after a
``reset_slots``, rasa_sdk's ``AllSlotsReset``, every slot first goes back to its initial
value); ``followup``, ``restart`` and ``active_loop: null`` run that action, restart,
and end the running form; responses
become messages (a named ``response`` is rendered from domain.yml here). The tracker
sent has the slots and the latest message, not the event history; a validation
action (``validate_<form>``) also gets this turn's slot events and its form as
``active_loop``, which is what rasa_sdk's ``FormValidationAction`` reads.

Every failure (server down, timeout, an error status, a malformed answer) is an
``ActionError`` that says which, so the engine answers ``utter_internal_error`` and
the conversation stays consistent, as with a Python action that raises.
"""

from __future__ import annotations

import logging
from typing import Any, Mapping

from dialog.actions import ActionContext, ActionResult
from dialog.config.models import ActionEndpoint, BotConfig, Domain
from dialog.errors import ActionError
from dialog.types import Button, Reply

__all__ = ["RASA_VERSION", "REQUESTED_SLOT", "ActionServer", "domain_json"]

logger = logging.getLogger(__name__)

REQUESTED_SLOT = "requested_slot"  # the slot a Rasa form asks for next
RASA_VERSION = "3.6.0"  # the Rasa version the request claims; rasa_sdk 3.x accepts it


class ActionServer:
    """One ``action_endpoint``; ``run`` calls an action on it."""

    def __init__(self, endpoint: ActionEndpoint, domain: Domain) -> None:
        self.endpoint = endpoint
        self._domain = domain_json(domain)

    @classmethod
    def of(cls, config: BotConfig) -> ActionServer | None:
        """The bot's action server, or None when endpoints.yml names none."""
        endpoint = config.settings.action_endpoint
        return cls(endpoint, config.domain) if endpoint is not None else None

    async def run(self, name: str, context: ActionContext) -> ActionResult:
        import httpx

        endpoint = self.endpoint
        params = {endpoint.token_name: endpoint.token} if endpoint.token else None
        try:
            async with httpx.AsyncClient(timeout=endpoint.timeout_s) as client:
                response = await client.post(endpoint.url, json=self.request(name, context), params=params, headers=dict(endpoint.headers))
        except httpx.TimeoutException:
            raise ActionError(f"action '{name}': the action server at {endpoint.url} did not answer within {endpoint.timeout_s:g} s") from None
        except httpx.HTTPError as exc:
            raise ActionError(
                f"action '{name}': cannot reach the action server at {endpoint.url} ({exc}); is `rasa run actions` running?"
            ) from None
        return parse_answer(name, response.status_code, response.text)

    def request(self, name: str, context: ActionContext) -> dict[str, Any]:
        """The body Rasa sends to an action server."""
        latest = dict(context.latest_message)
        return {
            "next_action": name,
            "sender_id": context.sender_id,
            "tracker": {
                "sender_id": context.sender_id,
                "slots": dict(context.slots),
                "latest_message": latest,
                "latest_event_time": None,
                "followup_action": None,
                "paused": False,
                "events": [dict(event) for event in context.events],
                "latest_input_channel": context.input_channel,
                "active_loop": {"name": context.active_loop} if context.active_loop else {},
                "latest_action": {"action_name": name},
                "latest_action_name": name,
            },
            "domain": self._domain,
            "version": RASA_VERSION,
        }


def parse_answer(name: str, status: int, body: str) -> ActionResult:
    """The action server's HTTP answer as an ``ActionResult``; ActionError when it failed."""
    import json

    if status != 200:
        raise ActionError(f"action '{name}': {_failure(name, status, body)}")
    try:
        answer = json.loads(body)
    except ValueError:
        raise ActionError(f"action '{name}': the action server answered with invalid JSON: {body[:200]!r}") from None
    if not isinstance(answer, dict) or not isinstance(answer.get("events", []), list) or not isinstance(answer.get("responses", []), list):
        raise ActionError(f"action '{name}': the action server's answer needs 'events' and 'responses' lists, got {body[:200]!r}")
    slots: dict[str, Any] = {}
    control: dict[str, Any] = {"reset_slots": False}
    for event in answer.get("events", []):
        kind = event.get("event") if isinstance(event, dict) else None
        if kind == "slot" and event.get("name") == REQUESTED_SLOT:
            continue  # Rasa's form bookkeeping; a flow knows which question is open
        if kind == "slot" and isinstance(event.get("name"), str):
            slots[event["name"]] = event.get("value")
        elif kind == "reset_slots":  # AllSlotsReset: what came before is gone
            slots, control["reset_slots"] = {}, True
        elif kind == "followup" and isinstance(event.get("name"), str):
            control["followup"] = event["name"]
        elif kind == "active_loop" and event.get("name") is None:  # ActiveLoop(None): the form ends
            control["deactivate_loop"] = True
        elif kind == "restart":
            control["restart"] = True
        else:
            logger.warning("action '%s': the action server's event %r is not applied here (%s are)", name, event, _APPLIED)
    responses: list[str] = []
    messages: list[Reply] = []
    for message in answer.get("responses", []):
        if not isinstance(message, dict):
            raise ActionError(f"action '{name}': each response from the action server must be an object, got {message!r}")
        named = message.get("response") or message.get("template")
        if named:
            responses.append(str(named))
        else:
            messages.append(_reply(name, message))
    return ActionResult(slots=slots, responses=tuple(responses), messages=tuple(messages), **control)


_APPLIED = "slot, reset_slots, followup, restart and active_loop: null"


def _failure(name: str, status: int, body: str) -> str:
    """What a non-200 answer means, in rasa_sdk's terms."""
    import json

    try:
        detail = json.loads(body).get("error") or body
    except (ValueError, AttributeError):
        detail = body
    detail = str(detail)[:200]
    if status == 404:
        return f"the action server has no action '{name}' ({detail})"
    if status == 400:
        return f"the action server rejected the action: {detail}"
    return f"the action server answered HTTP {status}: {detail}"


def _reply(name: str, message: Mapping[str, Any]) -> Reply:
    buttons = message.get("buttons") or []
    if not isinstance(buttons, list) or not all(isinstance(b, dict) and "title" in b and "payload" in b for b in buttons):
        raise ActionError(f"action '{name}': buttons from the action server need 'title' and 'payload', got {buttons!r}")
    custom = message.get("custom")
    return Reply(
        text=str(message.get("text") or ""),
        buttons=tuple(Button(str(b["title"]), str(b["payload"])) for b in buttons),
        image=message.get("image") or None,
        custom=custom if isinstance(custom, dict) and custom else None,
    )


def domain_json(domain: Domain) -> dict[str, Any]:
    """The domain as Rasa sends it to the action server (what rasa_sdk actions may read)."""
    return {
        "version": "3.1",
        "intents": list(domain.intents),
        "entities": list(domain.entities),
        "slots": {
            name: {"type": slot.type, "initial_value": slot.initial_value, "influence_conversation": slot.influence_conversation, "mappings": []}
            for name, slot in domain.slots.items()
        },
        "responses": {
            name: [{"text": variation.text} for variation in variations] for name, variations in domain.responses.items()
        },
        "actions": list(domain.actions),
        "forms": dict(domain.forms),
        "session_config": {"session_expiration_time": domain.session_expiration_minutes, "carry_over_slots_to_new_session": False},
    }
