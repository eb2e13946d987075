"""Rasa's ``response_selector`` block of a ``/model/parse`` answer, for retrieval intents.

In Rasa, ``faq/ask_name`` is two predictions: the intent ``faq`` and, by the
ResponseSelector, the response key ``faq/ask_name``. Here each sub-intent is an intent
of its own (``dialog/config/rasa/retrieval.py``), so the answer is rebuilt in Rasa's
shape: ``intent.name`` is the retrieval intent, and ``response_selector`` names the
sub-intent, its ``utter_`` response and its texts, for clients written for Rasa.
"""

from __future__ import annotations

from typing import Any

from dialog.config.models import Domain
from dialog.config.rasa.intents import retrieval_base
from dialog.types import ParseResult

__all__ = ["with_response_selector"]


def with_response_selector(parse: ParseResult, domain: Domain, intents: tuple[str, ...]) -> dict[str, Any]:
    """``parse.as_json()``, plus ``response_selector`` when the bot has retrieval intents."""
    data = parse.as_json()
    retrieval = sorted({base for base in map(retrieval_base, intents) if base})
    if not retrieval:
        return data
    data["response_selector"] = {"all_retrieval_intents": retrieval}
    base = retrieval_base(parse.intent or "")
    if not base:
        return data
    full = str(parse.intent)
    data["intent"] = {**data["intent"], "name": base, "full_retrieval_intent_name": full}
    texts = [{"text": variation.text} for variation in domain.responses.get(f"utter_{full}", ())]
    selected = {
        "response": {
            "responses": texts,
            "response_templates": texts,
            "confidence": data["intent"]["confidence"],
            "intent_response_key": full,
            "utter_action": f"utter_{full}",
            "template_name": f"utter_{full}",
        },
        "ranking": [
            {"confidence": score["confidence"], "intent_response_key": score["name"]}
            for score in data["intent_ranking"]
            if retrieval_base(score["name"]) == base
        ],
    }
    data["response_selector"].update({"default": selected, base: selected})
    return data
