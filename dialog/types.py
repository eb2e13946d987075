"""Immutable values that travel between the channels, the NLU and the dialogue engine.

Nothing here imports spaCy, scikit-learn or transformers.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Mapping

__all__ = [
    "Button",
    "Entity",
    "IntentScore",
    "Message",
    "ParseResult",
    "Reply",
    "Token",
    "TrainingExample",
    "NLU_FALLBACK",
    "NONSENSE_FEATURE",
    "OUT_OF_SCOPE",
]

NLU_FALLBACK = "nlu_fallback"
OUT_OF_SCOPE = "out_of_scope"
# ParseResult.features key: True when the text is keyboard mashing (dialog/nlu/nonsense.py)
NONSENSE_FEATURE = "nonsense"


@dataclass(frozen=True)
class Message:
    """One inbound user message; ``channel`` names what it came through (``rest``, ``console``)."""

    sender_id: str
    text: str
    metadata: Mapping[str, Any] = field(default_factory=dict)
    channel: str | None = None


@dataclass(frozen=True)
class Token:
    """A token with character offsets into the message text."""

    text: str
    start: int
    end: int
    lemma: str = ""
    shape: str = ""


@dataclass(frozen=True)
class Entity:
    """An extracted (or annotated) entity; ``value`` may differ from the matched text."""

    entity: str
    value: Any
    start: int
    end: int
    extractor: str = ""
    confidence: float = 1.0
    role: str | None = None
    group: str | None = None

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "entity": self.entity,
            "value": self.value,
            "start": self.start,
            "end": self.end,
        }
        if self.role is not None:
            data["role"] = self.role
        if self.group is not None:
            data["group"] = self.group
        if self.extractor:
            data["extractor"] = self.extractor
        data["confidence"] = round(float(self.confidence), 4)
        return data


@dataclass(frozen=True)
class IntentScore:
    """One entry of ``intent_ranking``: an intent and its confidence."""

    name: str
    confidence: float

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "confidence": round(float(self.confidence), 4)}


@dataclass(frozen=True)
class ParseResult:
    """What the NLU pipeline knows about a text; each component returns a new one.

    ``features`` holds intermediate data (e.g. an embedding) that one component
    leaves for a later one; it is never part of the JSON output.
    """

    text: str
    intent: str | None = None
    confidence: float = 0.0
    entities: tuple[Entity, ...] = ()
    ranking: tuple[IntentScore, ...] = ()
    tokens: tuple[Token, ...] = ()
    features: Mapping[str, Any] = field(default_factory=dict, compare=False)

    def replace(self, **changes: Any) -> ParseResult:
        return replace(self, **changes)

    def as_json(self) -> dict[str, Any]:
        """The same shape as Rasa's ``/model/parse`` answer."""
        return {
            "text": self.text,
            "intent": {"name": self.intent, "confidence": round(float(self.confidence), 4)},
            "intent_ranking": [score.as_json() for score in self.ranking[:10]],
            "entities": [entity.as_json() for entity in self.entities],
        }


@dataclass(frozen=True)
class TrainingExample:
    """One annotated utterance from nlu.yml (entities carry their offsets)."""

    text: str
    intent: str
    entities: tuple[Entity, ...] = ()


@dataclass(frozen=True)
class Button:
    """A button offered with a reply; ``payload`` is sent back as the user's next message."""

    title: str
    payload: str

    def as_json(self) -> dict[str, str]:
        return {"title": self.title, "payload": self.payload}


@dataclass(frozen=True)
class Reply:
    """One outbound bot message; ``response`` is the response name that made it, if any."""

    text: str = ""
    buttons: tuple[Button, ...] = ()
    response: str | None = None
    image: str | None = None
    custom: Mapping[str, Any] | None = None

    def as_json(self, recipient_id: str) -> dict[str, Any]:
        """Rasa REST channel shape."""
        data: dict[str, Any] = {"recipient_id": recipient_id}
        if self.text:
            data["text"] = self.text
        if self.buttons:
            data["buttons"] = [button.as_json() for button in self.buttons]
        if self.image:
            data["image"] = self.image
        if self.custom:
            data["custom"] = dict(self.custom)
        return data
