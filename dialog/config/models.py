"""The validated, immutable shape of a bot: what ``config.load_bot`` returns.

Every other package reads a bot through these classes, never through raw YAML.
``mark`` fields keep ``(path, line, column)`` so later checks can still point
at the source.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from dialog.config.flow_model import Flow
from dialog.types import Button, TrainingExample

__all__ = [
    "ACTION_SERVER",
    "ActionEndpoint",
    "BotConfig",
    "ComponentSpec",
    "Domain",
    "KnowledgeSettings",
    "LLMSettings",
    "NLUData",
    "ResponseVariation",
    "Settings",
    "Slot",
    "SlotMapping",
    "SourceMark",
]

SourceMark = tuple[str, int, int]  # (path, line, column), 1-based; (path, 0, 0) if unknown

# Domain.actions reference of an action that runs on the Rasa action server of endpoints.yml
ACTION_SERVER = "@action_endpoint"


@dataclass(frozen=True)
class ActionEndpoint:
    """endpoints.yml's ``action_endpoint``: a Rasa SDK action server (``rasa run actions``)."""

    url: str
    token: str | None = None  # sent as the query parameter ``token_name``, as Rasa does
    token_name: str = "token"
    headers: Mapping[str, str] = field(default_factory=dict)
    timeout_s: float = 10.0
    mark: SourceMark = ("", 0, 0)
NO_MARK: SourceMark = ("", 0, 0)

SLOT_TYPES = ("text", "bool", "float", "int", "categorical", "list", "date", "time", "any")
MAPPING_TYPES = ("from_entity", "from_intent", "from_text", "custom")


@dataclass(frozen=True)
class SlotMapping:
    """How a user turn may fill a slot (Rasa 3 ``mappings``)."""

    type: str
    entity: str | None = None
    value: Any = None
    intent: tuple[str, ...] = ()
    not_intent: tuple[str, ...] = ()
    role: str | None = None
    group: str | None = None
    action: str | None = None  # custom: the action that sets the slot (informational)


@dataclass(frozen=True)
class Slot:
    """One slot from ``domain.yml``; ``mappings`` say which entities or intents fill it."""

    name: str
    type: str = "any"
    mappings: tuple[SlotMapping, ...] = ()
    values: tuple[Any, ...] = ()  # categorical only
    initial_value: Any = None
    influence_conversation: bool = True
    min_value: float | None = None
    max_value: float | None = None
    mark: SourceMark = NO_MARK


@dataclass(frozen=True)
class ResponseVariation:
    """One variation of a response; ``condition`` is ``((slot, value), ...)``."""

    text: str = ""
    buttons: tuple[Button, ...] = ()
    condition: tuple[tuple[str, Any], ...] = ()
    image: str | None = None
    custom: Mapping[str, Any] | None = None
    channel: str | None = None
    metadata: Mapping[str, Any] | None = None
    mark: SourceMark = NO_MARK


@dataclass(frozen=True)
class Domain:
    """The merged ``domain.yml``: names the NLU, flows and responses refer to."""

    intents: tuple[str, ...] = ()
    entities: tuple[str, ...] = ()
    entity_roles: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    slots: Mapping[str, Slot] = field(default_factory=dict)
    responses: Mapping[str, tuple[ResponseVariation, ...]] = field(default_factory=dict)
    actions: Mapping[str, str] = field(default_factory=dict)  # name -> "module:function" or ACTION_SERVER
    session_expiration_minutes: float = 60.0
    assistant_name: str = "Assistant"
    persona: str = "a helpful assistant"
    path: str = ""
    entity_groups: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    forms: Mapping[str, Any] = field(default_factory=dict)  # Rasa forms: kept, not run


@dataclass(frozen=True)
class NLUData:
    """Training data from nlu.yml (Rasa 3 format)."""

    examples: tuple[TrainingExample, ...] = ()
    synonyms: Mapping[str, str] = field(default_factory=dict)  # lower-cased variant -> canonical value
    regexes: tuple[tuple[str, str], ...] = ()  # (name, pattern)
    lookups: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def intents(self) -> tuple[str, ...]:
        return tuple(sorted({example.intent for example in self.examples}))


@dataclass(frozen=True)
class ComponentSpec:
    """One pipeline entry of config.yml: a registered name and its options."""

    name: str
    options: Mapping[str, Any] = field(default_factory=dict)
    mark: SourceMark = NO_MARK


@dataclass(frozen=True)
class LLMSettings:
    """The ``llm:`` section of config.yml; keys equal the generator's keyword arguments."""

    provider: str = "transformers"
    model: str = "bundled:smollm2-135m"
    max_new_tokens: int = 80
    timeout_s: float = 10.0
    temperature: float = 0.0  # greedy: a small model stays on persona far more reliably (bench/RESULTS.md "llm")
    # 0: the bundled 135M model copies its own earlier replies ("A day is a week." after
    # "how many days are in a week?"); a larger model follows a conversation, so raise it
    history_turns: int = 0
    base_url: str | None = None
    api_key_env: str | None = None
    options: Mapping[str, Any] = field(default_factory=dict)
    mark: SourceMark = NO_MARK


@dataclass(frozen=True)
class KnowledgeSettings:
    """The ``knowledge:`` section of config.yml: how answers from the bot's documents are made.

    Defaults measured in bench/RESULTS.md "knowledge"."""

    mode: str = "extractive"  # extractive | generative (the LLM, checked against the documents)
    threshold: float = 0.40  # below this relevance the bot says it does not know (bench/RESULTS.md, "knowledge-choices")
    top_k: int = 3  # chunks retrieved (and given to the LLM in generative mode)
    mark: SourceMark = NO_MARK


@dataclass(frozen=True)
class Settings:
    """config.yml."""

    language: str = "en"
    pipeline: tuple[ComponentSpec, ...] = ()
    llm: LLMSettings = field(default_factory=LLMSettings)
    knowledge: KnowledgeSettings = field(default_factory=KnowledgeSettings)
    tracker_store: str = "sqlite:///.dialog/conversations.db"
    trigger_threshold: float = 0.5
    # while a collect waits and the turn validly answers it, a cancel or another
    # flow's trigger needs this confidence to override the answer (dialog/flows/engine.py)
    digression_threshold: float = 0.8
    cancel_intents: tuple[str, ...] = ("cancel", "stop")
    max_message_chars: int = 2000
    max_body_bytes: int = 65536
    callback_url: str | None = None
    cors_origins: tuple[str, ...] = ()
    inspector: bool = True  # serve /inspect (dialog serve --no-inspector turns it off too)
    action_endpoint: ActionEndpoint | None = None  # from endpoints.yml
    extra: Mapping[str, Any] = field(default_factory=dict)
    path: str = ""


@dataclass(frozen=True)
class BotConfig:
    """Everything a bot is, loaded from one domain folder."""

    root: Path
    domain: Domain
    nlu: NLUData
    flows: Mapping[str, Flow]
    settings: Settings
    warnings: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return self.root.name
