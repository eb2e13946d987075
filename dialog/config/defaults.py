"""Defaults used when config.yml leaves something out.

``DEFAULT_PIPELINE`` is the pipeline the NLU benchmark (bench/nlu.py) chose; `dialog init`
and the shipped domains write the same list into their config.yml.

``sentence_embeddings`` (all-MiniLM-L6-v2 vectors, int8, before sklearn_intent) raises intent
accuracy on all four benchmark datasets (+2.3 to +3.0 points on BANKING77, CLINC150 and HWU64;
customer_service's 5-fold accuracy 0.80 -> 0.91) but is not in the default: its ~3.5 ms of CPU
per message cuts the webhook to ~230 turns/s on 2 cores (target 500), puts a turn's p50 at
~6.5 ms (target 5) and adds ~2 s of torch import to startup (target 3 s) - bench/RESULTS.md.
`dialog init` writes it as a commented-out line; uncomment it for accuracy over throughput.
"""

from __future__ import annotations

__all__ = ["DEFAULT_PIPELINE", "DEFAULT_TRACKER_STORE", "EMBEDDINGS_HINT"]

DEFAULT_PIPELINE: tuple[dict, ...] = (
    {"name": "spacy_tokenizer"},
    {"name": "regex_entities"},
    {"name": "lookup_entities"},
    {"name": "crf_entities"},
    {"name": "synonyms"},
    {"name": "sklearn_intent", "threshold": 0.4},
)

# The line config.yml files carry, commented out, just before sklearn_intent.
EMBEDDINGS_HINT = (
    "# - name: sentence_embeddings  # uncomment for +2-3 points intent accuracy at ~3.5 ms per message"
)

DEFAULT_TRACKER_STORE = "sqlite:///.dialog/conversations.db"
