"""Rasa's response text syntax inside a Jinja2 template: ``{slot}`` and the ``{{`` escape.

Rasa fills a response with Python's ``str.format``: ``{pizza_size}`` (or
``{amount-of-money}``) is the slot's value, and ``{{`` / ``}}`` are a literal brace,
so a button payload ``/feedback{{"value": "positive"}}`` sends
``/feedback{"value": "positive"}``. Here responses are Jinja2, where ``{{ ... }}`` is
an expression; ``to_jinja`` rewrites the Rasa forms into Jinja2 before a template is
parsed, so one Rasa project's texts render as Rasa renders them:

* ``{{"key": ...}}`` (a JSON object, which is never a useful Jinja2 expression) is the
  literal ``{"key": ...}``;
* ``{name}`` for a declared slot is ``{{ slots['name'] }}``; other ``{name}`` stay as
  written (Rasa shows them as is too) and ``placeholders`` lets validation warn.
"""

from __future__ import annotations

import re
from collections.abc import Collection

__all__ = ["literal", "placeholders", "to_jinja"]

# {{"value": "positive"}} or {{ "a": 1, "b": "x" }}: Rasa's escaped JSON object.
_ESCAPED_JSON = re.compile(r"\{\{(\s*\"[^\"\n]*\"\s*:[^\n]*?)\}\}(?!\})")
# {slot_name} or {amount-of-money}, not part of {{ }} or {% %}.
_PLACEHOLDER = re.compile(r"(?<![{%])\{([A-Za-z_][A-Za-z0-9_\-]*)\}(?![}%])")


def to_jinja(source: str, slots: Collection[str]) -> str:
    """``source`` with Rasa's escapes and ``{slot}`` placeholders written as Jinja2."""
    if "{" not in source:
        return source
    source = _ESCAPED_JSON.sub(lambda match: "{% raw %}{" + match.group(1) + "}{% endraw %}", source)

    def substitute(match: re.Match[str]) -> str:
        name = match.group(1)
        return "{{ slots[" + repr(name) + "] }}" if name in slots else match.group(0)

    return _PLACEHOLDER.sub(substitute, source)


def placeholders(source: str) -> list[str]:
    """The ``{name}`` placeholders of a text, in order (slots or not)."""
    return _PLACEHOLDER.findall(_ESCAPED_JSON.sub("", source))


def literal(source: str) -> str | None:
    """The text a template always renders to when its only braces are Rasa's ``{{"key": ...}}``
    escapes (``/feedback{"value": "positive"}``); None when it depends on the conversation."""
    text = _ESCAPED_JSON.sub(lambda match: "{" + match.group(1) + "}", source)
    return None if "{{" in text or "{%" in text or _PLACEHOLDER.search(text) else text
