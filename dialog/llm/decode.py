"""Our own token loop for in-process models.

``transformers.generate`` re-checks dozens of options on every step; for a 135M
model on two CPU cores that overhead is a large share of the time per token. This
loop does only what a chat reply needs: one prefill, then one forward pass per
token reusing ``past_key_values``, greedy or temperature/top-p sampling with a
repetition penalty, and incremental detokenisation that never splits a UTF-8
character. It runs in the generator's worker thread, never on the event loop.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["DecodeSettings", "decode"]


@dataclass(frozen=True)
class DecodeSettings:
    max_new_tokens: int = 80
    temperature: float = 0.7  # <= 0: greedy
    top_p: float = 0.9
    repetition_penalty: float = 1.15
    seed: int = 0


def _pick(logits: Any, generated: list[int], settings: DecodeSettings, rng: Any) -> int:
    import torch

    logits = logits.float()
    if settings.repetition_penalty != 1.0 and generated:
        seen = torch.tensor(sorted(set(generated)), dtype=torch.long)
        values = logits[seen]
        logits[seen] = torch.where(values > 0, values / settings.repetition_penalty, values * settings.repetition_penalty)
    if settings.temperature <= 0:
        return int(logits.argmax())
    probs = torch.softmax(logits / settings.temperature, dim=-1)
    if settings.top_p < 1.0:
        sorted_probs, order = torch.sort(probs, descending=True)
        keep = torch.cumsum(sorted_probs, dim=-1) - sorted_probs < settings.top_p
        sorted_probs = sorted_probs * keep
        choice = torch.multinomial(sorted_probs / sorted_probs.sum(), 1, generator=rng)
        return int(order[choice])
    return int(torch.multinomial(probs, 1, generator=rng))


def decode(
    model: Any,
    tokenizer: Any,
    input_ids: Any,
    settings: DecodeSettings,
    stop_ids: set[int],
    on_piece: Callable[[str], None],
    stop: threading.Event | None = None,
    past: Any = None,
) -> int:
    """Generate up to ``max_new_tokens``, calling ``on_piece`` with new text; returns tokens made.

    ``past``: a KV cache already holding the tokens before ``input_ids`` (a shared prompt prefix);
    then ``input_ids`` are only the tokens after it."""
    import torch

    rng = torch.Generator().manual_seed(settings.seed)
    generated: list[int] = []
    shown = ""
    with torch.inference_mode():
        output = model(input_ids=input_ids, use_cache=True) if past is None else model(input_ids=input_ids, past_key_values=past, use_cache=True)
        for _ in range(settings.max_new_tokens):
            token = _pick(output.logits[0, -1], generated, settings, rng)
            if token in stop_ids:
                break
            generated.append(token)
            text = tokenizer.decode(generated, skip_special_tokens=True, clean_up_tokenization_spaces=False)
            if not text.endswith("\ufffd") and len(text) > len(shown) and text.startswith(shown):
                on_piece(text[len(shown) :])
                shown = text
            if stop is not None and stop.is_set():
                break
            step = torch.tensor([[token]], dtype=torch.long)
            output = model(input_ids=step, past_key_values=output.past_key_values, use_cache=True)
    return len(generated)
