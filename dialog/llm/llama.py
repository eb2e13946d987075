"""A minimal Llama decoder and chat tokenizer for CPU replies, without transformers.

Why: importing transformers' model stack takes seconds (it pulls in
``torch.distributed`` and more), which dominated a second start; and its generic
forward pass re-checks options on every token. Llama-architecture models (SmolLM2,
Llama, TinyLlama...) need only RMSNorm, rotary attention with grouped KV heads and a
SiLU MLP, so this file implements exactly that, reading an HF folder (``config.json``,
``model.safetensors``, ``tokenizer.json``, chat template) with safetensors, tokenizers
and Jinja2. Module and weight names match transformers', so the same files and the
same int8 cache work for both. Anything else still goes through transformers.

The interface mirrors what ``decode.py`` and ``hf.py`` use from transformers:
``model(input_ids=..., cache=..., use_cache=True)`` returns ``.logits``
(last position only, unless ``all_positions=True``) and ``.cache``, the names transformers 5.2x uses; the tokenizer has
``apply_chat_template``, ``decode`` and ``all_special_ids``.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import torch
from torch import nn
from torch.nn import functional as F

__all__ = ["ChatTokenizer", "LlamaLM", "supports"]

_INITIAL_CACHE = 512


def _chat_template(folder: Path) -> str | None:
    if (folder / "chat_template.jinja").is_file():
        return (folder / "chat_template.jinja").read_text(encoding="utf-8")
    config = folder / "tokenizer_config.json"
    if config.is_file():
        template = json.loads(config.read_text(encoding="utf-8")).get("chat_template")
        return template if isinstance(template, str) else None
    return None


def supports(folder: Path) -> bool:
    """True if ``folder`` is a single-file Llama with default RoPE, a tokenizer.json and a chat template."""
    try:
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    rope = config.get("rope_parameters") or config.get("rope_scaling") or {}
    return (
        config.get("model_type") == "llama"
        and config.get("hidden_act", "silu") == "silu"
        and rope.get("rope_type", rope.get("type", "default")) == "default"
        and (folder / "model.safetensors").is_file()
        and (folder / "tokenizer.json").is_file()
        and _chat_template(folder) is not None
    )


class ChatTokenizer:
    """tokenizers + the model's Jinja2 chat template (rendered as transformers does)."""

    def __init__(self, folder: Path) -> None:
        from jinja2.sandbox import ImmutableSandboxedEnvironment
        from tokenizers import Tokenizer

        self._tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        settings_path = folder / "tokenizer_config.json"
        settings = json.loads(settings_path.read_text(encoding="utf-8")) if settings_path.is_file() else {}
        self.special_tokens = {name: settings.get(name) for name in ("bos_token", "eos_token", "unk_token", "pad_token")}
        self.eos_token_id = self._tokenizer.token_to_id(self.special_tokens["eos_token"] or "")
        added = self._tokenizer.get_added_tokens_decoder()
        self.all_special_ids = sorted(index for index, token in added.items() if token.special)
        environment = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=["jinja2.ext.loopcontrols"])
        self._template = environment.from_string(_chat_template(folder) or "")

    def apply_chat_template(self, messages: list[dict[str, str]], add_generation_prompt: bool = True, **_: Any) -> dict[str, Any]:
        text = self._template.render(messages=messages, add_generation_prompt=add_generation_prompt, **self.special_tokens)
        ids = self._tokenizer.encode(text, add_special_tokens=False).ids
        return {"input_ids": torch.tensor([ids], dtype=torch.long)}

    def decode(self, ids: list[int], skip_special_tokens: bool = True, **_: Any) -> str:
        return self._tokenizer.decode(ids, skip_special_tokens=skip_special_tokens)


class _KVCache:
    """Keys and values per layer in preallocated buffers that double when full."""

    def __init__(self, layers: int, kv_heads: int, head_dim: int, dtype: torch.dtype) -> None:
        shape = (1, kv_heads, _INITIAL_CACHE, head_dim)
        self.keys = [torch.zeros(shape, dtype=dtype) for _ in range(layers)]
        self.values = [torch.zeros(shape, dtype=dtype) for _ in range(layers)]
        self.length = 0

    def update(self, layer: int, keys: torch.Tensor, values: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        start, end = self.length, self.length + keys.shape[2]
        while end > self.keys[layer].shape[2]:
            self.keys[layer] = torch.cat([self.keys[layer], torch.zeros_like(self.keys[layer])], dim=2)
            self.values[layer] = torch.cat([self.values[layer], torch.zeros_like(self.values[layer])], dim=2)
        self.keys[layer][:, :, start:end] = keys
        self.values[layer][:, :, start:end] = values
        return self.keys[layer][:, :, :end], self.values[layer][:, :, :end]

    def copy(self, batch: int = 1) -> _KVCache:
        """An independent cache holding the same tokens: a shared prompt prefix stays untouched.

        ``batch``: that many copies side by side, for scoring several continuations at once."""
        twin = _KVCache.__new__(_KVCache)
        twin.keys = [keys.expand(batch, -1, -1, -1).clone() for keys in self.keys]
        twin.values = [values.expand(batch, -1, -1, -1).clone() for values in self.values]
        twin.length = self.length
        return twin


class _RMSNorm(nn.Module):
    def __init__(self, size: int, eps: float) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.ones(size))
        self.eps = eps

    def forward(self, hidden: torch.Tensor) -> torch.Tensor:
        dtype = hidden.dtype
        hidden = hidden.float()
        hidden = hidden * torch.rsqrt(hidden.pow(2).mean(-1, keepdim=True) + self.eps)
        return self.weight * hidden.to(dtype)


def _rotate_half(x: torch.Tensor) -> torch.Tensor:
    first, second = x.chunk(2, dim=-1)
    return torch.cat((-second, first), dim=-1)


class _Attention(nn.Module):
    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__()
        hidden, self.heads = config["hidden_size"], config["num_attention_heads"]
        self.kv_heads = config.get("num_key_value_heads") or self.heads
        self.head_dim = config.get("head_dim") or hidden // self.heads
        bias = bool(config.get("attention_bias", False))
        self.q_proj = nn.Linear(hidden, self.heads * self.head_dim, bias=bias)
        self.k_proj = nn.Linear(hidden, self.kv_heads * self.head_dim, bias=bias)
        self.v_proj = nn.Linear(hidden, self.kv_heads * self.head_dim, bias=bias)
        self.o_proj = nn.Linear(self.heads * self.head_dim, hidden, bias=bias)

    def forward(self, x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor, cache: _KVCache, layer: int) -> torch.Tensor:
        batch, steps = x.shape[0], x.shape[1]
        q = self.q_proj(x).view(batch, steps, self.heads, self.head_dim).transpose(1, 2)
        k = self.k_proj(x).view(batch, steps, self.kv_heads, self.head_dim).transpose(1, 2)
        v = self.v_proj(x).view(batch, steps, self.kv_heads, self.head_dim).transpose(1, 2)
        q = q * cos + _rotate_half(q) * sin
        k = k * cos + _rotate_half(k) * sin
        past = cache.length
        k, v = cache.update(layer, k, v)
        if steps == 1:
            out = F.scaled_dot_product_attention(q, k, v, enable_gqa=True)
        elif past == 0:
            out = F.scaled_dot_product_attention(q, k, v, is_causal=True, enable_gqa=True)
        else:
            mask = torch.ones(steps, past + steps, dtype=torch.bool).tril(diagonal=past)
            out = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, enable_gqa=True)
        return self.o_proj(out.transpose(1, 2).reshape(batch, steps, self.heads * self.head_dim))


class _MLP(nn.Module):
    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__()
        hidden, inner, bias = config["hidden_size"], config["intermediate_size"], bool(config.get("mlp_bias", False))
        self.gate_proj = nn.Linear(hidden, inner, bias=bias)
        self.up_proj = nn.Linear(hidden, inner, bias=bias)
        self.down_proj = nn.Linear(inner, hidden, bias=bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.down_proj(F.silu(self.gate_proj(x)) * self.up_proj(x))


class _Block(nn.Module):
    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__()
        eps = float(config.get("rms_norm_eps", 1e-6))
        self.input_layernorm = _RMSNorm(config["hidden_size"], eps)
        self.self_attn = _Attention(config)
        self.post_attention_layernorm = _RMSNorm(config["hidden_size"], eps)
        self.mlp = _MLP(config)

    def forward(self, x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor, cache: _KVCache, layer: int) -> torch.Tensor:
        x = x + self.self_attn(self.input_layernorm(x), cos, sin, cache, layer)
        return x + self.mlp(self.post_attention_layernorm(x))


class _Decoder(nn.Module):
    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__()
        # An explicit empty weight skips the random init: under the meta device normal_ imports torch._dynamo (~2.5 s)
        self.embed_tokens = nn.Embedding(config["vocab_size"], config["hidden_size"], _weight=torch.empty(config["vocab_size"], config["hidden_size"]))
        self.layers = nn.ModuleList(_Block(config) for _ in range(config["num_hidden_layers"]))
        self.norm = _RMSNorm(config["hidden_size"], float(config.get("rms_norm_eps", 1e-6)))


class LlamaLM(nn.Module):
    """Llama for causal LM inference, one sequence at a time, logits of the last position only."""

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__()
        self.config = config
        self.model = _Decoder(config)
        self.lm_head = nn.Linear(config["hidden_size"], config["vocab_size"], bias=False)
        if config.get("tie_word_embeddings", False):
            self.lm_head.weight = self.model.embed_tokens.weight
        self.generation_config = SimpleNamespace(eos_token_id=config.get("eos_token_id"))
        self._inv_freq = self._rope(config)

    @classmethod
    def load(cls, folder: Path, skip_projections: bool = False) -> LlamaLM:
        """From an HF folder. ``skip_projections`` leaves the attention/MLP weights unread
        (on the meta device) for a caller that fills them from the int8 cache."""
        from safetensors import safe_open

        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        with torch.device("meta"):
            model = cls(config)
        tied = bool(config.get("tie_word_embeddings", False))
        with safe_open(str(folder / "model.safetensors"), framework="pt") as weights:
            tensors = {
                name: weights.get_tensor(name)
                for name in weights.keys()  # noqa: SIM118 (safe_open is not a dict)
                if not (tied and name == "lm_head.weight") and not (skip_projections and name.endswith("_proj.weight"))
            }
        model.load_state_dict(tensors, strict=False, assign=True)
        if tied:
            model.lm_head.weight = model.model.embed_tokens.weight
        missing = [name for name, p in model.named_parameters() if p.is_meta and not (skip_projections and name.endswith("_proj.weight"))]
        if missing:
            raise ValueError(f"{folder / 'model.safetensors'} lacks {', '.join(missing[:3])}")
        return model.eval()

    @staticmethod
    def _rope(config: dict[str, Any]) -> torch.Tensor:
        head_dim = config.get("head_dim") or config["hidden_size"] // config["num_attention_heads"]
        rope = config.get("rope_parameters") or {}
        theta = float(rope.get("rope_theta", config.get("rope_theta", 10000.0)))
        steps = torch.arange(0, head_dim, 2, dtype=torch.float32, device="cpu")  # never on the meta device
        return 1.0 / (theta ** (steps / head_dim))

    def forward(self, input_ids: torch.Tensor, cache: _KVCache | None = None, use_cache: bool = True, all_positions: bool = False) -> SimpleNamespace:
        """``all_positions``: logits for every input token (perplexity, fine-tuning), not just the last."""
        attention: Any = self.model.layers[0].self_attn  # torch types Module attributes as Tensor | Module
        dtype = self.model.embed_tokens.weight.dtype
        cache = cache or _KVCache(len(self.model.layers), attention.kv_heads, attention.head_dim, dtype)
        steps = input_ids.shape[1]
        positions = torch.arange(cache.length, cache.length + steps, dtype=torch.float32)
        angles = torch.outer(positions, self._inv_freq)
        angles = torch.cat((angles, angles), dim=-1)
        cos, sin = angles.cos().to(dtype), angles.sin().to(dtype)
        hidden = self.model.embed_tokens(input_ids)
        for index, block in enumerate(self.model.layers):
            hidden = block(hidden, cos, sin, cache, index)
        cache.length += steps
        hidden = self.model.norm(hidden if all_positions else hidden[:, -1:])
        return SimpleNamespace(logits=self.lm_head(hidden), cache=cache)
