"""Generating the replies of the reply-quality benchmark with the real fallback.

The replies go through ``LLMFallback.reply`` (prompt, decoding, cleaning), exactly
what a user of the customer-service bot gets; each reply is timed, with its first
streamed piece, and written to JSON so metrics and rating sheets never regenerate.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import time
from pathlib import Path
from typing import Any

from bench.replies_data import Prompt

__all__ = ["CUSTOMER_SERVICE", "generate_replies", "load_config"]

CUSTOMER_SERVICE = Path(__file__).resolve().parents[1] / "domains" / "customer_service"


def load_config(model: str | None = None, max_new_tokens: int | None = None) -> Any:
    from dialog.config import load_bot

    config = load_bot(CUSTOMER_SERVICE)
    llm = config.settings.llm
    changes: dict[str, Any] = {"timeout_s": 300}
    if model:
        changes["model"] = model
    if max_new_tokens:
        changes["max_new_tokens"] = max_new_tokens
    settings = dataclasses.replace(config.settings, llm=dataclasses.replace(llm, **changes))
    return dataclasses.replace(config, settings=settings)


async def _one(fallback: Any, prompt: Prompt, no_answer: str) -> dict[str, Any]:
    first: list[float] = []
    started = time.monotonic()

    def on_token(piece: str) -> None:
        if not first:
            first.append(time.monotonic() - started)

    result = await fallback.reply([{"event": "user", "text": prompt.text}], prompt.text, on_token)
    seconds = time.monotonic() - started
    tokens = int(result.event.get("completion_tokens", 0))
    return {
        "id": prompt.id,
        "category": prompt.category,
        "prompt": prompt.text,
        # "ungrounded": the reply stated business facts the bot lacks; the bot says it does not know instead
        "reply": no_answer if result.event.get("outcome") == "ungrounded" else result.text or "",
        "outcome": result.event.get("outcome"),
        "seconds": round(seconds, 3),
        "first_piece_s": round(first[0], 3) if first else None,
        "tokens": tokens,
    }


async def _all(config: Any, prompts: list[Prompt], use_adapter: bool) -> list[dict[str, Any]]:
    from dialog.llm.fallback import LLMFallback, build_generator

    generator = build_generator(config.settings.llm, config.root)
    if not use_adapter and hasattr(generator, "adapter"):
        generator.adapter = None
    from dialog.knowledge.documents import document_texts

    fallback = LLMFallback.from_config(config, generator, document_texts(config.root))
    fallback.start()
    try:
        await fallback.reply([], "hello")  # warm up: load the model and prefill the prefix
        from dialog.flows.search import no_answer_text

        return [await _one(fallback, prompt, no_answer_text(config)) for prompt in prompts]
    finally:
        await fallback.close()


def generate_replies(prompts: list[Prompt], out: Path, model: str | None = None, max_new_tokens: int | None = None, use_adapter: bool = True) -> list[dict[str, Any]]:
    """The replies (and timings) of the bot's fallback; ``use_adapter=False`` ignores a tuned adapter."""
    rows = asyncio.run(_all(load_config(model, max_new_tokens), prompts, use_adapter))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(rows, indent=1, ensure_ascii=False), encoding="utf-8")
    return rows
