"""Intents Rasa knows without domain.yml listing them: its default intents and retrieval sub-intents.

* Rasa's default intents (``restart``, ``back``, ``out_of_scope``, ``session_start``,
  ``nlu_fallback``) may have examples in nlu.yml without being in the domain.
* A retrieval intent (``faq`` in the domain, ``faq/ask_name`` examples in nlu.yml,
  answered by ``utter_faq/ask_name``) is Rasa's FAQ pattern; Rasa's ResponseSelector
  picks the sub-intent. Here the classifier learns each sub-intent as an intent of its
  own, so ``faq/ask_name`` is a domain intent too, and a rule "``faq`` -> ``utter_faq``"
  becomes one flow per sub-intent (``retrieval``).

``with_rasa_intents`` adds both kinds to the domain, so the NLU, the checks and the
flows see them as declared. Rasa's built-in ``respond_faq`` (the action that utters
the selected ``utter_faq/<sub>``) needs no code: it leaves the domain's custom
actions, and a rule or story naming it utters the sub-intent's response.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from types import MappingProxyType

from dialog.config.models import Domain

__all__ = ["RASA_DEFAULT_INTENTS", "RETRIEVAL_ACTION_PREFIX", "retrieval_base", "with_rasa_intents"]

RASA_DEFAULT_INTENTS = ("restart", "back", "out_of_scope", "session_start", "nlu_fallback")
RETRIEVAL_ACTION_PREFIX = "respond_"  # Rasa's respond_faq utters utter_faq/<the predicted sub-intent>


def retrieval_base(intent: str) -> str:
    """``faq`` for ``faq/ask_name``; "" for an intent that is no retrieval sub-intent."""
    base, slash, sub = intent.partition("/")
    return base if slash and base and sub else ""


def with_rasa_intents(domain: Domain, nlu_intents: Iterable[str]) -> Domain:
    """``domain`` with the default intents and retrieval sub-intents that have examples,
    and without the built-in ``respond_<retrieval intent>`` actions among its custom ones."""
    declared = set(domain.intents)
    with_examples = list(dict.fromkeys(nlu_intents))
    added = [
        intent
        for intent in with_examples
        if intent not in declared and (intent in RASA_DEFAULT_INTENTS or retrieval_base(intent) in declared)
    ]
    bases = {retrieval_base(intent) for intent in with_examples} & declared
    built_in = [name for name in domain.actions if name.startswith(RETRIEVAL_ACTION_PREFIX) and name.removeprefix(RETRIEVAL_ACTION_PREFIX) in bases]
    if not added and not built_in:
        return domain
    actions = {name: reference for name, reference in domain.actions.items() if name not in built_in}
    return dataclasses.replace(domain, intents=domain.intents + tuple(added), actions=MappingProxyType(actions))
