"""Fine-tuning a domain's fallback model, end to end: data, base model, LoRA, adapter.

Skipped when the adapter on disk was made from the same data, settings and base
model (its ``fingerprint``), as ``dialog train`` skips an unchanged NLU model.

``dialog train`` and tuning: tuning costs minutes, so it is opt-in. Once a bot has an
adapter (its author ran ``dialog tune``), ``dialog train`` keeps it current: it
re-tunes with the settings and story files the adapter was made with when the
replies, the small-talk flows, the prompt or the base model changed
(``retune_if_stale``), and skips it otherwise. A bot without an adapter is never
tuned by ``dialog train``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dialog.errors import LLMError
from dialog.llm.tuning.adapter import adapter_folder, find_adapter, read_meta, save_adapter
from dialog.llm.tuning.examples import collect_examples, fingerprint
from dialog.llm.tuning.trainer import Progress, TuneSettings, train_lora

__all__ = ["TuneResult", "retune_if_stale", "tune_domain"]

logger = logging.getLogger(__name__)


@dataclass
class TuneResult:
    folder: Path
    skipped: bool
    examples: int
    summary: dict[str, Any] = field(default_factory=dict)


def tune_domain(
    config: Any,
    settings: TuneSettings,
    stories: Sequence[Any] = (),
    force: bool = False,
    progress: Progress | None = None,
    story_paths: Sequence[Path] = (),
) -> TuneResult:
    """Train (or keep) the LoRA adapter of the bot in ``config.root``; LLMError if it cannot.

    ``story_paths``: the files ``stories`` came from, kept in the adapter's metadata so
    ``dialog train`` can re-tune on the same data."""
    from dialog.llm.loader import default_cache_dir, load_model, resolve_source
    from dialog.llm.prompt import PromptBuilder

    examples = collect_examples(config, stories)
    if not examples:
        raise LLMError(f"nothing to train on in {config.root}: add replies.yml (a list of user/bot exchanges) or small-talk flows")
    llm = config.settings.llm
    if llm.provider != "transformers":
        raise LLMError(f"llm.provider is '{llm.provider}': only an in-process model (provider: transformers) can be fine-tuned")
    source = resolve_source(llm.model, config.root, llm.mark)
    builder = PromptBuilder.from_config(config)
    key = fingerprint(examples, {**settings.as_dict(), "base": source.cache_key, "prefix": [m.as_json() for m in builder.prefix()]})
    folder = adapter_folder(config.root)
    if not force and find_adapter(config.root) is not None and read_meta(folder).get("fingerprint") == key:
        return TuneResult(folder, True, len(examples))
    import torch

    loaded = load_model(source, default_cache_dir())
    from dialog.llm.llama import LlamaLM

    if not isinstance(loaded.model, LlamaLM):
        raise LLMError(f"'{llm.model}' is not a Llama-architecture model; dialog tune supports those only")
    with torch.random.fork_rng():
        pairs = [(builder.build([], e.user), e.reply) for e in examples]
        summary = train_lora(loaded.model, loaded.tokenizer, builder.prefix(), pairs, settings, progress)
    meta = {
        "fingerprint": key,
        "base": source.cache_key,
        "model": llm.model,
        "examples": len(examples),
        "settings": settings.as_dict(),
        "stories": [str(Path(p).resolve()) for p in story_paths],
        **summary,
    }
    save_adapter(loaded.model, folder, meta)
    logger.info("LoRA adapter for %s written to %s", config.root, folder)
    return TuneResult(folder, False, len(examples), summary)


def retune_if_stale(
    config: Any, progress: Progress | None = None, load_stories: Callable[[Sequence[Path]], Sequence[Any]] | None = None
) -> TuneResult | None:
    """What ``dialog train`` does: None when the bot has no adapter; else the adapter,
    re-tuned with its own settings and stories if its data changed (``skipped`` otherwise).
    ``load_stories`` reads the story files the adapter was tuned with (the caller's story reader)."""
    folder = find_adapter(config.root)
    if folder is None:
        return None
    meta = read_meta(folder)
    known = set(TuneSettings.__dataclass_fields__)
    stored = meta.get("settings")
    if not isinstance(stored, dict):
        stored = {}
    settings = TuneSettings(**{k: v for k, v in stored.items() if k in known})
    paths = [Path(p) for p in meta.get("stories") or [] if Path(p).exists()]
    cases = list(load_stories(paths)) if paths and load_stories is not None else []
    return tune_domain(config, settings, cases, progress=progress, story_paths=paths)
