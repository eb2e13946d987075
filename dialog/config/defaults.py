"""Defaults used when config.yml leaves something out.

``DEFAULT_PIPELINE`` is the pipeline the NLU benchmark (bench/nlu.py) chose; `dialog init`
and the shipped domains write the same list into their config.yml.

``sentence_embeddings`` (all-MiniLM-L6-v2 vectors, int8) is in it because it raised intent
accuracy on all four benchmark datasets (customer_service's 5-fold accuracy 0.82 -> 0.91), and
costs little: ``sklearn_intent`` runs the encoder only for texts its TF-IDF model is less than
99% sure of, and a running bot loads the encoder in the background. Most parses stay under
1 ms and the webhook keeps its throughput (bench/RESULTS.md "nlu" and "load").
"""

from __future__ import annotations

from typing import Any

__all__ = ["DEFAULT_PIPELINE", "DEFAULT_TRACKER_STORE", "PIPELINE_COMMENTS"]

DEFAULT_PIPELINE: tuple[dict[str, Any], ...] = (
    {"name": "spacy_tokenizer"},
    {"name": "regex_entities"},
    {"name": "lookup_entities"},
    {"name": "crf_entities"},
    {"name": "synonyms"},
    {"name": "sentence_embeddings"},
    {"name": "sklearn_intent", "threshold": 0.4},
)

# What `dialog init` writes after a component's name in config.yml.
PIPELINE_COMMENTS = {
    "sentence_embeddings": "MiniLM sentence vectors, run only when TF-IDF alone is unsure",
}

DEFAULT_TRACKER_STORE = "sqlite:///.dialog/conversations.db"
