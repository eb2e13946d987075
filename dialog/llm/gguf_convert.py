"""A Llama GGUF file as a plain Hugging Face folder, without transformers.

Why: the bundled SmolLM2 ships as a quantised GGUF, and transformers (plus
accelerate, huggingface_hub...) was installed only to read it once. The ``gguf``
package reads and de-quantises the tensors; this module renames them to
transformers' names, undoes the Q/K row permutation llama.cpp's converter applies
for its rotary layout, and builds ``tokenizer.json`` (byte-level BPE), the chat
template and special tokens from the file's metadata. The folder it writes is what
``llama.py`` loads, and what transformers would load too.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["UnsupportedGGUF", "convert_gguf", "gguf_architecture"]

_WEIGHTS = "model.safetensors"
_CONTROL, _USER_DEFINED = 3, 4  # gguf.TokenType values that become added tokens

# GGUF tensor name (after ``blk.N.``) -> transformers' Llama name (after ``model.layers.N.``)
_BLOCK_NAMES = {
    "attn_norm": "input_layernorm",
    "attn_q": "self_attn.q_proj",
    "attn_k": "self_attn.k_proj",
    "attn_v": "self_attn.v_proj",
    "attn_output": "self_attn.o_proj",
    "ffn_norm": "post_attention_layernorm",
    "ffn_gate": "mlp.gate_proj",
    "ffn_up": "mlp.up_proj",
    "ffn_down": "mlp.down_proj",
}
_TOP_NAMES = {"token_embd": "model.embed_tokens", "output_norm": "model.norm", "output": "lm_head"}


class UnsupportedGGUF(ValueError):
    """The file is not a Llama GGUF with a GPT-2 style (byte-level BPE) tokenizer."""


def _field(reader: Any, key: str, default: Any = None) -> Any:
    field = reader.fields.get(key)
    return default if field is None else field.contents()


def gguf_architecture(path: Path) -> str:
    """``general.architecture`` of a GGUF file (reads only the header and metadata)."""
    from gguf import GGUFReader

    return str(_field(GGUFReader(str(path)), "general.architecture", ""))


def _config(reader: Any, has_output: bool) -> dict[str, Any]:
    arch = "llama"
    heads = int(_field(reader, f"{arch}.attention.head_count"))
    hidden = int(_field(reader, f"{arch}.embedding_length"))
    tokens = _field(reader, "tokenizer.ggml.tokens")
    head_dim = int(_field(reader, f"{arch}.rope.dimension_count", hidden // heads))
    if _field(reader, f"{arch}.rope.scaling.type", "none") not in ("none", None):
        raise UnsupportedGGUF("rope scaling is not supported by the native Llama")
    return {
        "architectures": ["LlamaForCausalLM"],
        "model_type": "llama",
        "vocab_size": int(_field(reader, f"{arch}.vocab_size", len(tokens))),
        "hidden_size": hidden,
        "intermediate_size": int(_field(reader, f"{arch}.feed_forward_length")),
        "num_hidden_layers": int(_field(reader, f"{arch}.block_count")),
        "num_attention_heads": heads,
        "num_key_value_heads": int(_field(reader, f"{arch}.attention.head_count_kv", heads)),
        "head_dim": head_dim,
        "hidden_act": "silu",
        "max_position_embeddings": int(_field(reader, f"{arch}.context_length", 2048)),
        "rms_norm_eps": float(_field(reader, f"{arch}.attention.layer_norm_rms_epsilon", 1e-6)),
        "rope_theta": float(_field(reader, f"{arch}.rope.freq_base", 10000.0)),
        "rope_parameters": {"rope_type": "default", "rope_theta": float(_field(reader, f"{arch}.rope.freq_base", 10000.0))},
        "attention_bias": False,
        "mlp_bias": False,
        "tie_word_embeddings": not has_output,
        "bos_token_id": _field(reader, "tokenizer.ggml.bos_token_id"),
        "eos_token_id": _field(reader, "tokenizer.ggml.eos_token_id"),
        "pad_token_id": _field(reader, "tokenizer.ggml.padding_token_id"),
        "torch_dtype": "float32",
    }


def _unpermute(weights: np.ndarray, heads: int) -> np.ndarray:
    """Undo llama.cpp's ``permute`` of q/k rows (interleaved rotary pairs back to halves)."""
    half = weights.shape[0] // heads // 2
    return weights.reshape(heads, half, 2, *weights.shape[1:]).swapaxes(1, 2).reshape(weights.shape)


def _hf_name(gguf_name: str) -> tuple[str, str]:
    """``(transformers name, GGUF stem)``, e.g. ``blk.3.attn_q.weight`` -> ``model.layers.3.self_attn.q_proj.weight``."""
    stem, _, kind = gguf_name.rpartition(".")
    if stem.startswith("blk."):
        _, layer, part = stem.split(".", 2)
        if part not in _BLOCK_NAMES:
            raise UnsupportedGGUF(f"unexpected tensor {gguf_name}")
        return f"model.layers.{layer}.{_BLOCK_NAMES[part]}.{kind}", part
    if stem not in _TOP_NAMES:
        raise UnsupportedGGUF(f"unexpected tensor {gguf_name}")
    return f"{_TOP_NAMES[stem]}.{kind}", stem


def _tensors(reader: Any, config: dict[str, Any]) -> dict[str, Any]:
    import torch
    from gguf.quants import dequantize

    tensors: dict[str, Any] = {}
    for tensor in reader.tensors:
        if tensor.name.startswith("rope_freqs"):
            raise UnsupportedGGUF("per-dimension rope frequencies are not supported by the native Llama")
        name, part = _hf_name(tensor.name)
        # GGUF lists dimensions innermost first; de-quantised data comes out in row-major HF order.
        values = dequantize(tensor.data, tensor.tensor_type).astype(np.float32, copy=False)
        values = values.reshape([int(size) for size in reversed(tensor.shape)])
        if part == "attn_q":
            values = _unpermute(values, config["num_attention_heads"])
        elif part == "attn_k":
            values = _unpermute(values, config["num_key_value_heads"])
        tensors[name] = torch.from_numpy(np.array(values, dtype=np.float32, order="C"))  # a copy: F32 data is a read-only mmap view
    return tensors


def _byte_level_tokenizer(reader: Any) -> tuple[dict[str, Any], dict[str, str | None]]:
    """``tokenizer.json`` for the ``tokenizers`` library, and the special token strings."""
    if _field(reader, "tokenizer.ggml.model") != "gpt2":
        raise UnsupportedGGUF(f"tokenizer '{_field(reader, 'tokenizer.ggml.model')}' is not a byte-level BPE (gpt2)")
    tokens: list[str] = list(_field(reader, "tokenizer.ggml.tokens"))
    kinds: list[int] = list(_field(reader, "tokenizer.ggml.token_type", [1] * len(tokens)))
    merges = [str(merge) for merge in _field(reader, "tokenizer.ggml.merges", [])]

    def token(key: str) -> str | None:
        index = _field(reader, f"tokenizer.ggml.{key}_token_id")
        return tokens[int(index)] if index is not None and 0 <= int(index) < len(tokens) else None

    special = {"bos_token": token("bos"), "eos_token": token("eos"), "unk_token": token("unknown"), "pad_token": token("padding")}
    added = [
        {"id": index, "content": text, "single_word": False, "lstrip": False, "rstrip": False,
         "normalized": kind != _CONTROL, "special": kind == _CONTROL}
        for index, (text, kind) in enumerate(zip(tokens, kinds))
        if kind in (_CONTROL, _USER_DEFINED)
    ]
    bos = special["bos_token"] if _field(reader, "tokenizer.ggml.add_bos_token", False) else None
    single: list[dict[str, Any]] = [{"Sequence": {"id": "A", "type_id": 0}}]
    post: dict[str, Any] = {"type": "TemplateProcessing", "single": single, "pair": [*single, {"Sequence": {"id": "B", "type_id": 1}}], "special_tokens": {}}
    if bos is not None:
        bos_id = tokens.index(bos)
        post["single"] = [{"SpecialToken": {"id": bos, "type_id": 0}}, *single]
        post["pair"] = [*post["single"], {"SpecialToken": {"id": bos, "type_id": 1}}, {"Sequence": {"id": "B", "type_id": 1}}]
        post["special_tokens"] = {bos: {"id": bos, "ids": [bos_id], "tokens": [bos]}}
    byte_level = {"add_prefix_space": bool(_field(reader, "tokenizer.ggml.add_space_prefix", False)), "trim_offsets": True, "use_regex": True}
    document = {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": added,
        "normalizer": None,
        "pre_tokenizer": {"type": "ByteLevel", **byte_level},
        "post_processor": post,
        "decoder": {"type": "ByteLevel", **byte_level, "add_prefix_space": True},  # as transformers writes it; decoding ignores it
        "model": {
            "type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": "", "end_of_word_suffix": "",
            "fuse_unk": False, "byte_fallback": False, "ignore_merges": False,
            "vocab": {text: index for index, text in enumerate(tokens)},
            "merges": [merge.split(" ", 1) for merge in merges],
        },
    }
    return document, special


def convert_gguf(path: Path, target: Path) -> None:
    """Writes ``config.json``, ``model.safetensors``, ``tokenizer.json``, ``tokenizer_config.json``
    and ``chat_template.jinja`` for the Llama GGUF at ``path`` into the folder ``target``.

    Raises UnsupportedGGUF for other architectures or tokenizers (transformers reads those).
    """
    from gguf import GGUFReader
    from safetensors.torch import save_file

    reader = GGUFReader(str(path))
    architecture = _field(reader, "general.architecture")
    if architecture != "llama":
        raise UnsupportedGGUF(f"architecture '{architecture}' is not Llama")
    names = {tensor.name for tensor in reader.tensors}
    config = _config(reader, has_output="output.weight" in names)
    tokenizer, special = _byte_level_tokenizer(reader)
    template = _field(reader, "tokenizer.chat_template")
    if not isinstance(template, str):
        raise UnsupportedGGUF("the file has no chat template (tokenizer.chat_template)")
    tensors = _tensors(reader, config)
    target.mkdir(parents=True, exist_ok=True)
    save_file(tensors, str(target / _WEIGHTS), metadata={"format": "pt"})
    (target / "config.json").write_text(json.dumps(config, indent=1), encoding="utf-8")
    (target / "tokenizer.json").write_text(json.dumps(tokenizer, ensure_ascii=False), encoding="utf-8")
    settings = {**{key: value for key, value in special.items() if value is not None}, "tokenizer_class": "PreTrainedTokenizerFast"}
    (target / "tokenizer_config.json").write_text(json.dumps(settings, indent=1), encoding="utf-8")
    (target / "chat_template.jinja").write_text(template, encoding="utf-8")
