"""One turn in progress: the events it has emitted so far and the state they lead to.

``Turn`` is the only mutable object of the dialogue engine. Every change goes
through ``emit``, which appends an event and folds it into ``state`` with the
same ``apply_event`` a replay uses, so what the engine saw during the turn is
exactly what a later replay rebuilds. ``FlowRuntime`` holds what does not change
between turns: the bot's config, the response renderer and the action runner.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain
from typing import Any, Callable, Mapping

from dialog import events
from dialog.config.flow_model import Flow
from dialog.config.jinja_sandbox import compile_condition
from dialog.config.models import BotConfig
from dialog.dates import moment_variables
from dialog.errors import FlowError
from dialog.flows.action_runner import ActionRunner
from dialog.flows.action_server import ActionServer
from dialog.flows.builtin_flows import BUILTIN_FLOWS
from dialog.flows.patterns import PATTERN_FLOWS
from dialog.flows.state import ConversationState, apply_event
from dialog.responses.templates import ResponseRenderer, conversation_rng

__all__ = ["FlowRuntime", "Turn", "evaluate"]

@lru_cache(maxsize=1024)
def _compiled(expression: str) -> Callable[..., Any]:
    return compile_condition(expression)


@dataclass
class FlowRuntime:
    """The per-bot parts every turn uses."""

    config: BotConfig
    renderer: ResponseRenderer
    actions: ActionRunner
    clock: Callable[[], float] = time.time
    initial_slots: dict[str, Any] = field(default_factory=dict)
    collected: frozenset[str] = frozenset()
    knowledge: Any = None  # the bot's KnowledgeBase (dialog/knowledge/base.py), None without documents

    @classmethod
    def from_config(cls, config: BotConfig, clock: Callable[[], float] | None = None) -> FlowRuntime:
        return cls(
            config=config,
            renderer=ResponseRenderer(config.domain),
            actions=ActionRunner(config.domain.actions, config.root, ActionServer.of(config)),
            clock=clock or time.time,
            initial_slots={name: slot.initial_value for name, slot in config.domain.slots.items()},
            collected=frozenset(name for flow in config.flows.values() for name in flow.collected_slots()),
        )

    def flow(self, flow_id: str) -> Flow:
        """A flow of flows.yml, or a built-in repair pattern it does not override."""
        try:
            return self.config.flows[flow_id]
        except KeyError:
            if flow_id in BUILTIN_FLOWS:
                return BUILTIN_FLOWS[flow_id]
            pattern = PATTERN_FLOWS.get(flow_id)
            if pattern is not None:
                return pattern
            raise FlowError(f"unknown flow '{flow_id}'; flows: {', '.join(sorted(self.config.flows)) or 'none'}") from None


def evaluate(expression: str, variables: Mapping[str, Any], where: str) -> bool:
    """A flow condition's truth; any failure is a ``FlowError`` naming ``where``."""
    try:
        return bool(_compiled(expression)(**variables))
    # A condition is author-written Jinja2: a syntax error, an undefined name, a
    # type error in a comparison... all mean the same thing to the author.
    except Exception as exc:  # noqa: BLE001
        raise FlowError(f"{where}: condition {expression!r} failed: {type(exc).__name__}: {exc}") from exc


class Turn:
    """Collects one turn's events; ``state`` always equals a replay of everything so far."""

    def __init__(
        self,
        runtime: FlowRuntime,
        state: ConversationState,
        sender_id: str,
        metadata: Mapping[str, Any] | None = None,
        input_channel: str | None = None,
    ) -> None:
        self.runtime = runtime
        self.state = state
        self.sender_id = sender_id
        self.metadata = dict(metadata or {})
        self.input_channel = input_channel
        self.events: list[dict[str, Any]] = []
        self.pending_asks: list[str] = []  # custom actions that ask a question (action_ask_*), run at the end of the turn
        # set by the engine for the repair patterns' actions (dialog/flows/pattern_actions.py)
        self.stored: list[Mapping[str, Any]] = []  # the conversation's events before this turn
        self.fallback: Any = None  # the engine's FallbackFn, for action_trigger_chitchat
        self.repair: dict[str, Any] = {}  # what the engine found (corrections, clarification choices)
        self.knowledge_answer: Any = None  # this turn's KnowledgeAnswer, once searched (dialog/flows/search.py)

    def now(self) -> float:
        return self.runtime.clock()

    def emit(self, event: dict[str, Any]) -> None:
        self.events.append(event)
        self.state = apply_event(self.state, event)

    def newest_first(self) -> Iterator[Mapping[str, Any]]:
        """The conversation so far, newest event first: this turn's, then the stored ones
        (lazily: a reader that stops a few messages back does not copy a long conversation)."""
        return chain(reversed(self.events), reversed(self.stored))

    def set_slot(self, name: str, value: Any) -> None:
        self.emit(events.slot(name, value, self.now()))

    def variables(self, flow_id: str | None = None, step_id: str | None = None) -> dict[str, Any]:
        """What conditions and templates see."""
        return {
            "slots": dict(self.state.slots),
            "latest_message": dict(self.state.latest_message),
            "sender_id": self.sender_id,
            "context": {
                "flow_id": flow_id,
                "step_id": step_id,
                "sender_id": self.sender_id,
                "latest_action": self.state.latest_action,  # the bot's last action (Rasa stories' turns key on it)
                "active_flow": self.state.top.flow_id if self.state.top is not None else None,
                "queued_requests": len(self.state.queued_requests),  # later requests of the same message (flows/several_requests.py)
                "previous_flow_name": self._previous_flow_name(),  # Rasa Pro's, for pattern_completed
            },
            **moment_variables(self.now()),
        }

    def _previous_flow_name(self) -> str | None:
        """The ``name`` (else the id) of the user flow that ended last."""
        previous = self.state.previous_flow
        if previous is None or previous not in self.runtime.config.flows:
            return previous
        return self.runtime.flow(previous).name or previous

    def say(
        self, response: str, channel: str | None = None, context: Mapping[str, Any] | None = None, buttons: tuple[Any, ...] = ()
    ) -> None:
        """Render a response with the current slots and emit it as a ``bot`` event
        (``buttons`` are added to the response's own)."""
        rendered = self.runtime.renderer.render(
            response,
            slots=self.state.slots,
            latest_message=self.state.latest_message,
            sender_id=self.sender_id,
            rng=conversation_rng(self.sender_id, self.state.bot_messages),
            channel=channel,
            context=context,
        )
        self.emit(
            events.bot(rendered.text, self.now(), response, (*rendered.buttons, *buttons), rendered.image, rendered.custom)
        )

    def say_text(self, text: str, extra_metadata: Mapping[str, Any] | None = None) -> None:
        self.emit(events.bot(text, self.now(), extra_metadata=extra_metadata))
