"""The sentence encoder knowledge search uses: the NLU's own MiniLM, never a second copy.

A bot whose pipeline has ``sentence_embeddings`` shares that component (one model in
memory, loaded once); one without it gets a ``MiniLMEmbedder`` with the same
defaults. Either way nothing is downloaded: the model is the bundled one.
"""

from __future__ import annotations

from typing import Any

from dialog.config.models import BotConfig
from dialog.nlu.sentence_embeddings import MiniLMEmbedder, SentenceEmbeddingsConfig

__all__ = ["encoder_options", "knowledge_encoder"]

_COMPONENT = "sentence_embeddings"


def encoder_options(config: BotConfig) -> dict[str, Any]:
    """The options of the pipeline's ``sentence_embeddings`` entry ({} when it has none)."""
    for spec in config.settings.pipeline:
        if spec.name == _COMPONENT:
            return dict(spec.options)
    return {}


def knowledge_encoder(config: BotConfig, nlu: Any = None) -> MiniLMEmbedder:
    """The loaded NLU pipeline's encoder when it has one, else a new (lazily loading) one."""
    for component in getattr(nlu, "components", ()):
        if isinstance(component, MiniLMEmbedder):
            return component
    return MiniLMEmbedder(_config(config), config.root)


def _config(config: BotConfig) -> SentenceEmbeddingsConfig:
    from dialog.nlu.component import build_config

    return build_config(SentenceEmbeddingsConfig, encoder_options(config), _COMPONENT)
