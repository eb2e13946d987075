"""LoRA fine-tuning of an in-process Llama model on (user, reply) pairs.

Why LoRA through peft: a 135M model fully fine-tuned on ~150 replies forgets what it
knew; low-rank updates of the attention and MLP projections move it towards the
domain's voice at a fraction of the trainable weights, and peft injects them into
our own ``LlamaLM`` without transformers. Only the reply tokens are trained on, in
the exact chat prompt the bot sends (system prompt, examples, user message).

Cost: the system prompt and examples (most of each prompt's tokens) are run once,
without gradients, and every step reuses their KV cache; a step then runs only the
user's message and the reply. The prefix cache comes from the base model, a small
approximation (the adapter changes the prefix's keys and values a little) that
made training several times cheaper on two CPU cores.

Replies are trained four at a time (``batch_size``), padded side by side after the
shared prefix, and on one torch thread: on two shared cores, two threads made each
step 10-20 times slower as soon as another process wanted a core (the threads wait
for each other), while one thread did a reply in ~0.5 s even at load 7
(bench/RESULTS.md "Reply quality").

Deterministic: the seed fixes the LoRA initialisation and the example order.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from dialog.errors import LLMError
from dialog.llm.base import ChatMessage
from dialog.llm.tuning.scoring import batch_loss, encode_reply, reply_loss, shared_prefix

__all__ = ["TARGET_MODULES", "TuneSettings", "train_lora"]

TARGET_MODULES = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")
Progress = Callable[[int, int, float], None]  # (steps done, total steps, running loss per token)


@dataclass(frozen=True)
class TuneSettings:
    epochs: int = 3
    rank: int = 8
    alpha: int = 16
    learning_rate: float = 1e-3
    seed: int = 0
    max_minutes: float = 10.0  # stop early (between steps) past this budget
    batch_size: int = 4  # replies per optimizer step, run side by side (bench/RESULTS.md "Reply quality")
    threads: int = 1  # torch threads while training (see train_lora)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def train_lora(
    model: Any,
    tokenizer: Any,
    prefix: Sequence[ChatMessage],
    pairs: Sequence[tuple[Sequence[ChatMessage], str]],
    settings: TuneSettings,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Injects LoRA layers into ``model`` (in place) and trains them; returns a summary."""
    import torch

    try:
        from peft import LoraConfig, inject_adapter_in_model
    except ImportError as exc:
        raise LLMError(f"dialog tune needs peft ({exc}): pip install 'dialog[tune]'") from exc

    threads = torch.get_num_threads()
    torch.set_num_threads(max(1, settings.threads))
    try:
        return _train(model, tokenizer, prefix, pairs, settings, progress, LoraConfig, inject_adapter_in_model)
    finally:
        torch.set_num_threads(threads)


def _train(
    model: Any,
    tokenizer: Any,
    prefix: Sequence[ChatMessage],
    pairs: Sequence[tuple[Sequence[ChatMessage], str]],
    settings: TuneSettings,
    progress: Progress | None,
    lora_config: Any,
    inject: Any,
) -> dict[str, Any]:
    import torch

    torch.manual_seed(settings.seed)
    config = lora_config(r=settings.rank, lora_alpha=settings.alpha, lora_dropout=0.0, target_modules=list(TARGET_MODULES))
    model = inject(config, model)
    trainable = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(trainable, lr=settings.learning_rate, weight_decay=0.0)
    encoded = [encode_reply(tokenizer, messages, reply) for messages, reply in pairs]
    shared = shared_prefix(model, tokenizer, prefix, [ids for ids, _ in encoded])
    order = list(range(len(encoded)))
    rng = random.Random(settings.seed)
    size = max(1, settings.batch_size)
    per_epoch = (len(order) + size - 1) // size
    total = settings.epochs * per_epoch
    started = time.monotonic()
    done, loss_sum, token_sum, stopped_early = 0, 0.0, 0, False
    model.train()
    for _ in range(settings.epochs):
        rng.shuffle(order)
        for first in range(0, len(order), size):
            if time.monotonic() - started > settings.max_minutes * 60:
                stopped_early = True
                break
            group = [encoded[index] for index in order[first : first + size]]
            loss, tokens = _group_loss(model, group, shared)
            optimizer.zero_grad()
            (loss / tokens).backward()
            optimizer.step()
            done += 1
            loss_sum, token_sum = loss_sum + float(loss.detach()), token_sum + tokens
            if progress is not None:
                progress(done, total, loss_sum / token_sum)
        if stopped_early:
            break
    model.eval()
    return {
        "steps": done,
        "planned_steps": total,
        "stopped_early": stopped_early,
        "seconds": round(time.monotonic() - started, 1),
        "train_loss": round(loss_sum / max(1, token_sum), 4),
        "trainable_parameters": sum(p.numel() for p in trainable),
    }


def _group_loss(model: Any, group: Sequence[tuple[Any, int]], shared: tuple[int, Any] | None) -> tuple[Any, int]:
    """One batch after the shared prefix; one prompt at a time when the prompts share none."""
    if shared is not None:
        return batch_loss(model, group, shared)
    total: Any = 0.0
    count = 0
    for ids, start in group:
        loss, tokens = reply_loss(model, ids, start)
        total, count = total + loss, count + tokens
    return total, count
