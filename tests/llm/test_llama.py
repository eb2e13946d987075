"""The native Llama matches transformers' LlamaForCausalLM (tiny random model, fast)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from dialog.llm.decode import forward, returned_cache
from dialog.llm.llama import ChatTokenizer, LlamaLM, supports

MESSAGES = [{"role": "system", "content": "be brief"}, {"role": "user", "content": "where is my order? 😀"}]


@pytest.fixture(scope="module")
def tiny_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import torch
    from tokenizers import ByteLevelBPETokenizer
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    folder = tmp_path_factory.mktemp("tiny-llama-native")
    bpe = ByteLevelBPETokenizer()
    bpe.train_from_iterator(["where is my order", "it has shipped"] * 20, vocab_size=280, special_tokens=["<|endoftext|>", "<|im_start|>", "<|im_end|>"])
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=bpe, bos_token="<|im_start|>", eos_token="<|im_end|>", unk_token="<|endoftext|>")
    tokenizer.chat_template = (
        "{% for m in messages %}{{'<|im_start|>' + m['role'] + '\n' + m['content'] + '<|im_end|>\n'}}{% endfor %}"
        "{% if add_generation_prompt %}{{'<|im_start|>assistant\n'}}{% endif %}"
    )
    tokenizer.save_pretrained(folder)
    torch.manual_seed(1)
    config = LlamaConfig(
        vocab_size=len(tokenizer), hidden_size=48, intermediate_size=96, num_hidden_layers=3, num_attention_heads=6,
        num_key_value_heads=2, max_position_embeddings=128, tie_word_embeddings=True, rope_theta=50000.0,
    )
    LlamaForCausalLM(config).save_pretrained(folder)
    return folder


def test_logits_and_cache_match_transformers(tiny_folder: Path) -> None:
    import torch
    from transformers import AutoModelForCausalLM, PreTrainedTokenizerFast

    reference_tokenizer = PreTrainedTokenizerFast.from_pretrained(tiny_folder)
    reference = AutoModelForCausalLM.from_pretrained(tiny_folder, dtype=torch.float32).eval()
    tokenizer, model = ChatTokenizer(tiny_folder), LlamaLM.load(tiny_folder)
    ids = tokenizer.apply_chat_template(MESSAGES)["input_ids"]
    expected_ids = reference_tokenizer.apply_chat_template(MESSAGES, add_generation_prompt=True, return_tensors="pt", return_dict=True)["input_ids"]
    assert torch.equal(ids, expected_ids)
    with torch.inference_mode():
        ours, theirs = model(input_ids=ids), reference(input_ids=ids, use_cache=True)
        for step in range(6):
            assert torch.allclose(ours.logits[0, -1], theirs.logits[0, -1], atol=1e-4), step
            token = torch.tensor([[int(theirs.logits[0, -1].argmax())]])
            ours = model(input_ids=token, cache=ours.cache)
            theirs = forward(reference, token, returned_cache(theirs))
    assert tokenizer.decode(ids[0].tolist()) == reference_tokenizer.decode(ids[0].tolist(), skip_special_tokens=True)


def test_only_plain_llama_folders_take_the_native_path(tiny_folder: Path, tmp_path: Path) -> None:
    assert supports(tiny_folder)
    other = tmp_path / "scaled"
    shutil.copytree(tiny_folder, other)
    config = json.loads((other / "config.json").read_text())
    config["rope_parameters"] = {"rope_type": "linear", "factor": 2.0, "rope_theta": 50000.0}
    (other / "config.json").write_text(json.dumps(config))
    assert not supports(other)
    assert not supports(tmp_path / "missing")
