"""Checks across files: names used in one file must be defined in another.

Decisions:

* an intent with examples in nlu.yml but missing from domain.yml is a warning, as in
  Rasa: the classifier learns it (so its messages are not mistaken for another
  intent), but no flow starts on it, so the turn goes to the fallback;
* an intent in domain.yml with no examples is a warning (it may only be reached by a
  button payload ``/intent``), unless it is a retrieval intent whose sub-intents
  (``faq/ask_name``) have them;
* an entity annotation of an undeclared entity is a warning, as in Rasa (the NLU
  still finds it, but no slot can use it), and so is an undeclared role or group of a
  declared entity.
"""

from __future__ import annotations

from pathlib import Path

from dialog.builtin_names import BUILTIN_INTENTS
from dialog.config.domain import DomainSources
from dialog.config.flow_checks import check_flows
from dialog.config.flow_model import Flow
from dialog.config.flows import FlowSources
from dialog.config.jinja_checks import check_template
from dialog.config.models import ACTION_SERVER, Domain, NLUData, Settings
from dialog.config.nlu_data import NLUSources
from dialog.config.rasa.calm import BACKGROUND_INTENT, DESCRIPTION_INTENT_PREFIX
from dialog.config.rasa.intents import RASA_DEFAULT_INTENTS, retrieval_base
from dialog.config.schema import FileReport, Reporter, known, suggest
from dialog.config.yaml_reader import Mark
from dialog.types import NLU_FALLBACK, OUT_OF_SCOPE

__all__ = ["check_all"]

_IMPLICIT_INTENTS = frozenset({NLU_FALLBACK, OUT_OF_SCOPE, *BUILTIN_INTENTS, *RASA_DEFAULT_INTENTS})


def check_all(
    root: Path,
    domain: Domain,
    domain_sources: DomainSources,
    nlu: NLUData,
    nlu_sources: NLUSources,
    flows: dict[str, Flow],
    flow_sources: FlowSources,
    settings: Settings,
    reporter: Reporter,
) -> None:
    """Cross-file checks, run after every file is read so that one run reports every dangling reference."""
    _check_domain_references(domain, domain_sources)
    _check_intents(domain, domain_sources, nlu_sources, reporter)
    _check_entities(domain, nlu_sources)
    _check_slot_mappings(domain, domain_sources, reporter)
    _check_action_modules(root, domain, domain_sources, reporter)
    _check_cancel_intents(domain, settings, reporter)
    check_flows(domain, flows, flow_sources)


def _check_domain_references(domain: Domain, sources: DomainSources) -> None:
    slots = list(domain.slots)
    for report, mark, slot, what in sources.slot_refs:
        if slot not in domain.slots:
            report.error(mark, f"{what}: unknown slot '{slot}'{suggest(slot, slots)}; known slots: {known(slots)}")
    for report, mark, response, text in sources.templates:
        check_template(report, mark, f"response '{response}'", text, slots)
    for report, mark, response, payload in sources.payloads:
        _check_payload(report, mark, f"response '{response}'", payload, domain)


def _check_payload(report: FileReport, mark: Mark, what: str, payload: str, domain: Domain) -> None:
    """A ``/intent{...}`` button payload skips the NLU, so a typo in it would silently become text."""
    from dialog.config.rasa.response_format import literal
    from dialog.intent_payload import parse_payload, set_slots_of, without_stray_quote

    fixed = literal(payload)
    if fixed is None:
        return  # rendered per conversation; its template was checked above
    parsed = parse_payload(fixed)
    if parsed is not None and without_stray_quote(fixed.strip()) != fixed.strip():  # a typo Rasa lets through
        report.warn(mark, f"{what}: button payload {payload!r} ends in a stray quote; it is read as {without_stray_quote(fixed.strip())!r}")
    if parsed is None:
        report.error(mark, f"{what}: button payload {payload!r} is malformed; write /intent, /intent{{\"entity\": \"value\"}} or /SetSlots(slot=value)")
        return
    slots = set_slots_of(parsed)
    if slots is not None:
        for name in slots:
            if name not in domain.slots:
                report.error(mark, f"{what}: button payload {payload!r} sets unknown slot '{name}'{suggest(name, list(domain.slots))}; known slots: {known(list(domain.slots))}")
        return
    intents = [*domain.intents, *BUILTIN_INTENTS]
    if parsed.intent not in intents:
        report.error(
            mark,
            f"{what}: button payload {payload!r} names unknown intent '{parsed.intent}'{suggest(parsed.intent or '', intents)}; "
            f"known intents: {known(domain.intents)}",
        )
    for entity in parsed.entities:
        if entity.entity not in domain.entities:
            report.error(
                mark,
                f"{what}: button payload {payload!r} sets undeclared entity '{entity.entity}'{suggest(entity.entity, domain.entities)}; "
                f"known entities: {known(domain.entities)}",
            )


def _check_intents(domain: Domain, domain_sources: DomainSources, nlu_sources: NLUSources, reporter: Reporter) -> None:
    declared = set(domain.intents)
    for intent, (report, mark) in nlu_sources.intent_marks.items():
        if intent not in declared:
            what = f"its retrieval intent '{retrieval_base(intent)}'" if retrieval_base(intent) else "it"
            report.warn(
                mark,
                f"intent '{intent}' has examples but is not in the domain's intents{suggest(intent, declared)}; "
                f"the NLU learns it, but nothing answers it: add {what} to domain.yml (known intents: {known(declared)})",
            )
    if not nlu_sources.intent_marks:
        if domain.intents and not all(intent.startswith(DESCRIPTION_INTENT_PREFIX) or intent == BACKGROUND_INTENT for intent in domain.intents):
            reporter.file(domain.path).warn((0, 0), "there are no NLU examples (nlu.yml or nlu/); intents can only come from button payloads")
        return
    retrieval = {retrieval_base(intent) for intent in nlu_sources.example_counts}
    for intent in domain.intents:
        learnt = intent.startswith(DESCRIPTION_INTENT_PREFIX) or intent == BACKGROUND_INTENT  # from flow descriptions (rasa/calm.py)
        if nlu_sources.example_counts.get(intent, 0) == 0 and intent not in _IMPLICIT_INTENTS and intent not in retrieval and not learnt:
            path, line, column = domain_sources.marks[("intent", intent)]
            reporter.file(path).warn(
                (line, column), f"intent '{intent}' has no examples in the NLU data; only a button payload '/{intent}' can reach it"
            )


def _check_entities(domain: Domain, nlu_sources: NLUSources) -> None:
    declared = list(domain.entities)
    for report, mark, entity, role, group in nlu_sources.entity_uses:
        if entity not in domain.entities:  # Rasa warns and trains on it anyway
            report.warn(
                mark,
                f"entity '{entity}' is annotated but not declared in the domain's entities{suggest(entity, declared)}, so no slot "
                f"can use it; known entities: {known(declared)}",
            )
            continue
        for kind, value, table in (("role", role, domain.entity_roles), ("group", group, domain.entity_groups)):
            if value is not None and value not in table.get(entity, ()):
                report.warn(mark, f"entity '{entity}': {kind} '{value}' is not listed in the domain; known {kind}s: {known(table.get(entity, ()))}")


def _check_slot_mappings(domain: Domain, sources: DomainSources, reporter: Reporter) -> None:
    intents = set(domain.intents) | _IMPLICIT_INTENTS
    for slot in domain.slots.values():
        report = reporter.file(slot.mark[0])
        mark = slot.mark[1:]
        for mapping in slot.mappings:
            if mapping.entity is not None and mapping.entity not in domain.entities:
                report.error(
                    mark,
                    f"slot '{slot.name}': mapping from unknown entity '{mapping.entity}'{suggest(mapping.entity, domain.entities)}; "
                    f"known entities: {known(domain.entities)}",
                )
            for intent in mapping.intent + mapping.not_intent:
                if intent not in intents:
                    report.error(
                        mark,
                        f"slot '{slot.name}': mapping names unknown intent '{intent}'{suggest(intent, intents)}; known intents: {known(domain.intents)}",
                    )


def _check_cancel_intents(domain: Domain, settings: Settings, reporter: Reporter) -> None:
    """Configured ``cancel_intents`` the domain lacks can never cancel anything (the defaults may be absent)."""
    if settings.cancel_intents == Settings().cancel_intents:
        return
    for intent in settings.cancel_intents:
        if intent not in domain.intents and intent not in _IMPLICIT_INTENTS:
            reporter.file(settings.path).warn((0, 0), f"cancel_intents: intent '{intent}' is not in the domain, so it never cancels a flow")


def _check_action_modules(root: Path, domain: Domain, sources: DomainSources, reporter: Reporter) -> None:
    """A ``module:function`` whose module is neither in the domain folder nor importable is a warning."""
    import importlib.util

    missing: dict[str, list[str]] = {}
    for name, reference in domain.actions.items():
        if reference == ACTION_SERVER:
            continue
        module = reference.partition(":")[0]
        local = root.joinpath(*module.split("."))
        if local.with_suffix(".py").is_file() or local.is_dir():  # a package, or a folder of modules as rasa_sdk reads one
            continue
        try:
            found = importlib.util.find_spec(module) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            missing.setdefault(module, []).append(name)
    for module, names in missing.items():
        path, line, column = sources.marks[("action", names[0])]
        reporter.file(path).warn(
            (line, column),
            f"actions {', '.join(names)} need module '{module}' ({module.replace('.', '/')}.py in {root}), which does not exist",
        )
