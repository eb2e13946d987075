"""GGUF -> HF folder without transformers: a tiny written GGUF round-trips exactly (fast),
and the bundled SmolLM2 converts to the same logits and token ids as transformers' own
GGUF loader and answers with transformers unimportable (slow)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from dialog.llm.gguf_convert import UnsupportedGGUF, convert_gguf, gguf_architecture
from dialog.llm.llama import ChatTokenizer, LlamaLM, supports
from dialog.llm.loader import load_model, resolve_source

ROOT = Path(__file__).resolve().parents[2]
MESSAGES = [{"role": "system", "content": "be brief"}, {"role": "user", "content": "where is my order? café 😀"}]
TEMPLATE = (
    "{% for m in messages %}{{'<|im_start|>' + m['role'] + '\n' + m['content'] + '<|im_end|>\n'}}{% endfor %}"
    "{% if add_generation_prompt %}{{'<|im_start|>assistant\n'}}{% endif %}"
)


def _permute(weights: np.ndarray, heads: int) -> np.ndarray:
    """What llama.cpp's convert_hf_to_gguf.py does to q/k rows."""
    return weights.reshape(heads, 2, weights.shape[0] // heads // 2, *weights.shape[1:]).swapaxes(1, 2).reshape(weights.shape)


def _write_llama_gguf(path: Path, model: object, tokenizer: object, architecture: str = "llama") -> None:
    """A GGUF file laid out as llama.cpp writes one, from a transformers model and tokenizer."""
    import gguf

    config = model.config  # type: ignore[attr-defined]
    writer = gguf.GGUFWriter(str(path), architecture)
    writer.add_block_count(config.num_hidden_layers)
    writer.add_context_length(config.max_position_embeddings)
    writer.add_embedding_length(config.hidden_size)
    writer.add_feed_forward_length(config.intermediate_size)
    writer.add_head_count(config.num_attention_heads)
    writer.add_head_count_kv(config.num_key_value_heads)
    writer.add_rope_freq_base(config.rope_parameters["rope_theta"])
    writer.add_layer_norm_rms_eps(config.rms_norm_eps)
    writer.add_rope_dimension_count(config.hidden_size // config.num_attention_heads)
    writer.add_vocab_size(config.vocab_size)
    vocab = tokenizer.get_vocab()  # type: ignore[attr-defined]
    tokens = [text for text, _ in sorted(vocab.items(), key=lambda item: item[1])]
    special = set(tokenizer.all_special_tokens)  # type: ignore[attr-defined]
    writer.add_tokenizer_model("gpt2")
    writer.add_token_list(tokens)
    writer.add_token_types([gguf.TokenType.CONTROL if text in special else gguf.TokenType.NORMAL for text in tokens])
    import json

    merges = json.loads(tokenizer.backend_tokenizer.to_str())["model"]["merges"]  # type: ignore[attr-defined]
    writer.add_token_merges([" ".join(pair) if isinstance(pair, list) else pair for pair in merges])
    writer.add_bos_token_id(vocab["<|im_start|>"])
    writer.add_eos_token_id(vocab["<|im_end|>"])
    writer.add_add_bos_token(False)
    writer.add_chat_template(TEMPLATE)
    names = {"input_layernorm": "attn_norm", "self_attn.q_proj": "attn_q", "self_attn.k_proj": "attn_k",
             "self_attn.v_proj": "attn_v", "self_attn.o_proj": "attn_output", "post_attention_layernorm": "ffn_norm",
             "mlp.gate_proj": "ffn_gate", "mlp.up_proj": "ffn_up", "mlp.down_proj": "ffn_down"}
    for name, tensor in model.state_dict().items():  # type: ignore[attr-defined]
        if name == "lm_head.weight":
            continue  # tied
        values = tensor.detach().numpy().astype(np.float32)
        if name.startswith("model.layers."):
            _, _, layer, rest = name.split(".", 3)
            part, kind = rest.rsplit(".", 1)
            if part == "self_attn.q_proj":
                values = _permute(values, config.num_attention_heads)
            elif part == "self_attn.k_proj":
                values = _permute(values, config.num_key_value_heads)
            writer.add_tensor(f"blk.{layer}.{names[part]}.{kind}", values)
        else:
            writer.add_tensor({"model.embed_tokens.weight": "token_embd.weight", "model.norm.weight": "output_norm.weight"}[name], values)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object, object]:
    import torch
    from tokenizers import ByteLevelBPETokenizer
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    folder = tmp_path_factory.mktemp("tiny-gguf")
    bpe = ByteLevelBPETokenizer()
    bpe.train_from_iterator(["where is my order", "it has shipped", "café"] * 20, vocab_size=300, special_tokens=["<|endoftext|>", "<|im_start|>", "<|im_end|>"])
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=bpe, bos_token="<|im_start|>", eos_token="<|im_end|>", unk_token="<|endoftext|>")
    tokenizer.chat_template = TEMPLATE
    torch.manual_seed(3)
    config = LlamaConfig(
        vocab_size=len(tokenizer), hidden_size=48, intermediate_size=96, num_hidden_layers=2, num_attention_heads=6,
        num_key_value_heads=2, max_position_embeddings=128, tie_word_embeddings=True, rope_theta=50000.0,
    )
    model = LlamaForCausalLM(config).eval()
    _write_llama_gguf(folder / "tiny.gguf", model, tokenizer)
    return folder / "tiny.gguf", model, tokenizer


def test_a_llama_gguf_converts_to_a_folder_with_the_original_logits_and_tokens(tiny: tuple[Path, object, object], tmp_path: Path) -> None:
    import torch

    path, reference, reference_tokenizer = tiny
    convert_gguf(path, tmp_path / "out")
    assert supports(tmp_path / "out")
    tokenizer, model = ChatTokenizer(tmp_path / "out"), LlamaLM.load(tmp_path / "out")
    ids = tokenizer.apply_chat_template(MESSAGES)["input_ids"]
    expected = reference_tokenizer.apply_chat_template(MESSAGES, add_generation_prompt=True, return_tensors="pt", return_dict=True)["input_ids"]  # type: ignore[attr-defined]
    assert torch.equal(ids, expected)
    with torch.inference_mode():
        ours, theirs = model(input_ids=ids).logits[0, -1], reference(input_ids=ids).logits[0, -1]  # type: ignore[operator]
    assert torch.allclose(ours, theirs, atol=1e-5)
    assert tokenizer.eos_token_id == reference_tokenizer.eos_token_id  # type: ignore[attr-defined]
    assert tokenizer.decode(ids[0].tolist()) == "system\nbe brief\nuser\nwhere is my order? café 😀\nassistant\n"


def test_architecture_is_read_from_the_header(tiny: tuple[Path, object, object]) -> None:
    assert gguf_architecture(tiny[0]) == "llama"


def test_a_non_llama_gguf_is_refused_with_its_architecture(tiny: tuple[Path, object, object], tmp_path: Path) -> None:
    _, model, tokenizer = tiny
    _write_llama_gguf(tmp_path / "other.gguf", model, tokenizer, architecture="gemma")
    with pytest.raises(UnsupportedGGUF, match="architecture 'gemma' is not Llama"):
        convert_gguf(tmp_path / "other.gguf", tmp_path / "out")


@pytest.mark.slow
def test_bundled_model_converts_to_transformers_logits_and_token_ids(tmp_path: Path) -> None:
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    source = resolve_source("bundled:smollm2-135m")
    convert_gguf(source.folder / str(source.gguf_file), tmp_path / "ours")
    tokenizer, model = ChatTokenizer(tmp_path / "ours"), LlamaLM.load(tmp_path / "ours")
    reference_tokenizer = AutoTokenizer.from_pretrained(source.folder, gguf_file=source.gguf_file, local_files_only=True)
    reference = AutoModelForCausalLM.from_pretrained(source.folder, gguf_file=source.gguf_file, local_files_only=True, dtype=torch.float32).eval()
    for text in ["Hello, world!", "  double  spaces\n\ttab € naïve 12345", "<|im_start|>user\nhi<|im_end|>"]:
        assert tokenizer._tokenizer.encode(text, add_special_tokens=False).ids == reference_tokenizer.encode(text, add_special_tokens=False)
    ids = tokenizer.apply_chat_template(MESSAGES)["input_ids"]
    expected = reference_tokenizer.apply_chat_template(MESSAGES, add_generation_prompt=True, return_tensors="pt", return_dict=True)["input_ids"]
    assert torch.equal(ids, expected)
    with torch.inference_mode():
        ours, theirs = model(input_ids=ids).logits[0, -1], reference(input_ids=ids).logits[0, -1]
    assert torch.allclose(ours, theirs, atol=1e-3), (ours - theirs).abs().max()
    assert int(ours.argmax()) == int(theirs.argmax())


_NO_TRANSFORMERS = textwrap.dedent(
    """
    import asyncio, sys
    from pathlib import Path
    for name in ("transformers", "accelerate", "huggingface_hub"):
        sys.modules[name] = None  # importing any of them now fails
    from dialog.llm.base import ChatMessage
    from dialog.llm.hf import HFGenerator
    from dialog.llm.loader import resolve_source

    generator = HFGenerator(resolve_source("bundled:smollm2-135m"), cache_dir=Path(sys.argv[1]))
    reply = asyncio.run(generator.generate([ChatMessage("user", "What is the capital of France?")], 24))
    asyncio.run(generator.close())
    print(reply.text)
    """
)


@pytest.mark.slow
def test_bundled_model_answers_with_transformers_not_installed(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", _NO_TRANSFORMERS, str(tmp_path)], capture_output=True, text=True, env=env, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Paris" in done.stdout
    cached = list(tmp_path.iterdir())
    assert [folder.name.startswith("smollm2-135m-") for folder in cached] == [True]
    assert {"config.json", "model.safetensors", "tokenizer.json", "chat_template.jinja"} <= {f.name for f in cached[0].iterdir()}


def test_a_gguf_load_without_a_cache_folder_still_works(tiny: tuple[Path, object, object]) -> None:
    from dialog.llm.loader import ModelSource

    path = tiny[0]
    loaded = load_model(ModelSource("tiny", path.parent, path.name), cache_dir=None)
    assert isinstance(loaded.model, LlamaLM) and not loaded.from_cache and loaded.cache_folder is None
