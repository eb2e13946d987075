"""Our own token loop for in-process models.

``transformers.generate`` re-checks dozens of options on every step; for a 135M
model on two CPU cores that overhead is a large share of the time per token. This
loop does only what a chat reply needs: one prefill, then one forward pass per
token reusing the KV cache, greedy or temperature/top-p sampling with a
repetition penalty, and incremental detokenisation that never splits a UTF-8
character. It runs in the generator's worker thread, never on the event loop.
"""

from __future__ import annotations

import inspect
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["DecodeSettings", "decode", "forward", "returned_cache"]


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


def _cache_keyword(model: Any) -> str:
    """``cache`` (transformers >= 5.2x and our own Llama) or the older ``past_key_values``."""
    forward_fn = getattr(model, "forward", model)
    try:
        parameters = inspect.signature(forward_fn).parameters
    except (TypeError, ValueError):
        return "past_key_values"
    return "cache" if "cache" in parameters else "past_key_values"


def forward(model: Any, input_ids: Any, past: Any = None) -> Any:
    """One forward pass with the KV cache under whichever name this model's version takes."""
    if past is None:
        return model(input_ids=input_ids, use_cache=True)
    return model(input_ids=input_ids, use_cache=True, **{_cache_keyword(model): past})


def returned_cache(output: Any) -> Any:
    """The KV cache a forward pass returned, under either name."""
    cache = getattr(output, "cache", None)
    return cache if cache is not None else output.past_key_values


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
        output = forward(model, input_ids, past)
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
            output = forward(model, step, returned_cache(output))
    return len(generated)
