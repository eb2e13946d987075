"""The weight precision an in-process model runs at, and the int8 weights cache.

``int8`` (the default) replaces every ``Linear`` by a dynamically quantised one:
int8 weights with one scale per output channel, activations quantised on the fly,
fbgemm's VNNI kernels. A quarter of the fp32 bytes per token, which is what bounds
a 135M model on a CPU. Computing the scales and rounding the weights costs
seconds, so the first start stores the int8 weights and scales as safetensors
(``int8.safetensors``, written atomically) and later starts read them back; only
fbgemm's packing is redone, once per layer: our ``Int8Linear`` packs the given
weights directly, where torch's ``quantized.dynamic.Linear`` first packs a dummy
weight of the same size (about 0.4 of the 1.3 s conversion of a second start).
``bf16`` halves the bytes; ``fp32`` is the reference.
"""

from __future__ import annotations

import functools
import logging
import os
import tempfile
import warnings
from pathlib import Path
from typing import Any

__all__ = [
    "DTYPES",
    "INT8_FILE",
    "IncompleteCacheError",
    "apply_precision",
    "int8_cache_ready",
    "pack_int8",
    "quantize_per_channel",
]

logger = logging.getLogger(__name__)

DTYPES = ("int8", "bf16", "fp32")
INT8_FILE = "int8.safetensors"


class IncompleteCacheError(ValueError):
    """The int8 cache lacks a layer whose fp32 weights were not loaded; load them and retry."""


def int8_cache_ready(cache_folder: Path | None) -> bool:
    return cache_folder is not None and (cache_folder / INT8_FILE).is_file()


def apply_precision(model: Any, dtype: str, cache_folder: Path | None = None) -> Any:
    """The model converted for fast CPU decoding; ``fp32`` returns it unchanged."""
    import torch

    if dtype == "fp32":
        return model
    if dtype == "bf16":
        return model.to(torch.bfloat16)
    if dtype == "int8":
        with warnings.catch_warnings():
            # torch marks its quantised tensors deprecated in favour of torchao, which we do not ship;
            # the pinned torch has them, and they are the fastest int8 path on CPU.
            warnings.simplefilter("ignore")
            return _quantize_linears(model, cache_folder / INT8_FILE if cache_folder is not None else None)
    raise ValueError(f"unknown dtype {dtype!r}; valid: {', '.join(DTYPES)}")


@functools.cache
def _int8_linear_class() -> Any:
    """Defined on first use: importing this module must not import torch."""
    import torch

    class Int8Linear(torch.nn.Module):
        """A ``Linear`` with fbgemm-packed int8 weights; the same kernel call as torch's dynamic Linear."""

        def __init__(self, packed: Any, in_features: int, out_features: int) -> None:
            super().__init__()
            self.packed = packed
            self.in_features, self.out_features = in_features, out_features

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return torch.ops.quantized.linear_dynamic(x, self.packed, reduce_range=True).to(x.dtype)

        def extra_repr(self) -> str:
            return f"in_features={self.in_features}, out_features={self.out_features}, dtype=qint8"

    return Int8Linear


def _linears(model: Any) -> list[tuple[str, Any, str, Any]]:
    import torch

    found = []
    for parent_name, parent in model.named_modules():
        for child_name, child in parent.named_children():
            if isinstance(child, torch.nn.Linear):
                found.append((f"{parent_name}.{child_name}" if parent_name else child_name, parent, child_name, child))
    return found


def _read_cache(path: Path | None) -> dict[str, Any]:
    if path is None or not path.is_file():
        return {}
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    try:
        return load_file(str(path))
    except (OSError, SafetensorError) as exc:
        logger.warning("ignoring the unreadable int8 cache %s: %s", path, exc)
        return {}


def _quantize_linears(model: Any, cache_path: Path | None) -> Any:
    int8_linear = _int8_linear_class()
    cached = _read_cache(cache_path)
    computed: dict[str, Any] = {}
    for name, parent, child_name, linear in _linears(model):
        weights, scales = cached.get(f"{name}.weight"), cached.get(f"{name}.scale")
        if weights is None or scales is None or tuple(weights.shape) != tuple(linear.weight.shape):
            if linear.weight.is_meta:
                raise IncompleteCacheError(f"the int8 cache {cache_path} has no usable weights for {name}")
            weights, scales = quantize_per_channel(linear.weight.detach())
            computed[f"{name}.weight"], computed[f"{name}.scale"] = weights, scales
        packed = pack_int8(weights, scales, None if linear.bias is None else linear.bias.detach())
        setattr(parent, child_name, int8_linear(packed, linear.in_features, linear.out_features))
    if computed and cache_path is not None:
        _write_cache(cache_path, {**cached, **computed})
    return model


def quantize_per_channel(weight: Any) -> tuple[Any, Any]:
    """(int8 weights, float32 scales): one symmetric scale per output row."""
    import torch

    weight = weight.float()
    scales = (weight.abs().amax(dim=1) / 127.0).clamp(min=1e-8)
    return torch.clamp(torch.round(weight / scales[:, None]), -127, 127).to(torch.int8), scales


def pack_int8(weights: Any, scales: Any, bias: Any | None) -> Any:
    """fbgemm's packed form of per-channel int8 weights, for ``quantized.linear_dynamic``."""
    import torch

    zero_points = torch.zeros(weights.shape[0], dtype=torch.long)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch marks quantised tensors deprecated (see apply_precision)
        qweight = torch._make_per_channel_quantized_tensor(weights, scales.double(), zero_points, 0)
        return torch.ops.quantized.linear_prepack(qweight, None if bias is None else bias.float())


def _write_cache(path: Path, tensors: dict[str, Any]) -> None:
    """Atomic: a temporary file renamed into place; failing only costs speed next time."""
    from safetensors.torch import save_file

    temporary: Path | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=".int8-", suffix=".tmp", dir=path.parent)
        os.close(handle)
        temporary = Path(name)
        save_file({k: v.contiguous() for k, v in tensors.items()}, name, metadata={"format": "dialog-int8"})
        temporary.chmod(0o644)
        os.replace(temporary, path)
    except OSError as exc:
        logger.warning("cannot write the int8 cache %s: %s", path, exc)
        if temporary is not None:
            temporary.unlink(missing_ok=True)
