"""What a custom action (``module:function`` in domain.yml) receives and may return.

An action is a plain function, sync or async, taking one ``ActionContext``::

    def lookup_order(ctx):
        order = ORDERS.get(ctx.slots["order_id"])
        return {"order_status": order.status if order else "not_found"}

It may return ``None``, a dict of slot updates, or an ``ActionResult`` that also
names responses to send (``utter_*``) or literal texts. They are sent in that order:
responses, then texts, then ``messages`` (replies with buttons or images, which the
Rasa action server client fills).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from dialog.types import Reply

__all__ = ["ActionContext", "ActionResult"]


@dataclass(frozen=True)
class ActionContext:
    sender_id: str
    slots: Mapping[str, Any]
    latest_message: Mapping[str, Any]  # the parse JSON of the last user turn
    metadata: Mapping[str, Any] = field(default_factory=dict)
    input_channel: str | None = None  # the channel of the user's message (rest, console...)
    # A validation action's extra view, as Rasa gives it: the slot events of this turn
    # (rasa_sdk's ``slots_to_validate``) and the form that is running.
    events: tuple[Mapping[str, Any], ...] = ()
    active_loop: str | None = None


@dataclass(frozen=True)
class ActionResult:
    slots: Mapping[str, Any] = field(default_factory=dict)
    responses: tuple[str, ...] = ()  # response names to render, in order
    texts: tuple[str, ...] = ()  # literal bot messages, after the responses
    messages: tuple[Reply, ...] = ()  # literal messages with buttons, image or custom payload, last
    reset_slots: bool = False  # every slot back to its initial value first (Rasa SDK's AllSlotsReset), then ``slots``
    # Rasa SDK events with a counterpart here: FollowupAction, ActiveLoop(None), Restarted
    followup: str | None = None  # an action or response to run right after this one
    deactivate_loop: bool = False  # end the running form (every active flow), as action_deactivate_loop
    restart: bool = False  # forget the conversation, as /restart
