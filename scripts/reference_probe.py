"""What the YAML schema accepts, found by asking the loader itself.

The reference must not drift from the code, so nothing here lists keys by hand.
For each section of each bot file, a small valid bot is written with an unknown
key in that section, and ``load_bot``'s "unknown key ...; valid keys: ..." error
says which keys the section accepts. Each key is then added alone: a key the
loader accepts but ignores (a Rasa key that changes nothing here) answers with
a warning that says why. Removing a key of the base bot tells whether it is
required. Defaults are read from what ``load_bot`` returns for the base bot,
where nothing but the required keys is written.
"""

from __future__ import annotations

import copy
import re
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from dialog.config import load_bot
from dialog.config.flows import STEP_KINDS
from dialog.config.models import MAPPING_TYPES, BotConfig
from dialog.errors import ConfigError

__all__ = [
    "BASE_FLOW",
    "BASE_SLOT",
    "SECTIONS",
    "KeyInfo",
    "Section",
    "SectionInfo",
    "probe",
    "store_examples",
]

BASE_SLOT = "SLOT"  # the base bot's names; the reference prints them as <slot>, <flow>
BASE_FLOW = "FLOW"
_PROBE_KEY = "zzz_probe_key"
_UNKNOWN = re.compile(
    r"unknown key '"
    + _PROBE_KEY
    + r"' in (?P<what>.*?)(?: \(did you mean '[^']*'\?\))?(?: \(ignored[^)]*\))?; valid keys: (?P<keys>.*)$"
)
_IGNORED = re.compile(
    r"'(?P<key>[^']+)' in .*? is accepted but ignored: (?P<reason>.*)$"
)
_NO_DEFAULT = object()

Bot = dict[str, Any]  # file name -> YAML data


def _base_bot() -> Bot:
    """A valid bot with one of everything and, in each section, only what is required."""
    return {
        "domain.yml": {
            "version": "3.1",
            "intents": ["greet", {"bye": {}}],
            "entities": [{"e": {}}],
            "slots": {
                BASE_SLOT: {"type": "text"},
                "from_entity": {
                    "type": "text",
                    "mappings": [{"type": "from_entity", "entity": "e"}],
                },
                "from_intent": {
                    "type": "bool",
                    "mappings": [{"type": "from_intent", "value": True}],
                },
                "from_text": {"type": "text", "mappings": [{"type": "from_text"}]},
                "custom": {"type": "any", "mappings": [{"type": "custom"}]},
            },
            "responses": {
                "utter_x": [{"text": "hi"}],
                "utter_ask_SLOT": [
                    {
                        "text": "?",
                        "buttons": [{"title": "a"}],
                        "condition": [{"name": BASE_SLOT, "value": "x"}],
                    }
                ],
                "utter_ask_from_entity": [{"text": "?"}],
            },
            "actions": [{"act": {}}],
        },
        "nlu.yml": {
            "version": "3.1",
            "nlu": [
                {"intent": "greet", "examples": "- hi\n"},
                {"intent": "bye", "examples": [{"text": "bye"}]},
                {"synonym": "foo", "examples": "- bar\n"},
                {"regex": "e", "examples": "- \\d+\n"},
                {"lookup": "e", "examples": "- baz\n"},
            ],
        },
        "flows.yml": {
            "flows": {
                BASE_FLOW: {"steps": [{"collect": BASE_SLOT}, {"action": "utter_x"}]},
                "triggered": {
                    "nlu_trigger": [{"intent": "greet"}],
                    "steps": [{"action": "utter_x"}],
                },
                "branching": {
                    "steps": [
                        {
                            "action": "utter_x",
                            "next": [{"if": "true", "then": "END"}, {"else": "END"}],
                        }
                    ]
                },
                "rejecting": {
                    "steps": [
                        {"collect": "from_entity", "rejections": [{"if": "false"}]}
                    ]
                },
                "step_action": {"steps": [{"action": "utter_x"}]},
                "step_call": {"steps": [{"call": "step_action"}]},
                "step_collect": {"steps": [{"collect": BASE_SLOT}]},
                "step_link": {"steps": [{"link": "step_action"}]},
                "step_noop": {"steps": [{"noop": True, "next": "END"}]},
                "step_set_slots": {"steps": [{"set_slots": [{BASE_SLOT: "x"}]}]},
            }
        },
        "config.yml": {},
        "endpoints.yml": {"action_endpoint": {"url": "http://localhost:5055/webhook"}},
    }


def _at(*path: str | int) -> Callable[[Bot], dict]:
    """The mapping at ``path`` in the bot, created (as an empty mapping) when missing."""

    def locate(bot: Bot) -> dict:
        node: Any = bot
        for index, part in enumerate(path):
            if isinstance(node, dict) and part not in node:
                node[part] = {}
            node = node[part]
            if index == len(path) - 1 and node is None:
                raise KeyError(path)
        return node

    return locate


@dataclass(frozen=True)
class Section:
    """One mapping of one bot file whose keys the reference lists.

    ``read`` returns the loaded object whose attributes are the keys' defaults
    (``attributes`` renames a key where the attribute differs, ``""``: no default
    from code); ``read`` None: no defaults.
    """

    id: str
    file: str
    locate: Callable[[Bot], dict]
    read: Callable[[BotConfig], Any] | None = None
    attributes: Mapping[str, str] = field(default_factory=dict)


# A step's id and next are generated from its place in the list: the prose says how.
_STEP_ATTRIBUTES = {"set_slots": "slots", "id": "", "next": ""}


def _flow(config: BotConfig, flow: str) -> Any:
    return config.flows[flow]


def _first_mapping(kind: str) -> Callable[[BotConfig], Any]:
    """The mapping of the base bot's slot named after the mapping type."""
    return lambda config: config.domain.slots[kind].mappings[0]


def _only_step(kind: str) -> Callable[[BotConfig], Any]:
    """The one step of the base bot's flow ``step_<kind>``."""
    return lambda config: _flow(config, f"step_{kind}").steps[0]


SECTIONS: tuple[Section, ...] = (
    Section("domain", "domain.yml", _at()),
    Section(
        "domain.session_config",
        "domain.yml",
        _at("session_config"),
        lambda c: c.domain,
        {"session_expiration_time": "session_expiration_minutes"},
    ),
    Section(
        "domain.assistant",
        "domain.yml",
        _at("assistant"),
        lambda c: c.domain,
        {"name": "assistant_name"},
    ),
    Section("domain.config", "domain.yml", _at("config")),
    Section("domain.intent", "domain.yml", _at("intents", 1, "bye")),
    Section("domain.entity", "domain.yml", _at("entities", 0, "e")),
    Section("domain.action", "domain.yml", _at("actions", 0, "act")),
    Section(
        "slot",
        "domain.yml",
        _at("slots", BASE_SLOT),
        lambda c: c.domain.slots[BASE_SLOT],
    ),
    *(
        Section(
            f"mapping.{kind}",
            "domain.yml",
            _at("slots", kind, "mappings", 0),
            _first_mapping(kind),
        )
        for kind in MAPPING_TYPES
    ),
    Section(
        "response",
        "domain.yml",
        _at("responses", "utter_x", 0),
        lambda c: c.domain.responses["utter_x"][0],
    ),
    Section(
        "response.button",
        "domain.yml",
        _at("responses", "utter_ask_SLOT", 0, "buttons", 0),
    ),
    Section(
        "response.condition",
        "domain.yml",
        _at("responses", "utter_ask_SLOT", 0, "condition", 0),
    ),
    Section("nlu", "nlu.yml", _at()),
    Section("nlu.intent", "nlu.yml", _at("nlu", 0)),
    Section("nlu.example", "nlu.yml", _at("nlu", 1, "examples", 0)),
    Section("nlu.synonym", "nlu.yml", _at("nlu", 2)),
    Section("nlu.regex", "nlu.yml", _at("nlu", 3)),
    Section("nlu.lookup", "nlu.yml", _at("nlu", 4)),
    Section("flows", "flows.yml", _at()),
    Section(
        "flow",
        "flows.yml",
        _at("flows", BASE_FLOW),
        lambda c: _flow(c, BASE_FLOW),
        {"if": "guard"},
    ),
    Section(
        "flow.nlu_trigger",
        "flows.yml",
        _at("flows", "triggered", "nlu_trigger", 0),
        lambda c: _flow(c, "triggered").nlu_trigger[0],
        {"confidence_threshold": "min_confidence"},
    ),
    *(
        Section(
            f"step.{kind}",
            "flows.yml",
            _at("flows", f"step_{kind}", "steps", 0),
            _only_step(kind),
            _STEP_ATTRIBUTES,
        )
        for kind in STEP_KINDS
    ),
    Section(
        "step.next_if", "flows.yml", _at("flows", "branching", "steps", 0, "next", 0)
    ),
    Section(
        "step.next_else", "flows.yml", _at("flows", "branching", "steps", 0, "next", 1)
    ),
    Section(
        "step.rejection",
        "flows.yml",
        _at("flows", "rejecting", "steps", 0, "rejections", 0),
        lambda c: _flow(c, "rejecting").steps[0].rejections[0],
    ),
    Section("config", "config.yml", _at(), lambda c: c.settings),
    Section("config.llm", "config.yml", _at("llm"), lambda c: c.settings.llm),
    Section("config.knowledge", "config.yml", _at("knowledge"), lambda c: c.settings.knowledge),
    Section("endpoints", "endpoints.yml", _at()),
    Section(
        "endpoints.action_endpoint",
        "endpoints.yml",
        _at("action_endpoint"),
        lambda c: c.settings.action_endpoint,
    ),
    Section("endpoints.tracker_store", "endpoints.yml", _at("tracker_store")),
)


@dataclass(frozen=True)
class KeyInfo:
    name: str
    required: bool = False  # the loader says so when it is missing
    essential: bool = (
        False  # the smallest valid section has it (a step's kind, a mapping's type)
    )
    ignored: str = ""  # why the key changes nothing, when it does not
    default: Any = _NO_DEFAULT

    @property
    def has_default(self) -> bool:
        return self.default is not _NO_DEFAULT


@dataclass(frozen=True)
class SectionInfo:
    section: Section
    what: str  # how the loader's messages name the section
    keys: tuple[KeyInfo, ...]


class _Loader:
    """Writes bots into one temporary folder and loads them."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def load(self, bot: Bot) -> tuple[BotConfig | None, list[str]]:
        """The loaded bot (None on error) and its warnings or error lines."""
        for path in self.folder.glob("*.yml"):
            path.unlink()
        for name, data in bot.items():
            (self.folder / name).write_text(
                yaml.safe_dump(data, sort_keys=False), encoding="utf-8"
            )
        try:
            config = load_bot(self.folder)
        except ConfigError as error:
            return None, [problem.message for problem in error.problems]
        return config, list(config.warnings)


def _with(section: Section, change: Callable[[dict], None]) -> Bot:
    bot = _base_bot()
    change(section.locate(bot[section.file]))
    return bot


def _probe_section(section: Section, loader: _Loader, base: BotConfig) -> SectionInfo:
    _, messages = loader.load(
        _with(section, lambda data: data.__setitem__(_PROBE_KEY, 1))
    )
    found = [match for match in map(_UNKNOWN.search, messages) if match]
    if len(found) != 1:
        raise RuntimeError(
            f"section {section.id}: expected one unknown-key error, got: {messages}"
        )
    what, names = found[0]["what"], found[0]["keys"].split(", ")
    written = section.locate(_base_bot()[section.file])
    loaded = section.read(base) if section.read else None
    keys = []
    for name in names:
        if name in written:
            keys.append(
                KeyInfo(
                    name, required=_is_required(section, name, loader), essential=True
                )
            )
            continue
        ignored = _ignored_reason(section, name, loader)
        attribute = section.attributes.get(name, name)
        readable = (
            not ignored
            and loaded is not None
            and attribute
            and hasattr(loaded, attribute)
        )
        default = getattr(loaded, attribute) if readable else _NO_DEFAULT
        keys.append(KeyInfo(name, ignored=ignored, default=default))
    return SectionInfo(section, what, tuple(keys))


def _ignored_reason(section: Section, name: str, loader: _Loader) -> str:
    _, messages = loader.load(_with(section, lambda data: data.__setitem__(name, None)))
    for match in map(_IGNORED.search, messages):
        if match and match["key"] == name:
            return match["reason"]
    return ""


def _is_required(section: Section, name: str, loader: _Loader) -> bool:
    config, messages = loader.load(_with(section, lambda data: data.pop(name)))
    return config is None and any(
        f"missing required key '{name}'" in message for message in messages
    )


def probe() -> tuple[SectionInfo, ...]:
    """Every section's keys, as the loader accepts them."""
    with tempfile.TemporaryDirectory() as folder:
        loader = _Loader(Path(folder))
        bot = _base_bot()
        missing = [
            f"a flow 'step_{kind}'"
            for kind in STEP_KINDS
            if f"step_{kind}" not in bot["flows.yml"]["flows"]
        ]
        missing += [
            f"a slot '{kind}' with that mapping"
            for kind in MAPPING_TYPES
            if kind not in bot["domain.yml"]["slots"]
        ]
        if missing:
            raise RuntimeError(
                f"the probe's base bot (scripts/reference_probe.py) needs {', '.join(missing)}"
            )
        base, messages = loader.load(bot)
        if base is None:
            raise RuntimeError(
                "the probe's base bot does not load:\n" + "\n".join(messages)
            )
        return tuple(_probe_section(section, loader, base) for section in SECTIONS)


def store_examples(tracker_stores: tuple[dict, ...]) -> list[tuple[dict, str]]:
    """What each endpoints.yml ``tracker_store`` becomes as config.yml's store URL."""
    results = []
    with tempfile.TemporaryDirectory() as folder:
        loader = _Loader(Path(folder))
        for store in tracker_stores:
            bot = _base_bot()
            bot["endpoints.yml"]["tracker_store"] = copy.deepcopy(store)
            config, messages = loader.load(bot)
            if config is None:
                raise RuntimeError(f"tracker_store {store}: {messages}")
            results.append((store, config.settings.tracker_store))
    return results
