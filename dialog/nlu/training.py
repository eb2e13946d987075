"""Model folders: ``<domain>/.dialog/models/<fingerprint>/``, trained only when stale.

The fingerprint hashes everything that changes what the model learns (the NLU data,
the domain's intents and entities, the language, the pipeline and the dialog
version), so unchanged data is never retrained and a changed file always is.
Training writes into a temporary folder and renames it into place, so a reader
never sees half a model; ``models/latest`` names the newest one; old ones are
pruned (the newest ``KEEP_MODELS`` stay).

A model folder holds JSON, numpy and joblib files. joblib can run code when it
loads, so only load model folders this project wrote (your own ``dialog train``
output), never ones from untrusted places.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from dialog import __version__
from dialog.config.models import BotConfig
from dialog.errors import DialogError, ModelError
from dialog.nlu.component import ComponentContext
from dialog.nlu.pipeline import PIPELINE_FILE, NLUPipeline

__all__ = [
    "KEEP_MODELS",
    "TrainResult",
    "component_context",
    "load_model",
    "model_dir",
    "model_fingerprint",
    "models_root",
    "train_model",
]

logger = logging.getLogger(__name__)

KEEP_MODELS = 3
# Part of every fingerprint: raise it when what a trained model holds changes (2: sklearn_intent's
# TF-IDF-only fast model; 3: its TF-IDF tables without scikit-learn objects; 4: the intent
# centres of its out-of-scope measure; 5: the learned intent space; 6: crf_entities' bare training values), so models
# trained by older code are retrained rather than reused.
MODEL_GENERATION = 6
_LATEST = "latest"
_INFO = "model.json"

Progress = Callable[[str], None]


@dataclass(frozen=True)
class TrainResult:
    """What ``train`` did: where the model is, and whether an up-to-date one was reused."""

    path: Path
    skipped: bool
    seconds: float


def model_fingerprint(config: BotConfig) -> str:
    """A short hash of what the NLU model learns from; equal inputs give equal hashes."""
    nlu = config.nlu
    payload = {
        "dialog": __version__,
        "generation": MODEL_GENERATION,
        "language": config.settings.language,
        "pipeline": [[spec.name, _plain(spec.options)] for spec in config.settings.pipeline],
        "intents": sorted(config.domain.intents),
        "entities": sorted(config.domain.entities),
        "examples": [
            [
                example.text,
                example.intent,
                [[e.entity, _plain(e.value), e.start, e.end, e.role, e.group] for e in example.entities],
            ]
            for example in nlu.examples
        ],
        "synonyms": sorted(nlu.synonyms.items()),
        "regexes": [list(item) for item in nlu.regexes],
        "lookups": sorted((name, list(entries)) for name, entries in nlu.lookups.items()),
    }
    encoded = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8")
    return hashlib.sha256(encoded).hexdigest()[:16]


def models_root(config: BotConfig) -> Path:
    """Models live inside the bot folder, so a project carries its own trained models."""
    return config.root / ".dialog" / "models"


def model_dir(config: BotConfig) -> Path:
    """The model directory for this exact data and config (named by its fingerprint)."""
    return models_root(config) / model_fingerprint(config)


def component_context(config: BotConfig) -> ComponentContext:
    """What every component may know about the bot, without seeing the whole config."""
    return ComponentContext(
        language=config.settings.language,
        root=config.root,
        entities=tuple(config.domain.entities),
        intents=tuple(config.domain.intents) or config.nlu.intents,
    )


def train_model(config: BotConfig, force: bool = False, progress: Progress | None = None) -> TrainResult:
    """Train unless a model for exactly this data and config exists (or ``force``)."""
    target = model_dir(config)
    if not force and _is_model(target):
        _write_latest(target)
        return TrainResult(target, skipped=True, seconds=0.0)
    started = time.perf_counter()
    root = models_root(config)
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".tmp-{target.name}-", dir=root))
    staging.chmod(0o755)  # mkdtemp makes it private; a model folder is as readable as the bot's files
    try:
        pipeline = NLUPipeline.from_settings(config.settings, component_context(config))
        pipeline.train(config.nlu, progress)
        pipeline.save(staging)
        seconds = time.perf_counter() - started
        info = {"fingerprint": target.name, "bot": config.name, "trained_at": time.time(), "seconds": round(seconds, 3)}
        (staging / _INFO).write_text(json.dumps(info, indent=2), encoding="utf-8")
        _move_into_place(staging, target)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    _write_latest(target)
    _prune(root, keep=target)
    return TrainResult(target, skipped=False, seconds=time.perf_counter() - started)


def load_model(config: BotConfig, train_if_stale: bool = True, progress: Progress | None = None) -> NLUPipeline:
    """The pipeline trained on the bot's current data; trains first if it is missing.

    A model folder that cannot be read (a file missing or damaged, or written by a
    development build of the same model generation) is trained again rather than
    stopping the bot: the bot's data, which the model is made from, is all there."""
    target = model_dir(config)
    if not _is_model(target):
        if not train_if_stale:
            raise ModelError(f"no trained model for the current data of {config.root}; run `dialog train {config.root}`")
        train_model(config, progress=progress)
    try:
        return NLUPipeline.load(target, component_context(config))
    except (DialogError, OSError, ValueError, KeyError) as exc:
        if not train_if_stale:
            raise ModelError(f"the model in {target} cannot be read ({exc}); run `dialog train --force {config.root}`") from exc
        logger.warning("the model in %s cannot be read (%s); training it again", target, exc)
        train_model(config, force=True, progress=progress)
        return NLUPipeline.load(target, component_context(config))


def _is_model(path: Path) -> bool:
    return (path / PIPELINE_FILE).is_file()


def _move_into_place(staging: Path, target: Path) -> None:
    """Rename ``staging`` to ``target``; an existing ``target`` (``--force``) is replaced."""
    old = None
    if target.exists():
        old = target.with_name(f".old-{target.name}-{os.getpid()}")
        os.replace(target, old)
    try:
        os.replace(staging, target)
    except OSError as exc:
        if _is_model(target):  # another process finished the same model first
            logger.info("model %s appeared while training; keeping it", target)
            return
        if old is not None:  # put the previous model back
            os.replace(old, target)
            old = None
        raise ModelError(f"cannot move the trained model into {target}: {exc}") from exc
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)


def _write_latest(target: Path) -> None:
    pointer = target.parent / _LATEST
    scratch = target.parent / f".{_LATEST}-{os.getpid()}"
    scratch.write_text(target.name + "\n", encoding="utf-8")
    os.replace(scratch, pointer)


def _prune(root: Path, keep: Path) -> None:
    models = [p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".") and _is_model(p)]
    models.sort(key=lambda p: (p == keep, p.stat().st_mtime), reverse=True)
    for old in models[KEEP_MODELS:]:
        logger.info("removing old model %s", old)
        shutil.rmtree(old, ignore_errors=True)


def _plain(value: Any) -> Any:
    if isinstance(value, dict) or hasattr(value, "items"):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value
