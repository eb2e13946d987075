"""How likely a model finds a reply: the training loss and the perplexity use the same sum.

A reply is scored in its real context: the chat prompt the bot would send (system
prompt, examples, the user's message) followed by the reply and the end-of-turn
token; only the reply's tokens count.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from dialog.llm.base import ChatMessage

__all__ = ["batch_loss", "encode_reply", "perplexity", "reply_loss", "shared_prefix"]


def encode_reply(tokenizer: Any, messages: Sequence[ChatMessage], reply: str) -> tuple[Any, int]:
    """(token ids of prompt + reply + end of turn, index of the first reply token)."""
    import torch

    prompt = tokenizer.apply_chat_template([m.as_json() for m in messages], add_generation_prompt=True, return_tensors="pt", return_dict=True)
    full = tokenizer.apply_chat_template(
        [m.as_json() for m in messages] + [{"role": "assistant", "content": reply}], add_generation_prompt=False, return_tensors="pt", return_dict=True
    )
    prompt_ids, full_ids = prompt["input_ids"][0], full["input_ids"][0]
    start = int(prompt_ids.shape[0])
    if full_ids.shape[0] <= start or not torch.equal(full_ids[:start], prompt_ids):
        raise ValueError("the chat template does not append the reply after the prompt")
    return full_ids.unsqueeze(0), start


def reply_loss(model: Any, input_ids: Any, start: int, prefix: tuple[int, Any] | None = None) -> tuple[Any, int]:
    """(summed negative log-likelihood of the tokens from ``start`` on, their count); keeps the graph.

    ``prefix``: (length, KV cache) of the first tokens, shared by many prompts (the system
    prompt and examples); only the tokens after it are run, on a copy of that cache."""
    from torch.nn import functional as F

    skip, cache = prefix if prefix is not None else (0, None)
    if cache is not None:
        cache = cache.copy()
    logits = model(input_ids=input_ids[:, skip:], cache=cache, use_cache=True, all_positions=True).logits[0]
    targets = input_ids[0, start:]
    predicted = logits[start - 1 - skip : -1].float()
    return F.cross_entropy(predicted, targets, reduction="sum"), int(targets.shape[0])


def batch_loss(model: Any, encoded: Sequence[tuple[Any, int]], prefix: tuple[int, Any]) -> tuple[Any, int]:
    """``reply_loss`` summed over several (ids, start) pairs run as one batch after a shared prefix.

    Why: on a CPU one short sequence keeps the matrix products too small to be
    efficient; four to eight side by side cost about as much wall time as two alone.
    Shorter sequences are padded on the right, which the causal mask keeps from
    affecting any real token, and padded positions are not scored."""
    import torch
    from torch.nn import functional as F

    skip, cache = prefix
    width = max(int(ids.shape[1]) - skip for ids, _ in encoded)
    inputs = torch.zeros(len(encoded), width, dtype=torch.long)
    targets = torch.full((len(encoded), width), -100, dtype=torch.long)
    for row, (ids, start) in enumerate(encoded):
        tail = ids[0, skip:]
        inputs[row, : tail.shape[0]] = tail
        targets[row, start - skip - 1 : tail.shape[0] - 1] = tail[start - skip :]
    logits = model(input_ids=inputs, cache=cache.copy(len(encoded)), use_cache=True, all_positions=True).logits
    loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]).float(), targets.reshape(-1), ignore_index=-100, reduction="sum")
    return loss, int((targets != -100).sum())


def shared_prefix(model: Any, tokenizer: Any, prefix: Sequence[ChatMessage], ids: Sequence[Any]) -> tuple[int, Any] | None:
    """The KV cache of the prefix messages' tokens, if every one of ``ids`` starts with them."""
    import torch

    if not prefix:
        return None
    encoded = tokenizer.apply_chat_template([m.as_json() for m in prefix], add_generation_prompt=False, return_tensors="pt", return_dict=True)
    head = encoded["input_ids"]
    length = int(head.shape[1])
    if any(i.shape[1] <= length + 1 or not torch.equal(i[0, :length], head[0]) for i in ids):
        return None
    with torch.no_grad():
        return length, model(input_ids=head, use_cache=True).cache


def perplexity(model: Any, tokenizer: Any, pairs: Sequence[tuple[Sequence[ChatMessage], str]], prefix: Sequence[ChatMessage] = ()) -> float:
    """exp(mean negative log-likelihood per reply token) over (prompt messages, reply) pairs;
    ``prefix``: the messages every prompt starts with, run once."""
    import torch

    total, count = 0.0, 0
    with torch.inference_mode():
        encoded = [encode_reply(tokenizer, messages, reply) for messages, reply in pairs]
        shared = shared_prefix(model, tokenizer, prefix, [ids for ids, _ in encoded])
        for ids, start in encoded:
            loss, tokens = reply_loss(model, ids, start, shared)
            total += float(loss)
            count += tokens
    return math.exp(total / max(1, count))
