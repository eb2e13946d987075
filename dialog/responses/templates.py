"""Render a named response (``utter_*``) from domain.yml into text and buttons.

Rules, as in Rasa: variations whose ``condition`` (slot == value for every pair)
holds win over unconditional ones; among the candidates one is picked at random
with a generator seeded from the sender id and the number of bot messages so
far, so a conversation replays identically. Templates are Jinja2 in the one
sandbox (``environment.make_environment``) with ``StrictUndefined``; Rasa-style
``{slot_name}`` placeholders and ``{{`` escapes are read as Rasa reads them. Responses the domain
does not define fall back to ``DEFAULT_RESPONSES``.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from typing import Any, Mapping

import jinja2

from dialog.builtin_names import DEFAULT_RESPONSES
from dialog.config.jinja_sandbox import make_environment
from dialog.config.models import Domain, ResponseVariation
from dialog.config.rasa.response_format import to_jinja
from dialog.errors import TemplateError
from dialog.types import Button

__all__ = ["RenderedResponse", "ResponseRenderer", "conversation_rng"]

_RENDER_ERRORS = (jinja2.TemplateError, TypeError, ValueError, ArithmeticError, AttributeError, LookupError)


@dataclass(frozen=True)
class RenderedResponse:
    """One rendered response variation, before a channel turns it into ``Reply`` objects."""

    response: str
    text: str
    buttons: tuple[Button, ...] = ()
    image: str | None = None
    custom: Mapping[str, Any] | None = None


def conversation_rng(sender_id: str, bot_messages: int) -> random.Random:
    """A generator that depends only on the conversation and how far it is."""
    digest = hashlib.sha256(f"{sender_id}:{bot_messages}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def _condition_holds(variation: ResponseVariation, slots: Mapping[str, Any]) -> bool:
    return all(slots.get(name) == value for name, value in variation.condition)


class ResponseRenderer:
    """Renders the responses of one domain; templates are compiled once each."""

    def __init__(self, domain: Domain) -> None:
        self.domain = domain
        self._templates: dict[str, jinja2.Template] = {}

    def has(self, name: str) -> bool:
        return name in self.domain.responses or name in DEFAULT_RESPONSES

    def variations(self, name: str) -> tuple[ResponseVariation, ...]:
        if name in self.domain.responses:
            return tuple(self.domain.responses[name])
        if name in DEFAULT_RESPONSES:
            return (ResponseVariation(text=DEFAULT_RESPONSES[name]),)
        raise TemplateError(name, "no such response in domain.yml", self.domain.path)

    def choose(
        self, name: str, slots: Mapping[str, Any], rng: random.Random, channel: str | None = None
    ) -> ResponseVariation:
        usable = [v for v in self.variations(name) if v.channel is None or v.channel == channel]
        if not usable:
            raise TemplateError(name, f"no variation for channel {channel!r}", self.domain.path)
        conditional = [v for v in usable if v.condition and _condition_holds(v, slots)]
        candidates = conditional or [v for v in usable if not v.condition]
        if not candidates:
            raise TemplateError(name, "no variation's condition holds and none is unconditional", self.domain.path)
        return candidates[0] if len(candidates) == 1 else rng.choice(candidates)

    def render(
        self,
        name: str,
        *,
        slots: Mapping[str, Any],
        latest_message: Mapping[str, Any] | None = None,
        sender_id: str = "",
        rng: random.Random | None = None,
        channel: str | None = None,
        context: Mapping[str, Any] | None = None,
    ) -> RenderedResponse:
        """Pick a variation and render it; a template error raises ``TemplateError``.
        ``context`` is what a repair pattern tells its response (``context.new_values``)."""
        rng = rng or conversation_rng(sender_id, 0)
        variation = self.choose(name, slots, rng, channel)
        variables = {
            "slots": dict(slots),
            "latest_message": dict(latest_message or {}),
            "sender_id": sender_id,
            "context": dict(context or {}),
        }
        text = self._render_text(name, variation, variation.text, variables)
        buttons = tuple(
            Button(
                self._render_text(name, variation, button.title, variables),
                self._render_text(name, variation, button.payload, variables),
            )
            for button in variation.buttons
        )
        return RenderedResponse(name, text, buttons, variation.image, variation.custom)

    def _render_text(self, name: str, variation: ResponseVariation, source: str, variables: dict[str, Any]) -> str:
        if not source or ("{" not in source):
            return source
        try:
            return self._template(source).render(variables)
        except _RENDER_ERRORS as exc:
            raise TemplateError(name, _describe(exc), self._where(variation)) from exc

    def _template(self, source: str) -> jinja2.Template:
        template = self._templates.get(source)
        if template is None:
            template = make_environment().from_string(self._jinja_source(source))
            self._templates[source] = template
        return template

    def _jinja_source(self, source: str) -> str:
        """Rasa's ``{order_id}`` becomes ``{{ slots['order_id'] }}`` for slots the domain
        declares, and its ``{{"key": ...}}`` escape a literal brace (``dialog.config.rasa.response_format``)."""
        return to_jinja(source, self.domain.slots)

    def _where(self, variation: ResponseVariation) -> str:
        path, line, column = variation.mark
        path = path or self.domain.path
        return f"{path}:{line}:{column}" if path and line else path


def _describe(exc: Exception) -> str:
    if isinstance(exc, jinja2.UndefinedError):
        return f"undefined variable in template: {exc.message}"
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return f"template syntax error: {exc.message}"
    return f"{type(exc).__name__}: {exc}"
