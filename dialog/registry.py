"""Names used in YAML -> ``"module:Class"``; imported only when resolved.

Nothing registers on import. Plugins add components through the
``dialog.components`` entry point group (name = YAML name, value = ``module:Class``).
"""

from __future__ import annotations

import importlib
from importlib.metadata import entry_points
from typing import Any

from dialog.errors import ComponentError

__all__ = ["COMPONENTS", "LLM_PROVIDERS", "STORES", "component_names", "component_table", "resolve", "resolve_component"]

COMPONENTS: dict[str, str] = {
    "spacy_tokenizer": "dialog.nlu.spacy_tokenizer:SpacyTokenizer",
    "regex_entities": "dialog.nlu.regex_entities:RegexEntityExtractor",
    "lookup_entities": "dialog.nlu.lookup_entities:LookupEntityExtractor",
    "crf_entities": "dialog.nlu.crf_entities:CRFEntityExtractor",
    "synonyms": "dialog.nlu.synonyms:SynonymMapper",
    "duckling_entities": "dialog.nlu.duckling_entities:DucklingEntityExtractor",
    "sentence_embeddings": "dialog.nlu.sentence_embeddings:MiniLMEmbedder",
    "sklearn_intent": "dialog.nlu.sklearn_intent:SklearnIntentClassifier",
}

# Which pip extra provides an optional component's imports.
INSTALL_HINTS: dict[str, str] = {
    "crf_entities": "pip install sklearn-crfsuite",
    "sentence_embeddings": "pip install 'dialog[embeddings]'",
}

STORES: dict[str, str] = {
    "memory": "dialog.stores.memory:MemoryStore",
    "sqlite": "dialog.stores.sqlite_store:SQLiteStore",
    "postgresql": "dialog.stores.postgres_store:PostgresStore",
    "redis": "dialog.stores.redis_store:RedisStore",
}

LLM_PROVIDERS: dict[str, str] = {
    "transformers": "dialog.llm.hf:HFGenerator",
    "openai": "dialog.llm.openai:OpenAIGenerator",
    "fake": "dialog.llm.fake:FakeGenerator",
}


def _plugin_components() -> dict[str, str]:
    return {ep.name: ep.value for ep in entry_points(group="dialog.components")}


def component_table() -> dict[str, str]:
    """Every component name -> ``"module:Class"``, built-ins and plugins.

    Reading entry points scans every installed distribution (tens of ms), so a
    caller that resolves several components should call this once.
    """
    return {**COMPONENTS, **_plugin_components()}


def component_names() -> list[str]:
    """Built-in and plugin component names, sorted, for 'valid names' lists in errors."""
    return sorted(component_table())


def resolve(reference: str) -> Any:
    """Import ``"package.module:Name"`` and return the attribute."""
    module_name, _, attribute = reference.partition(":")
    module = importlib.import_module(module_name)
    return getattr(module, attribute)


def resolve_component(name: str) -> Any:
    """The component class registered as ``name``; unknown names list the valid ones."""
    table = component_table()
    if name not in table:
        raise ComponentError(name, f"unknown component; valid names: {', '.join(sorted(table))}")
    try:
        return resolve(table[name])
    except ImportError as exc:
        hint = INSTALL_HINTS.get(name, "pip install 'dialog'")
        raise ComponentError(name, f"cannot import {table[name]} ({exc}); install it with: {hint}") from exc
