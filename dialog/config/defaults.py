"""Defaults used when config.yml leaves something out.

``DEFAULT_PIPELINE`` is the pipeline the NLU benchmark (bench/nlu.py) chose; `dialog init`
and the shipped domains write the same list into their config.yml. ``sentence_embeddings``
(all-MiniLM-L6-v2 features for sklearn_intent) raises intent accuracy by 2-4 points but
is optional: it costs ~10x the training CPU and milliseconds per parse (bench/RESULTS.md).
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
