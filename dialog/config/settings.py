"""config.yml: language, NLU pipeline, LLM, stores, thresholds and server limits.

A missing file means all defaults; an empty ``pipeline`` means ``DEFAULT_PIPELINE``.
Component options are checked against the component's ``Config`` dataclass when its
module imports (component modules import heavy libraries lazily, so this is cheap).
"""

from __future__ import annotations

import re
from pathlib import Path
from types import MappingProxyType
from typing import Any

from dialog.config.defaults import DEFAULT_PIPELINE, DEFAULT_TRACKER_STORE
from dialog.config.files import Document
from dialog.config.models import ComponentSpec, LLMSettings, Settings
from dialog.config.rasa.pipeline import RasaTranslation, is_rasa_component
from dialog.config.rasa.pipeline import translate as rasa_translate
from dialog.config.schema import UNLESS_TYPO, FileReport, Reporter, suggest
from dialog.config.yaml_reader import LocatedMap, Mark, to_plain
from dialog.errors import ComponentError

__all__ = ["SETTINGS_KEYS", "parse_settings"]

SETTINGS_KEYS = (
    "callback_url",
    "cancel_intents",
    "cors_origins",
    "digression_threshold",
    "inspector",
    "knowledge",
    "language",
    "llm",
    "max_body_bytes",
    "max_message_chars",
    "pipeline",
    "tracker_store",
    "trigger_threshold",
)
_RASA_KEYS = {
    "policies": "dialogue is run by flows, not policies",
    "assistant_id": "not used",
    "recipe": "there is one recipe",
    "version": "Rasa's format version; config.yml's keys are read as they are",
}
_LLM_KEYS = ("api_key_env", "base_url", "max_new_tokens", "model", "options", "provider", "temperature", "timeout_s", "history_turns")


def parse_settings(documents: list[Document], reporter: Reporter, root: Path) -> Settings:
    """The merged config.yml as ``Settings``; a missing pipeline falls back to ``DEFAULT_PIPELINE``."""
    values: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    path = documents[0].path if documents else str(root / "config.yml")
    for report, data, _ in reporter.top_mappings(documents, "config", SETTINGS_KEYS, ignored=_RASA_KEYS, lenient=UNLESS_TYPO):
        extra.update({key: to_plain(data[key]) for key in _RASA_KEYS if key in data})
        _parse_document(data, report, values, root)
    if "pipeline" not in values:
        values["pipeline"] = tuple(_default_spec(entry, path) for entry in DEFAULT_PIPELINE)
    return Settings(**values, extra=MappingProxyType(extra), path=path)


def _default_spec(entry: dict[str, Any], path: str) -> ComponentSpec:
    options = {key: value for key, value in entry.items() if key != "name"}
    return ComponentSpec(entry["name"], MappingProxyType(options), (path, 0, 0))


def _parse_document(data: LocatedMap, report: FileReport, values: dict[str, Any], root: Path) -> None:
    if "language" in data:
        values["language"] = report.typed(data, "language", str, "config", "en")
    if data.get("pipeline"):
        pipeline = _parse_pipeline(data, report)
        if pipeline is not None:
            values["pipeline"] = pipeline
    if "llm" in data:
        llm = report.mapping(data["llm"], data.value_mark("llm"), "'llm'")
        if llm is not None:
            values["llm"] = _parse_llm(llm, report, root)
    if "knowledge" in data:
        from dialog.config.knowledge_settings import parse_knowledge

        section = report.mapping(data["knowledge"], data.value_mark("knowledge"), "'knowledge'")
        if section is not None:
            values["knowledge"] = parse_knowledge(section, report)
    if "tracker_store" in data:
        url = report.typed(data, "tracker_store", str, "config")
        if url is not None and _store_scheme_ok(url, data, report):
            values["tracker_store"] = url
    if "trigger_threshold" in data:
        threshold = report.typed(data, "trigger_threshold", float, "config")
        if threshold is not None and not 0 <= threshold <= 1:
            report.error(data.value_mark("trigger_threshold"), f"config: 'trigger_threshold' must be between 0 and 1, got {threshold}")
        elif threshold is not None:
            values["trigger_threshold"] = threshold
    if "digression_threshold" in data:
        _parse_digression_threshold(data, report, values)
    for key in ("max_message_chars", "max_body_bytes"):
        number = report.typed(data, key, int, "config")
        if number is not None and number < 1:
            report.error(data.value_mark(key), f"config: '{key}' must be a positive integer, got {number}")
        elif number is not None:
            values[key] = number
    if "callback_url" in data:
        values["callback_url"] = report.typed(data, "callback_url", str, "config")
    if "inspector" in data:  # false: no /inspect on this bot's server (production)
        values["inspector"] = report.typed(data, "inspector", bool, "config", True)
    for key in ("cancel_intents", "cors_origins"):
        if key in data:
            values[key] = report.names(data[key], data.value_mark(key), f"config: '{key}'")


def _parse_digression_threshold(data: LocatedMap, report: FileReport, values: dict[str, Any]) -> None:
    """Between the trigger threshold (equal: answers get no protection) and 1."""
    threshold = report.typed(data, "digression_threshold", float, "config")
    if threshold is None:
        return
    trigger = values.get("trigger_threshold", Settings.trigger_threshold)
    if not trigger <= threshold <= 1:
        report.error(
            data.value_mark("digression_threshold"),
            f"config: 'digression_threshold' must be between 'trigger_threshold' ({trigger}) and 1, got {threshold}",
        )
    else:
        values["digression_threshold"] = threshold


def _store_scheme_ok(url: str, data: LocatedMap, report: FileReport) -> bool:
    from dialog.registry import STORES

    scheme = url.partition("://")[0].partition("+")[0]
    if "://" in url and scheme in STORES:
        return True
    report.error(
        data.value_mark("tracker_store"),
        f"config: 'tracker_store' must be a URL with one of the schemes {', '.join(sorted(STORES))} "
        f"(e.g. {DEFAULT_TRACKER_STORE}), got {url!r}",
    )
    return False


def _parse_pipeline(data: LocatedMap, report: FileReport) -> tuple[ComponentSpec, ...] | None:
    from dialog.registry import component_table

    items = report.sequence(data["pipeline"], data.value_mark("pipeline"), "'pipeline'")
    if items is None:
        return None
    table = component_table()  # once: reading plugin entry points is slow
    names = sorted(table)
    specs = []
    rasa = RasaTranslation()
    rasa_marks: dict[str, Mark] = {}  # a component made from Rasa entries -> the entry that last shaped it
    for index, item in enumerate(items):
        mark = items.item_mark(index)
        entry = report.mapping(item, mark, "each pipeline entry")
        if entry is None:
            continue
        name = entry.get("name")
        if not isinstance(name, str):
            report.error(mark, f"each pipeline entry needs a 'name'; valid names: {', '.join(names)}")
            continue
        options = {key: to_plain(value) for key, value in entry.items() if key != "name"}
        if name not in table and is_rasa_component(name):
            before = {produced: dict(values) for produced, values in rasa.components.items()}
            report.warn(entry.value_mark("name"), f"config: {rasa.add(name, options)}")
            for produced, values in rasa.components.items():
                if before.get(produced) != values:  # new here, or given an option here: errors point here
                    rasa_marks[produced] = entry.mark
            continue
        if name not in table and _RASA_CUSTOM_COMPONENT.fullmatch(name):
            report.warn(
                entry.value_mark("name"),
                f"config: custom Rasa component '{name}' is left out: it is a Python class for Rasa's pipeline, "
                "which does not run here; dialog's own components do the NLU",
            )
            continue
        if name not in table:
            report.error(entry.value_mark("name"), f"unknown component '{name}'{suggest(name, names)}; valid names: {', '.join(names)}")
            continue
        _check_options(name, table[name], entry, options, report)
        specs.append(ComponentSpec(name, MappingProxyType(options), (report.path, *mark)))
    if not specs and not rasa_marks:  # e.g. only Rasa featurizers: nothing of theirs runs here
        report.warn(data.value_mark("pipeline"), "config: no component of 'pipeline' runs here, so the default pipeline does")
        return None
    if not rasa_marks:
        return tuple(specs)
    if not any(name in _INTENT_CLASSIFIERS for name in [spec.name for spec in specs] + list(rasa.components)):
        _add_intent_classifier(rasa, rasa_marks, data.value_mark("pipeline"), report)
    return _with_rasa_components(specs, rasa, rasa_marks, table, report)


_INTENT_CLASSIFIERS = ("sklearn_intent",)
# Rasa's custom components are named by their class's dotted path (custom_components.intent_resolver.IntentResolver)
_RASA_CUSTOM_COMPONENT = re.compile(r"(?:[A-Za-z_]\w*\.)+[A-Z]\w*")


def _add_intent_classifier(rasa: RasaTranslation, marks: dict[str, Mark], where: Mark, report: FileReport) -> None:
    """A Rasa pipeline without an intent classifier (end-to-end bots leave DIET out and let
    TEDPolicy read the text) would predict no intent at all here, where flows start on
    intents: the intents in nlu.yml are learnt by the classifier DIET becomes."""
    for name in ("sentence_embeddings", "sklearn_intent"):
        rasa.components.setdefault(name, {})
        marks.setdefault(name, where)
    report.warn(
        where,
        "config: the pipeline has no intent classifier that runs here (in Rasa, an end-to-end TEDPolicy or a custom "
        "component may classify); sentence_embeddings + sklearn_intent are added so the intents of the NLU data are learnt",
    )


def _with_rasa_components(
    specs: list[ComponentSpec], rasa: RasaTranslation, marks: dict[str, Mark], table: dict[str, str], report: FileReport
) -> tuple[ComponentSpec, ...]:
    """The pipeline's own entries merged with those its Rasa entries became, in the default order."""
    written = {spec.name: spec for spec in specs}
    entries = [(spec.name, dict(spec.options)) for spec in specs] + list(rasa.components.items())
    result = []
    for name, options in rasa_translate(entries):
        if name in written and dict(written[name].options) == options:
            result.append(written[name])
            continue
        where = LocatedMap()
        where.mark = written[name].mark[1:] if name in written else marks[name]
        _check_options(name, table[name], where, options, report)
        result.append(ComponentSpec(name, MappingProxyType(options), (report.path, *where.mark)))
    return tuple(result)


def _check_options(name: str, reference: str, entry: LocatedMap, options: dict[str, Any], report: FileReport) -> None:
    """Unknown options point at their key, bad values at the entry (``entry`` may be a bare
    mark holder, for a component made from a Rasa entry)."""
    from dialog.config.component_options import build_config, config_keys
    from dialog.registry import resolve

    try:
        config_class = resolve(reference).Config
    except (ImportError, AttributeError):
        return  # not importable here (yet): the pipeline reports it when it builds the component
    valid = config_keys(config_class)
    unknown = [key for key in options if key not in valid]
    for key in unknown:
        report.error(
            entry.key_mark(key),
            f"component '{name}': unknown option '{key}'{suggest(str(key), valid)}; valid options: {', '.join(valid) or '(none)'}",
        )
    if not unknown:
        try:
            build_config(config_class, options, name)
        except ComponentError as error:
            report.error(entry.mark, str(error))


def _parse_llm(data: LocatedMap, report: FileReport, root: Path) -> LLMSettings:
    from dialog.registry import LLM_PROVIDERS

    report.keys(data, _LLM_KEYS, "llm")
    defaults = LLMSettings()
    provider = report.typed(data, "provider", str, "llm", defaults.provider)
    if provider not in LLM_PROVIDERS:
        report.error(
            data.value_mark("provider"),
            f"llm: unknown provider '{provider}'{suggest(provider, LLM_PROVIDERS)}; valid providers: {', '.join(sorted(LLM_PROVIDERS))}",
        )
    model = report.typed(data, "model", str, "llm", defaults.model)
    if provider == "transformers" and "model" in data and model and not model.startswith("bundled:"):  # noqa: SIM102  (a local folder, then whether it exists)
        if not (Path(model).expanduser().exists() or (root / model).exists()):
            report.error(
                data.value_mark("model"),
                f"llm: model folder '{model}' does not exist (looked in the current folder and {root}); "
                "use 'bundled:smollm2-135m' or a local Hugging Face model folder",
            )
    numbers = {}
    for key, kind, low in (("max_new_tokens", int, 1), ("timeout_s", float, 0), ("temperature", float, 0), ("history_turns", int, 0)):
        value = report.typed(data, key, kind, "llm", getattr(defaults, key))
        if value < low or (key == "timeout_s" and value == 0):
            report.error(data.value_mark(key), f"llm: '{key}' must be {'more than' if key == 'timeout_s' else 'at least'} {low}, got {value}")
        numbers[key] = value
    options = report.typed(data, "options", dict, "llm")
    return LLMSettings(
        provider=provider,
        model=model,
        base_url=report.typed(data, "base_url", str, "llm"),
        api_key_env=report.typed(data, "api_key_env", str, "llm"),
        options=MappingProxyType(to_plain(options) if options else {}),
        mark=(report.path, *data.mark),
        **numbers,
    )
