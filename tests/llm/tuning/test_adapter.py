"""LoRA adapters: saved from a peft-injected model, merged into plain weights at load."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from dialog.llm.llama import LlamaLM
from dialog.llm.tuning.adapter import find_adapter, merge_adapter, save_adapter

CONFIG = {"hidden_size": 32, "num_attention_heads": 4, "num_key_value_heads": 2, "intermediate_size": 64, "num_hidden_layers": 2, "vocab_size": 50, "tie_word_embeddings": True}


def _model(seed: int = 0) -> LlamaLM:
    torch.manual_seed(seed)
    model = LlamaLM(CONFIG)
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.normal_(std=0.05)
    return model.eval()


def test_a_merged_adapter_gives_the_same_logits_as_the_adapted_model(tmp_path: Path) -> None:
    from peft import LoraConfig, inject_adapter_in_model

    adapted = inject_adapter_in_model(LoraConfig(r=4, lora_alpha=8, target_modules=["q_proj", "v_proj", "down_proj"]), _model())
    with torch.no_grad():
        for name, parameter in adapted.named_parameters():
            if "lora_B" in name:
                parameter.normal_(std=0.1)  # peft starts B at zero: make the adapter do something
    ids = torch.tensor([[1, 5, 7, 9]])
    expected = adapted(input_ids=ids, all_positions=True).logits
    save_adapter(adapted, tmp_path / "adapter", {"fingerprint": "x"})
    plain = _model()
    before = plain(input_ids=ids, all_positions=True).logits
    assert merge_adapter(plain, tmp_path / "adapter") == 6
    after = plain(input_ids=ids, all_positions=True).logits
    assert torch.allclose(after, expected, atol=1e-5)
    assert not torch.allclose(before, expected, atol=1e-3)


def test_an_adapter_for_another_model_is_refused(tmp_path: Path) -> None:
    from peft import LoraConfig, inject_adapter_in_model

    adapted = inject_adapter_in_model(LoraConfig(r=4, target_modules=["q_proj"]), _model())
    save_adapter(adapted, tmp_path / "adapter", {})
    bigger = LlamaLM({**CONFIG, "hidden_size": 64, "intermediate_size": 128})
    with pytest.raises(ValueError, match="q_proj is"):
        merge_adapter(bigger, tmp_path / "adapter")


def test_a_domain_without_a_complete_adapter_has_none(tmp_path: Path) -> None:
    assert find_adapter(tmp_path) is None
    assert find_adapter(None) is None
