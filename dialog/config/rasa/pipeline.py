"""A Rasa config.yml pipeline (``DIETClassifier``, ``CountVectorsFeaturizer`` ...) run as dialog's components.

Rasa users bring a config.yml that names Rasa's classes. Each entry becomes the
components here that do the same job, with a warning that says what it became:
featurizers need nothing (``sklearn_intent`` computes its own TF-IDF n-grams), DIET
becomes the CRF plus the intent classifier with sentence vectors, and
``FallbackClassifier``'s threshold moves to ``sklearn_intent``. Options that only Rasa
knows (``epochs`` ...) are dropped and named. The result is put in the order
``DEFAULT_PIPELINE`` uses, so it always runs (tokens first, the classifier last).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dialog.config.defaults import DEFAULT_PIPELINE

__all__ = ["RASA_COMPONENTS", "RasaTranslation", "is_rasa_component", "translate"]

_TF_IDF_DOES_IT = "sklearn_intent computes its own TF-IDF word and character n-grams"
_DEFAULT_NLU = ("spacy_tokenizer", "regex_entities", "lookup_entities", "crf_entities", "synonyms", "sentence_embeddings", "sklearn_intent")
_NO_COMMAND_LLM = (
    "the NLU pipeline; a flow without nlu_trigger starts from its description and name, which it learns as an intent, "
    "and from_llm slots take the answer to their question"
)

# Rasa class -> (dialog components, why). An empty tuple: nothing is needed for it here.
RASA_COMPONENTS: dict[str, tuple[tuple[str, ...], str]] = {
    "WhitespaceTokenizer": (("spacy_tokenizer",), "spaCy's rule-based tokenizer"),
    "SpacyTokenizer": (("spacy_tokenizer",), "the same tokenizer"),
    "MitieTokenizer": (("spacy_tokenizer",), "spaCy's rule-based tokenizer"),
    "JiebaTokenizer": (("spacy_tokenizer",), "spaCy's tokenizer for the bot's language"),
    "SpacyNLP": ((), "spacy_tokenizer loads the spaCy model itself"),
    "CountVectorsFeaturizer": ((), _TF_IDF_DOES_IT),
    "LexicalSyntacticFeaturizer": ((), _TF_IDF_DOES_IT),
    "SpacyFeaturizer": ((), _TF_IDF_DOES_IT),
    "MitieFeaturizer": ((), _TF_IDF_DOES_IT),
    "ConveRTFeaturizer": (("sentence_embeddings",), "all-MiniLM-L6-v2 sentence vectors"),
    "LanguageModelFeaturizer": (("sentence_embeddings",), "all-MiniLM-L6-v2 sentence vectors"),
    "RegexFeaturizer": (("regex_entities", "lookup_entities"), "entities from nlu.yml's regexes and lookup tables"),
    "RegexEntityExtractor": (("regex_entities", "lookup_entities"), "entities from nlu.yml's regexes and lookup tables"),
    "DIETClassifier": (
        ("crf_entities", "sentence_embeddings", "sklearn_intent"),
        "a CRF for entities and a linear classifier on TF-IDF and sentence vectors for intents",
    ),
    "SklearnIntentClassifier": (("sklearn_intent",), "a linear classifier on TF-IDF n-grams"),
    "LogisticRegressionClassifier": (("sklearn_intent",), "a linear classifier on TF-IDF n-grams"),
    "KeywordIntentClassifier": (("sklearn_intent",), "a linear classifier on TF-IDF n-grams"),
    "MitieIntentClassifier": (("sklearn_intent",), "a linear classifier on TF-IDF n-grams"),
    "CRFEntityExtractor": (("crf_entities",), "the same kind of CRF"),
    "MitieEntityExtractor": (("crf_entities",), "a CRF on the annotated examples"),
    "EntitySynonymMapper": (("synonyms",), "the same mapping of nlu.yml's synonyms"),
    "DucklingEntityExtractor": (
        ("duckling_entities",),
        "dates, times, numbers, money, durations, e-mails and phone numbers in Duckling's format, with no Duckling server",
    ),
    "ResponseSelector": ((), "the intent classifier learns each retrieval sub-intent (faq/ask_name) as an intent"),
    "FallbackClassifier": ((), "sklearn_intent's `threshold` does its job: below it, the intent is nlu_fallback"),
    # Rasa Pro (CALM): no LLM chooses the commands here (config/rasa/calm.py)
    **{
        name: (_DEFAULT_NLU, _NO_COMMAND_LLM)
        for name in (
            "SingleStepLLMCommandGenerator", "CompactLLMCommandGenerator", "LLMCommandGenerator",
            "MultiStepLLMCommandGenerator", "SearchReadyLLMCommandGenerator",
        )
    },
    "NLUCommandAdapter": ((), "flows start from their nlu_trigger intents through the intent classifier"),
    "LLMBasedRouter": ((), "one engine runs flows and the rules and stories"),
    "IntentBasedRouter": ((), "one engine runs flows and the rules and stories"),
}
_NOT_SUPPORTED = {
    "SpacyEntityExtractor": "pretrained spaCy entities are not used; annotate the entities in nlu.yml for crf_entities",
}
# Rasa options that carry over: (Rasa class, option) -> (dialog component, option)
_CARRIED = {
    ("FallbackClassifier", "threshold"): ("sklearn_intent", "threshold"),
    ("SpacyNLP", "model"): ("spacy_tokenizer", "model"),
    ("DucklingEntityExtractor", "dimensions"): ("duckling_entities", "dimensions"),
    ("DucklingEntityExtractor", "timezone"): ("duckling_entities", "timezone"),
    ("DucklingEntityExtractor", "locale"): ("duckling_entities", "locale"),
}
_ORDER = [entry["name"] for entry in DEFAULT_PIPELINE]
# Before the CRF: of two overlapping entities of one type the earlier extractor's stays,
# and a "time" annotated in nlu.yml should come out with Duckling's ISO value.
_ORDER.insert(_ORDER.index("crf_entities") if "crf_entities" in _ORDER else len(_ORDER), "duckling_entities")


def is_rasa_component(name: str) -> bool:
    return name in RASA_COMPONENTS or name in _NOT_SUPPORTED


@dataclass
class RasaTranslation:
    """dialog components (name -> options) gathered from a pipeline's Rasa entries."""

    components: dict[str, dict[str, Any]] = field(default_factory=dict)

    def add(self, name: str, options: dict[str, Any]) -> str:
        """Take one Rasa entry; returns the warning that says what became of it."""
        if name in _NOT_SUPPORTED:
            return f"Rasa component '{name}' is ignored: {_NOT_SUPPORTED[name]}"
        targets, why = RASA_COMPONENTS[name]
        for target in targets:
            self.components.setdefault(target, {})
        carried, dropped, missing = [], [], []
        for option, value in options.items():
            destination = _CARRIED.get((name, option))
            if destination is None:
                dropped.append(option)
                continue
            if (name, option) == ("SpacyNLP", "model") and not _installed(value):
                missing.append(f"spaCy pipeline {value!r} is not installed, so spacy_tokenizer uses spaCy's rule-based tokenizer")
                continue
            component, key = destination
            self.components.setdefault(component, {})[key] = value
            carried.append(f"{option} -> {component}.{key}")
        became = f"runs as {' + '.join(targets)} ({why})" if targets else f"is not needed: {why}"
        notes = [f"carried over: {', '.join(carried)}"] if carried else []
        notes += missing
        notes += [f"Rasa-only options not used: {', '.join(dropped)}"] if dropped else []
        return f"Rasa component '{name}' {became}" + (f"; {'; '.join(notes)}" if notes else "")


def _installed(package: Any) -> bool:
    """Whether a spaCy pipeline package (``en_core_web_md``) can be loaded; Rasa projects name
    pipelines that only tokenize here, so a missing one is no reason to stop."""
    import importlib.util

    try:
        return isinstance(package, str) and importlib.util.find_spec(package) is not None
    except (ImportError, ValueError):
        return False


def translate(entries: list[tuple[str, dict[str, Any]]]) -> list[tuple[str, dict[str, Any]]]:
    """(name, options) in DEFAULT_PIPELINE's order; dialog components named directly keep
    their options, and a component both named and produced by a Rasa entry appears once."""
    merged: dict[str, dict[str, Any]] = {}
    for name, options in entries:
        merged.setdefault(name, {}).update(options)
    known = sorted((name for name in merged if name in _ORDER), key=_ORDER.index)
    others = [name for name in merged if name not in _ORDER]  # plugins: after the built-ins
    return [(name, merged[name]) for name in known + others]
