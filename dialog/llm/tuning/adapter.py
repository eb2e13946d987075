"""A LoRA adapter on disk, and merging it into a model's weights at load.

``dialog tune`` writes ``adapter.safetensors`` (each adapted layer's ``A`` and ``B``
matrices) and ``adapter.json`` (rank, scaling, the base model and a fingerprint of
the training data) into ``DOMAIN/.dialog/models/llm-adapter/``. At load the bot
adds ``scaling * B @ A`` to each base weight before int8 conversion, so replies cost
exactly what they cost without an adapter, and neither peft nor transformers is
imported at run time.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

__all__ = ["ADAPTER_FILE", "ADAPTER_META", "adapter_folder", "find_adapter", "merge_adapter", "read_meta", "save_adapter"]

logger = logging.getLogger(__name__)

ADAPTER_FILE = "adapter.safetensors"
ADAPTER_META = "adapter.json"


def adapter_folder(root: Path) -> Path:
    """Where a domain's adapter lives (next to its trained NLU models)."""
    return Path(root) / ".dialog" / "models" / "llm-adapter"


def find_adapter(root: Path | None) -> Path | None:
    """The domain's adapter folder if a complete adapter is there."""
    if root is None:
        return None
    folder = adapter_folder(root)
    return folder if (folder / ADAPTER_FILE).is_file() and (folder / ADAPTER_META).is_file() else None


def read_meta(folder: Path) -> dict[str, Any]:
    try:
        meta = json.loads((folder / ADAPTER_META).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return meta if isinstance(meta, dict) else {}


def save_adapter(model: Any, folder: Path, meta: dict[str, Any]) -> None:
    """The LoRA matrices of a peft-injected model, written atomically (a temp file renamed)."""
    from safetensors.torch import save_file

    tensors: dict[str, Any] = {}
    scaling: dict[str, float] = {}
    for name, module in model.named_modules():
        lora_a = getattr(module, "lora_A", None)
        if lora_a is None or "default" not in lora_a:
            continue
        tensors[f"{name}.A"] = lora_a["default"].weight.detach().contiguous()
        tensors[f"{name}.B"] = module.lora_B["default"].weight.detach().contiguous()
        scaling[name] = float(module.scaling["default"])
    folder.mkdir(parents=True, exist_ok=True)
    partial = folder / (ADAPTER_FILE + ".partial")
    save_file(tensors, str(partial))
    (folder / ADAPTER_META).write_text(json.dumps({**meta, "scaling": scaling}, indent=1, sort_keys=True), encoding="utf-8")
    partial.replace(folder / ADAPTER_FILE)


def merge_adapter(model: Any, folder: Path) -> int:
    """Adds each adapted layer's ``scaling * B @ A`` to its base weight (fp32); returns layers merged.

    A layer name the model lacks, or a shape that does not fit, raises ValueError:
    the adapter was trained on another model."""
    import torch
    from safetensors.torch import load_file

    tensors = load_file(str(folder / ADAPTER_FILE))
    scaling = read_meta(folder).get("scaling", {})
    modules = dict(model.named_modules())
    with torch.no_grad():
        for name, factor in scaling.items():
            layer = modules.get(name)
            if layer is None or not hasattr(layer, "weight"):
                raise ValueError(f"{folder / ADAPTER_FILE}: the model has no layer {name!r} (trained on another model?)")
            delta = (tensors[f"{name}.B"].float() @ tensors[f"{name}.A"].float()) * float(factor)
            if delta.shape != layer.weight.shape:
                raise ValueError(f"{folder / ADAPTER_FILE}: {name} is {tuple(delta.shape)}, the model's is {tuple(layer.weight.shape)}")
            layer.weight.add_(delta.to(layer.weight.dtype))
    logger.info("merged the LoRA adapter %s into %d layers", folder, len(scaling))
    return len(scaling)
