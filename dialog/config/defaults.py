"""Defaults used when config.yml leaves something out.

``DEFAULT_PIPELINE`` is the pipeline the NLU benchmark (bench/nlu.py) chose; `dialog init`
and the shipped domains write the same list into their config.yml. ``sentence_embeddings``
(all-MiniLM-L6-v2 vectors, int8, for sklearn_intent) raised intent accuracy on all four
benchmark datasets (+1.9 to +2.8 points on BANKING77, CLINC150 and HWU64) for ~3-4 ms per
parse and a 90 MB model package; drop it from config.yml for sub-millisecond parses.
"""

from __future__ import annotations

__all__ = ["DEFAULT_PIPELINE", "DEFAULT_TRACKER_STORE"]

DEFAULT_PIPELINE: tuple[dict, ...] = (
    {"name": "spacy_tokenizer"},
    {"name": "regex_entities"},
    {"name": "lookup_entities"},
    {"name": "crf_entities"},
    {"name": "synonyms"},
    {"name": "sentence_embeddings"},
    {"name": "sklearn_intent", "threshold": 0.4},
)

DEFAULT_TRACKER_STORE = "sqlite:///.dialog/conversations.db"
