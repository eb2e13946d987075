"""Optional LLM judge: an OpenAI-compatible chat model rates each reply 1-5.

Never needed in CI; used only with ``--judge-url``. The judge sees the persona, the
user's message, a reference reply and the bot's reply, and answers with one number.
"""

from __future__ import annotations

import json
import logging
import re
import urllib.error
import urllib.request
from collections.abc import Sequence
from typing import Any

__all__ = ["judge_replies"]

logger = logging.getLogger(__name__)

RUBRIC = (
    "You rate replies of ACME Assistant, a friendly support agent for the ACME online shop. "
    "A good reply is short, relevant, polite, answers harmless questions briefly, never invents "
    "shop facts (prices, dates, policies) and stays the shop's assistant. "
    "Answer with one number from 1 (bad) to 5 (excellent) and nothing else."
)


def _ask(url: str, model: str, api_key: str, content: str, timeout: float) -> float | None:
    body = json.dumps({"model": model, "temperature": 0, "messages": [{"role": "system", "content": RUBRIC}, {"role": "user", "content": content}]})
    request = urllib.request.Request(
        url.rstrip("/") + "/chat/completions", body.encode("utf-8"), {"Content-Type": "application/json", "Authorization": f"Bearer {api_key}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (the user's own judge URL)
            answer = json.loads(response.read())["choices"][0]["message"]["content"]
    except (urllib.error.URLError, TimeoutError, KeyError, IndexError, ValueError) as exc:
        logger.warning("judge failed: %s", exc)
        return None
    match = re.search(r"[1-5]", str(answer))
    return float(match.group(0)) if match else None


def judge_replies(rows: Sequence[dict[str, Any]], references: dict[str, Sequence[str]], url: str, model: str, api_key: str = "none", timeout: float = 60) -> dict[str, Any]:
    """Mean judge score (1-5) and how many replies got one."""
    scores = []
    for row in rows:
        content = f"User: {row['prompt']}\nReference reply: {references[row['id']][0]}\nAssistant's reply: {row['reply']}"
        score = _ask(url, model, api_key, content, timeout)
        if score is not None:
            scores.append(score)
    return {"judged": len(scores), "judge_mean": round(sum(scores) / len(scores), 2) if scores else None}
