"""Scoring replies: a batch of replies after a shared prefix scores as each one alone."""

from __future__ import annotations

import torch

from dialog.llm.llama import LlamaLM
from dialog.llm.tuning.scoring import batch_loss, reply_loss

CONFIG = {"hidden_size": 32, "num_attention_heads": 4, "num_key_value_heads": 2, "intermediate_size": 64, "num_hidden_layers": 2, "vocab_size": 50, "tie_word_embeddings": True}


def test_a_padded_batch_after_a_shared_prefix_gives_the_sum_of_single_losses() -> None:
    torch.manual_seed(0)
    model = LlamaLM(CONFIG)
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.normal_(std=0.05)
    prefix_ids = torch.tensor([[1, 2, 3, 4, 5]])
    with torch.no_grad():
        prefix = (5, model(input_ids=prefix_ids, use_cache=True).cache)
    encoded = [
        (torch.cat([prefix_ids, torch.tensor([[7, 8, 9, 10]])], dim=1), 7),  # user 7 8, reply 9 10
        (torch.cat([prefix_ids, torch.tensor([[11, 12, 13, 14, 15, 16, 17]])], dim=1), 8),  # a longer one
    ]
    with torch.no_grad():
        singles = [reply_loss(model, ids, start, prefix) for ids, start in encoded]
        batched, tokens = batch_loss(model, encoded, prefix)
    assert tokens == sum(count for _, count in singles) == 2 + 4
    assert torch.allclose(batched, sum(loss for loss, _ in singles), atol=1e-4)
    assert prefix[1].length == 5  # the shared prefix cache is left as it was
