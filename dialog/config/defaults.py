"""Defaults used when config.yml leaves something out.

``DEFAULT_PIPELINE`` is the pipeline the NLU benchmark (bench/nlu.py) chose; `dialog init`
and the shipped domains write the same list into their config.yml.
"""

from __future__ import annotations

__all__ = ["DEFAULT_PIPELINE", "DEFAULT_TRACKER_STORE"]

DEFAULT_PIPELINE: tuple[dict, ...] = (
    {"name": "spacy_tokenizer"},
    {"name": "regex_entities"},
    {"name": "lookup_entities"},
    {"name": "crf_entities"},
    {"name": "synonyms"},
    {"name": "sklearn_intent", "threshold": 0.4},
)

DEFAULT_TRACKER_STORE = "sqlite:///.dialog/conversations.db"
