"""A minimal BERT encoder for sentence vectors, without transformers.

Why: a parse embeds one short text, and transformers' generic ``BertModel`` spends
much of that time in Python (mask building, option checks): about 7 ms for a
12-token text on this 2-core CPU, over the 5 ms parse budget, and importing it costs
seconds. BERT needs only embeddings, identical post-norm layers and mean pooling,
so this file implements exactly that: query, key and value are one fused matrix,
attention is ``scaled_dot_product_attention``, and the matrices run in int8
(fbgemm's VNNI kernels), bfloat16 or float32.
It reads an HF folder (``config.json``, ``model.safetensors``, ``tokenizer.json``)
with safetensors and tokenizers; tests compare its vectors with transformers'.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Sequence

import torch
from torch.nn import functional as F

__all__ = ["PRECISIONS", "BertEncoder", "best_precision", "padded_batches", "supports"]

PRECISIONS = ("int8", "bfloat16", "float32")


def supports(folder: Path) -> bool:
    """True if ``folder`` holds a plain post-norm BERT with absolute positions and GELU."""
    try:
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (
        config.get("model_type") == "bert"
        and config.get("hidden_act") == "gelu"
        and config.get("position_embedding_type", "absolute") == "absolute"
        and (folder / "model.safetensors").is_file()
        and (folder / "tokenizer.json").is_file()
    )


def best_precision() -> str:
    """int8 where fbgemm runs (x86), else bfloat16 where the CPU has it natively, else float32."""
    if "fbgemm" in torch.backends.quantized.supported_engines:
        return "int8"
    try:
        if torch.ops.mkldnn._is_mkldnn_bf16_supported():
            return "bfloat16"
    except (AttributeError, RuntimeError):  # a private torch helper; absent means "don't know"
        pass
    return "float32"


def padded_batches(lengths: Sequence[int], batch_size: int) -> list[list[int]]:
    """Indices grouped so each batch holds texts of similar length (little padding)."""
    order = sorted(range(len(lengths)), key=lambda index: lengths[index])
    return [order[begin : begin + batch_size] for begin in range(0, len(order), batch_size)]


class BertEncoder:
    """Texts in, mean-pooled L2-normalised float32 vectors out."""

    def __init__(self, folder: Path, precision: str = "float32", max_length: int = 128) -> None:
        from safetensors.torch import load_file
        from tokenizers import Tokenizer

        if precision not in PRECISIONS:
            raise ValueError(f"precision must be one of {', '.join(PRECISIONS)}, got {precision!r}")
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        self.hidden_size = int(config["hidden_size"])
        self.precision = precision
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(min(max_length, int(config.get("max_position_embeddings", 512))))
        self.tokenizer.no_padding()
        self._pad_id = int(config.get("pad_token_id", 0))
        self._heads = int(config["num_attention_heads"])
        eps = float(config.get("layer_norm_eps", 1e-12))
        weights = {_strip(name): tensor for name, tensor in load_file(str(folder / "model.safetensors")).items()}
        self._embeddings = _Embeddings(weights, eps)
        self._stream_dtype = torch.bfloat16 if precision == "bfloat16" else torch.float32
        self._layers = [_Layer(weights, f"encoder.layer.{i}.", precision, eps) for i in range(int(config["num_hidden_layers"]))]

    def token_ids(self, texts: Sequence[str]) -> list[list[int]]:
        """[CLS] wordpieces [SEP], truncated to ``max_length``."""
        if len(texts) == 1:  # a parse: encode_batch would wake tokenizers' thread pool for one text
            return [self.tokenizer.encode(texts[0]).ids]
        return [encoding.ids for encoding in self.tokenizer.encode_batch(list(texts))]

    @torch.inference_mode()
    def embed_ids(self, batch: Sequence[Sequence[int]]) -> torch.Tensor:
        """One padded batch of token ids -> (len(batch), hidden) float32 unit vectors."""
        if len(batch) == 1:  # a parse: no padding, no mask
            hidden = self._embeddings(torch.tensor([list(batch[0])], dtype=torch.long)).to(self._stream_dtype)
            for layer in self._layers:
                hidden = layer(hidden, None, self._heads)
            return F.normalize(hidden.float().mean(dim=1), p=2, dim=1)
        longest = max(len(ids) for ids in batch)
        ids = torch.full((len(batch), longest), self._pad_id, dtype=torch.long)
        mask = torch.zeros((len(batch), longest), dtype=torch.bool)
        for row, sequence in enumerate(batch):
            ids[row, : len(sequence)] = torch.tensor(sequence, dtype=torch.long)
            mask[row, : len(sequence)] = True
        hidden = self._embeddings(ids).to(self._stream_dtype)
        attention_mask = None if bool(mask.all()) else mask[:, None, None, :]
        for layer in self._layers:
            hidden = layer(hidden, attention_mask, self._heads)
        weights = mask.unsqueeze(-1).to(torch.float32)
        pooled = (hidden.float() * weights).sum(dim=1) / weights.sum(dim=1).clamp(min=1e-9)
        return F.normalize(pooled, p=2, dim=1)


class _Embeddings:
    def __init__(self, weights: dict[str, torch.Tensor], eps: float) -> None:
        prefix = "embeddings."
        self.words = weights[prefix + "word_embeddings.weight"]
        self.positions = weights[prefix + "position_embeddings.weight"]
        self.token_type = weights[prefix + "token_type_embeddings.weight"][0]
        self.norm = (weights[prefix + "LayerNorm.weight"], weights[prefix + "LayerNorm.bias"])
        self.eps = eps

    def __call__(self, ids: torch.Tensor) -> torch.Tensor:
        summed = self.words[ids] + self.positions[: ids.shape[1]] + self.token_type
        return F.layer_norm(summed, summed.shape[-1:], *self.norm, eps=self.eps)


class _Linear:
    """``x @ W.T + b`` in the chosen precision.

    int8 is fbgemm's prepacked VNNI kernel (``quantized.linear_dynamic``): int8
    weights with one scale per output row, activations quantised on the fly with one
    scale per call. That scale spans the whole batch, so a text's vector moves
    slightly (cosine ~0.997) with its batch-mates; ``MiniLMEmbedder`` therefore
    batches only while training and parses one text at a time. Scaling each token
    on its own instead cost ~1.4 ms more per parse (bench/nlu_tried.md).
    """

    def __init__(self, weight: torch.Tensor, bias: torch.Tensor, precision: str) -> None:
        self.packed = None
        if precision == "int8":
            from dialog.llm.quantize import pack_int8, quantize_per_channel

            self.packed = pack_int8(*quantize_per_channel(weight), bias)
        else:
            dtype = torch.bfloat16 if precision == "bfloat16" else torch.float32
            self.weight, self.bias = weight.to(dtype).contiguous(), bias.to(dtype)

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        if self.packed is None:
            return F.linear(x, self.weight, self.bias)
        # reduce_range=False: full 8-bit activations, exact on VNNI CPUs (7 bits cost accuracy)
        return torch.ops.quantized.linear_dynamic(x, self.packed, reduce_range=False)


class _Layer:
    """Post-norm BERT layer: x = LN(x + attention(x)); x = LN(x + MLP(x))."""

    def __init__(self, weights: dict[str, torch.Tensor], prefix: str, precision: str, eps: float) -> None:
        def linear(name: str) -> _Linear:
            return _Linear(weights[prefix + name + ".weight"], weights[prefix + name + ".bias"], precision)

        def norm(name: str) -> tuple[torch.Tensor, torch.Tensor]:
            dtype = torch.bfloat16 if precision == "bfloat16" else torch.float32
            return weights[prefix + name + ".weight"].to(dtype), weights[prefix + name + ".bias"].to(dtype)

        attention = prefix + "attention.self."
        self.qkv = _Linear(
            torch.cat([weights[attention + part + ".weight"] for part in ("query", "key", "value")]),
            torch.cat([weights[attention + part + ".bias"] for part in ("query", "key", "value")]),
            precision,
        )
        self.out, self.up, self.down = linear("attention.output.dense"), linear("intermediate.dense"), linear("output.dense")
        self.norm1, self.norm2 = norm("attention.output.LayerNorm"), norm("output.LayerNorm")
        self.eps = eps

    def __call__(self, x: torch.Tensor, mask: torch.Tensor | None, heads: int) -> torch.Tensor:
        batch, length, width = x.shape
        qkv = self.qkv(x).view(batch, length, 3, heads, width // heads)
        query, key, value = qkv.permute(2, 0, 3, 1, 4).unbind(0)
        context = F.scaled_dot_product_attention(query, key, value, attn_mask=mask)
        context = context.transpose(1, 2).reshape(batch, length, width)
        x = F.layer_norm(x + self.out(context), (width,), *self.norm1, eps=self.eps)
        return F.layer_norm(x + self.down(F.gelu(self.up(x))), (width,), *self.norm2, eps=self.eps)


def _strip(name: str) -> str:
    """Checkpoints saved from ``BertForX`` prefix every weight with ``bert.``."""
    return name[len("bert.") :] if name.startswith("bert.") else name
