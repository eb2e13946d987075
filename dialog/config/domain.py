"""domain.yml (or ``domain/``): intents, entities, slots, responses, actions, session, persona.

A Rasa 3 domain loads unchanged. Rasa keys that change nothing here are accepted with
a warning; unknown keys are errors that list the valid ones. Checks that need the
whole domain (a response condition naming a slot defined in another file) are kept
as ``DomainSources.slot_refs`` and run once every file is read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Iterator

from dialog.config.domain_responses import parse_responses
from dialog.config.domain_slots import parse_slots
from dialog.config.files import Document
from dialog.config.models import ACTION_SERVER, Domain, ResponseVariation, Slot, SourceMark
from dialog.config.schema import UNLESS_TYPO, FileReport, Reporter
from dialog.config.yaml_reader import LocatedMap, Mark, to_plain

__all__ = ["DOMAIN_KEYS", "DomainSources", "parse_domain"]

DOMAIN_KEYS = ("actions", "assistant", "config", "entities", "forms", "intents", "responses", "session_config", "slots", "version")
_IGNORED_TOP = {"e2e_actions": "end-to-end actions are not used"}
_SESSION_KEYS = ("session_expiration_time",)
_SESSION_IGNORED = {"carry_over_slots_to_new_session": "a new session starts with empty slots"}
_CONFIG_IGNORED = {"store_entities_as_slots": "slots are filled through their mappings"}
_INTENT_IGNORED = {
    "use_entities": "every entity is available to every intent",
    "ignore_entities": "every entity is available to every intent",
    "triggers": "Rasa 2 option; use a flow's nlu_trigger",
}
_ENTITY_KEYS = ("groups", "roles")
_ENTITY_IGNORED = {"influence_conversation": "entities do not drive the dialogue here; slots and flows do"}
_ACTION_IGNORED = {"send_domain": "actions receive an ActionContext"}


@dataclass
class DomainSources:
    """Where domain names were defined, plus references to check after all files are read."""

    marks: dict[tuple[str, str], SourceMark] = field(default_factory=dict)  # (kind, name) -> mark
    slot_refs: list[tuple[FileReport, Mark, str, str]] = field(default_factory=list)  # (file, mark, slot, context)
    templates: list[tuple[FileReport, Mark, str, str]] = field(default_factory=list)  # (file, mark, response, text)
    payloads: list[tuple[FileReport, Mark, str, str]] = field(default_factory=list)  # (file, mark, response, payload)


@dataclass
class _Parts:
    intents: list[str] = field(default_factory=list)
    entities: list[str] = field(default_factory=list)
    roles: dict[str, tuple[str, ...]] = field(default_factory=dict)
    groups: dict[str, tuple[str, ...]] = field(default_factory=dict)
    slots: dict[str, Slot] = field(default_factory=dict)
    responses: dict[str, tuple[ResponseVariation, ...]] = field(default_factory=dict)
    actions: dict[str, str] = field(default_factory=dict)
    forms: dict[str, Any] = field(default_factory=dict)
    session_minutes: float = 60.0
    assistant_name: str = "Assistant"
    persona: str = "a helpful assistant"


def parse_domain(
    documents: list[Document], reporter: Reporter, path: str = "", action_server: bool = False
) -> tuple[Domain, DomainSources]:
    """Merge every domain document into one ``Domain``; problems go to ``reporter``.

    ``action_server``: endpoints.yml names one, so Rasa-style bare action names run there."""
    parts, sources = _Parts(), DomainSources()
    for report, data, _ in reporter.top_mappings(documents, "domain", DOMAIN_KEYS, ignored=_IGNORED_TOP, lenient=UNLESS_TYPO):
        _parse_document(data, report, parts, sources)
    for name, value in parts.actions.items():
        if not value:  # a Rasa list entry: on the action server, else a function of that name in actions.py
            parts.actions[name] = ACTION_SERVER if action_server else f"actions:{name}"
    domain = Domain(
        intents=tuple(parts.intents),
        entities=tuple(parts.entities),
        entity_roles=MappingProxyType(parts.roles),
        slots=MappingProxyType(parts.slots),
        responses=MappingProxyType(parts.responses),
        actions=MappingProxyType({name: ref for name, ref in parts.actions.items() if name not in parts.responses}),
        session_expiration_minutes=parts.session_minutes,
        assistant_name=parts.assistant_name,
        persona=parts.persona,
        path=path,
        entity_groups=MappingProxyType(parts.groups),
        forms=MappingProxyType(parts.forms),
    )
    return domain, sources


_FORM_KEYS = ("required_slots", "ignored_intents")  # Rasa 3's


def _warn_rasa_2_forms(forms: LocatedMap | None, report: FileReport) -> None:
    """A Rasa 2 form maps each slot inside the form (``cuisine: [{type: from_entity ...}]``);
    Rasa 3, and dialog, read ``mappings`` under each slot, so those are not used."""
    for name, form in (forms or {}).items():
        if isinstance(form, dict) and "required_slots" not in form and any(key not in _FORM_KEYS for key in form):
            report.warn(
                forms.key_mark(name),
                f"form '{name}' maps its slots inside the form, as Rasa 2 did: those mappings are not used; "
                "Rasa 3 reads `mappings` under each slot and `required_slots` in the form (`rasa data migrate` converts them)",
            )


def _parse_document(data: LocatedMap, report: FileReport, parts: _Parts, sources: DomainSources) -> None:
    if "version" in data:
        report.typed(data, "version", (str, float), "domain")
    if "intents" in data:
        _parse_intents(data, report, parts, sources)
    if "entities" in data:
        _parse_entities(data, report, parts, sources)
    if "slots" in data:
        slots = report.mapping(data["slots"], data.value_mark("slots"), "'slots'")
        if slots is not None:
            parse_slots(slots, report, parts.slots, sources)
    if "responses" in data:
        responses = report.mapping(data["responses"], data.value_mark("responses"), "'responses'")
        if responses is not None:
            parse_responses(responses, report, parts.responses, sources)
    if "actions" in data:
        _parse_actions(data, report, parts, sources)
    if "forms" in data:  # run as flows where rules or stories start them: config/rasa/forms.py
        forms = report.mapping(data["forms"], data.value_mark("forms"), "'forms'")
        _warn_rasa_2_forms(forms, report)
        parts.forms.update(to_plain(forms or {}))
    if "session_config" in data:
        session = report.mapping(data["session_config"], data.value_mark("session_config"), "'session_config'")
        if session is not None:
            report.keys(session, _SESSION_KEYS, "session_config", ignored=_SESSION_IGNORED)
            minutes = report.typed(session, "session_expiration_time", float, "session_config")
            if minutes is not None and minutes < 0:
                report.error(session.value_mark("session_expiration_time"), "session_config: 'session_expiration_time' must be 0 or more minutes")
            elif minutes is not None:
                parts.session_minutes = minutes
    if "assistant" in data:
        assistant = report.mapping(data["assistant"], data.value_mark("assistant"), "'assistant'")
        if assistant is not None:
            report.keys(assistant, ("name", "persona"), "assistant")
            parts.assistant_name = report.typed(assistant, "name", str, "assistant", parts.assistant_name)
            parts.persona = report.typed(assistant, "persona", str, "assistant", parts.persona)
    if "config" in data:
        config = report.mapping(data["config"], data.value_mark("config"), "'config'")
        if config is not None:
            report.keys(config, (), "domain config", ignored=_CONFIG_IGNORED)


def _named_items(report: FileReport, data: LocatedMap, key: str, what: str) -> Iterator[tuple[str, LocatedMap | None, Mark]]:
    """Yield ``(name, properties_map_or_None, mark)`` for Rasa's ``[name | {name: {...}}]`` lists."""
    items = report.sequence(data[key], data.value_mark(key), f"'{key}'")
    for index, item in enumerate(items or ()):
        mark = items.item_mark(index)
        if isinstance(item, str):
            yield item, None, mark
        elif isinstance(item, dict) and len(item) == 1:
            (name,) = item
            if not isinstance(name, str):
                report.error(mark, f"{what} name must be a string, got {name!r}")
                continue
            properties = report.mapping(item[name], item.value_mark(name), f"{what} '{name}'")
            if properties is not None:
                yield name, properties, mark
        else:
            report.error(mark, f"each item of '{key}' must be a name or a mapping {{name: {{...}}}} with one key")


def _parse_intents(data: LocatedMap, report: FileReport, parts: _Parts, sources: DomainSources) -> None:
    for name, properties, mark in _named_items(report, data, "intents", "intent"):
        if properties is not None:
            report.keys(properties, ("is_retrieval_intent",), f"intent '{name}'", ignored=_INTENT_IGNORED, lenient=True)
        if name in parts.intents:
            report.warn(mark, f"intent '{name}' is listed twice")
            continue
        parts.intents.append(name)
        sources.marks[("intent", name)] = (report.path, *mark)


def _parse_entities(data: LocatedMap, report: FileReport, parts: _Parts, sources: DomainSources) -> None:
    for name, properties, mark in _named_items(report, data, "entities", "entity"):
        if name in parts.entities:
            report.warn(mark, f"entity '{name}' is listed twice")
            continue
        parts.entities.append(name)
        sources.marks[("entity", name)] = (report.path, *mark)
        if properties is None:
            continue
        report.keys(properties, _ENTITY_KEYS, f"entity '{name}'", ignored=_ENTITY_IGNORED)
        for key, target in (("roles", parts.roles), ("groups", parts.groups)):
            if key in properties:
                values = report.names(properties[key], properties.value_mark(key), f"entity '{name}': '{key}'")
                if values:
                    target[name] = values


def _parse_actions(data: LocatedMap, report: FileReport, parts: _Parts, sources: DomainSources) -> None:
    value = data["actions"]
    if isinstance(value, dict):  # ours: name: module:function
        for name, reference in value.items():
            mark = value.value_mark(name)
            if reference is not None and not (isinstance(reference, str) and _is_reference(reference)):
                report.error(mark, f"action '{name}' must be 'module:function' (e.g. actions:{name}), got {reference!r}")
                continue
            _add_action(report, parts, sources, str(name), reference or "", value.key_mark(name))
        return
    for name, properties, mark in _named_items(report, data, "actions", "action"):
        if properties is not None:
            report.keys(properties, (), f"action '{name}'", ignored=_ACTION_IGNORED)
        _add_action(report, parts, sources, name, "", mark)


def _add_action(report: FileReport, parts: _Parts, sources: DomainSources, name: str, reference: str, mark: Mark) -> None:
    if name in parts.actions:
        report.duplicate(mark, f"action '{name}'", sources.marks[("action", name)])
        return
    parts.actions[name] = reference
    sources.marks[("action", name)] = (report.path, *mark)


def _is_reference(text: str) -> bool:
    module, _, function = text.partition(":")
    return bool(module) and bool(function) and all(part.isidentifier() for part in module.split(".")) and function.isidentifier()
