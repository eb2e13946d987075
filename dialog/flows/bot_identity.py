"""Questions about who the bot is: "what's your name?", "who are you?".

The bot knows the answer (``assistant.name`` and ``assistant.persona`` in domain.yml);
a small model does not, and invents one ("I'm a-amazing, I am. You're my name?"). So
when no flow of the bot handles such a question, it gets ``utter_bot_name`` instead of
the LLM fallback or a search of the documents. "are you a bot?" is left to the bot's
own ``bot_challenge`` intent, or to the model: it is not about the name.
"""

from __future__ import annotations

import re
from typing import Any

from dialog.config.models import Domain

__all__ = ["NAME_RESPONSE", "asks_who_the_bot_is", "name_context"]

NAME_RESPONSE = "utter_bot_name"

_WHO = re.compile(
    r"\bwhat(?:'s|’s| is)\s+(?:your|ur|yer)\s+name\b|\bwho\s+(?:are|r)\s+(?:you|u)\b|\bwhat\s+(?:should|do|can|shall)\s+i\s+call\s+(?:you|u)\b"
    r"|\b(?:do|have)\s+you\s+(?:have|got)\s+a\s+name\b|\bwho\s+am\s+i\s+(?:talking|speaking|chatting)\s+(?:to|with)\b"
    r"|\bwhat\s+are\s+you\s+called\b|\bwhat\s+do\s+they\s+call\s+you\b|^\s*(?:and\s+)?(?:your|ur)\s+name\s*\??\s*$",
    re.IGNORECASE,
)


def asks_who_the_bot_is(text: str) -> bool:
    """Whether ``text`` asks for the bot's name or who it is."""
    return bool(_WHO.search(text))


def name_context(domain: Domain) -> dict[str, Any]:
    """What ``utter_bot_name`` renders: ``context.name`` and ``context.persona``."""
    return {"name": domain.assistant_name, "persona": domain.persona}
