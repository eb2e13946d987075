"""What ``dialog tune`` trains on: (user message, reply in the bot's voice) pairs.

Sources, all from the bot's own data:

- ``replies.yml`` in the domain folder: example free-form exchanges (``- user: ...``
  ``bot: ...``), written for small talk, off-topic requests, persona probes and the like;
- the small-talk flows (one ``utter_`` step, triggered by an intent): the first
  ``FLOW_PAIRS`` NLU examples of the trigger intent, each paired with a text of the
  response in turn. Few on purpose: the NLU answers these intents itself, and with
  every example (150 of 230 pairs for the shipped bot) the model learnt to answer any
  small talk with "Hi! I'm the ACME Assistant..." or "No problem. Anything else?";
- story test cases (``--stories``, loaded by the command): a user turn followed directly by a ``bot:`` text or an
  ``utter:`` response.

Only replies the free-form fallback may say are kept: a reply with a slot template
(``{...}``) or a digit states an order's facts, which only an action may do; the
fallback model must never learn to say them.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dialog.errors import ConfigError, Problem

__all__ = ["FLOW_PAIRS", "REPLIES_FILE", "TuneExample", "collect_examples", "fingerprint", "read_replies_file"]

REPLIES_FILE = "replies.yml"
FLOW_PAIRS = 4
_FACTS = re.compile(r"[{}\d]")


@dataclass(frozen=True)
class TuneExample:
    user: str
    reply: str
    source: str


def _free_form(reply: str) -> bool:
    return bool(reply.strip()) and not _FACTS.search(reply)


def read_replies_file(path: Path) -> list[TuneExample]:
    """``replies.yml``: a list of ``{user, bot}`` mappings; ConfigError with file:line:col otherwise."""
    from dialog.config.yaml_reader import load_yaml

    data = load_yaml(path)
    items = data.get("replies") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise ConfigError(Problem(str(path), 1, 1, "replies.yml must be a list of {user: ..., bot: ...} (or 'replies:' holding one)"))
    examples = []
    for item in items:
        mark = getattr(item, "mark", (1, 1))
        if not isinstance(item, dict) or set(item) != {"user", "bot"} or not all(isinstance(item[k], str) for k in ("user", "bot")):
            raise ConfigError(Problem(str(path), mark[0], mark[1], "each exchange needs exactly 'user' and 'bot' texts"))
        examples.append(TuneExample(str(item["user"]), str(item["bot"]), REPLIES_FILE))
    return examples


def _small_talk(config: Any) -> list[TuneExample]:
    by_intent: dict[str, list[str]] = {}
    for example in config.nlu.examples:
        by_intent.setdefault(example.intent, []).append(example.text)
    examples = []
    for flow in (config.flows or {}).values():
        steps = list(getattr(flow, "steps", ()))
        action = getattr(steps[0], "action", "") if len(steps) == 1 else ""
        if not action.startswith("utter_"):
            continue
        texts = [v.text for v in config.domain.responses.get(action, ()) if not v.condition]
        for intent in getattr(flow, "nlu_trigger", ()) or ():
            name = intent if isinstance(intent, str) else getattr(intent, "intent", "")
            for index, user in enumerate(by_intent.get(name, [])[:FLOW_PAIRS]):
                if texts:
                    examples.append(TuneExample(user, texts[index % len(texts)], f"flow {flow.id}"))
    return examples


def _stories(config: Any, cases: Sequence[Any]) -> list[TuneExample]:
    examples = []
    for case in cases:
        steps = list(case.steps)
        for step, following in zip(steps, steps[1:], strict=False):
            if step.kind != "user" or not isinstance(step.value, str) or step.value.startswith("/"):
                continue
            if following.kind == "bot":
                examples.append(TuneExample(step.value, str(following.value), f"story {case.name}"))
            elif following.kind == "utter":
                for variant in config.domain.responses.get(str(following.value), ())[:1]:
                    examples.append(TuneExample(step.value, variant.text, f"story {case.name}"))
    return examples


def collect_examples(config: Any, stories: Sequence[Any] = ()) -> list[TuneExample]:
    """Every usable pair from the domain (and loaded story ``TestCase``s), deduplicated, in a stable order."""
    found: list[TuneExample] = []
    replies = Path(config.root) / REPLIES_FILE
    if replies.is_file():
        found.extend(read_replies_file(replies))
    found.extend(_small_talk(config))
    if stories:
        found.extend(_stories(config, stories))
    seen: set[tuple[str, str]] = set()
    kept = []
    for example in found:
        key = (example.user.strip().lower(), example.reply.strip())
        if key not in seen and _free_form(example.reply) and example.user.strip():
            seen.add(key)
            kept.append(example)
    return kept


def fingerprint(examples: Iterable[TuneExample], settings: dict[str, Any]) -> str:
    """Changes when the data or the training settings change (``dialog train`` skips otherwise)."""
    payload = json.dumps([[e.user, e.reply] for e in examples] + [sorted(settings.items())], ensure_ascii=False, default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]
