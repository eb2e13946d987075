"""``LLMFallback``: a free-form reply for a turn that no intent or flow handles.

The dialogue engine calls ``reply()``; it builds the prompt (``prompt.py``), streams
the provider's pieces through the cleaner (``cleaning.py``), and bounds the whole
thing, including waiting for a model that is still loading, by ``timeout_s``. It
never raises for a provider problem: the reply text is then ``None`` and the caller
answers ``utter_default``. Either way it returns the ``llm_fallback`` event to record
(made by ``dialog.events``, stamped by the caller's clock).

Streaming goes word by word (``streaming.LiveReply``): ``on_token`` receives exactly
the text of the final reply, in order, as the model writes it; words the cleaner
might still drop are held back until their sentence is decided. One exception: when
the cleaner or the fact guard drops a sentence whose first words were shown, the
reply is the sentences before it, and the client replaces what it showed. If the timeout or
an error hits after some words were shown, those words are the reply (the user saw them).
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dialog import events
from dialog.config.models import BotConfig, LLMSettings
from dialog.errors import ConfigError, LLMError, Problem
from dialog.llm.base import DetailReporting, Generator, LoadReporting, PrefixWarming
from dialog.llm.cleaning import ReplyCleaner
from dialog.llm.fact_guard import FactGuard
from dialog.llm.prompt import PromptBuilder, prompt_hash
from dialog.llm.streaming import LiveReply
from dialog.protocols import TokenCallback
from dialog.registry import LLM_PROVIDERS, resolve

__all__ = ["FallbackReply", "LLMFallback", "build_generator"]

logger = logging.getLogger(__name__)

MAX_REPLY_CHARS = 600
MAX_REPLY_SENTENCES = 3  # tuned replies often end "Sorry, I can't X. I can Y. What can I do for you?" (dev chrF 43.1 vs 42.4 at 2)


@dataclass(frozen=True)
class FallbackReply:
    """``text`` is None when the model timed out or failed (send ``utter_default``), or when its
    answer stated business facts the bot's data lacks (``event["outcome"] == "ungrounded"``:
    say that the bot does not know)."""

    text: str | None
    event: dict[str, Any]
    prompt: tuple[Mapping[str, Any], ...] = ()  # the messages the model saw (for the inspector)


def build_generator(settings: LLMSettings, root: Path | None = None) -> Generator:
    """The provider named in ``llm.provider``, built from its settings (nothing loads yet)."""
    reference = LLM_PROVIDERS.get(settings.provider)
    if reference is None:
        valid = ", ".join(sorted(LLM_PROVIDERS))
        raise ConfigError(Problem(*settings.mark, f"llm.provider: unknown provider '{settings.provider}'; valid: {valid}"))
    try:
        provider_class = resolve(reference)
    except ImportError as exc:
        raise LLMError(f"llm provider '{settings.provider}' cannot be imported ({exc}); reinstall: pip install 'dialog'") from exc
    return provider_class.from_settings(settings, root)


class LLMFallback:
    """One per bot process; shares its generator (one model) across all conversations."""

    def __init__(
        self, generator: Generator, prompt: PromptBuilder, settings: LLMSettings, provider: str = "", guard: FactGuard | None = None
    ) -> None:
        self.generator = generator
        self.prompt = prompt
        self.guard = guard  # drops sentences stating business facts the bot's data lacks
        self.settings = settings
        self.provider = provider or settings.provider
        self._started = False

    @classmethod
    def from_config(cls, config: BotConfig, generator: Generator | None = None, documents: Sequence[str] = ()) -> LLMFallback:
        """``documents``: the text of the bot's knowledge documents, facts its replies may state."""
        settings = config.settings.llm
        if generator is None:
            generator = build_generator(settings, config.root)
        provider = getattr(generator, "provider", settings.provider)
        prompt = PromptBuilder.from_config(config)
        said = [prompt.system_prompt, *(m.content for m in prompt.examples if m.role == "assistant"), *documents]
        return cls(generator, prompt, settings, provider, FactGuard.from_config(config, said))

    def start(self) -> None:
        """Start loading the model in the background; returns at once."""
        self._started = True
        self.generator.start_loading()
        if isinstance(self.generator, PrefixWarming):  # in-process models cache the prompt prefix
            self.generator.warm_prefix(self.prompt.prefix())

    async def reply(
        self,
        history: Sequence[Mapping[str, Any]],
        user_text: str,
        on_token: TokenCallback | None = None,
        clock: Callable[[], float] = time.time,
    ) -> FallbackReply:
        """The reply to ``user_text`` after the conversation's ``history`` (its events);
        ``clock`` stamps the ``llm_fallback`` event (the bot passes its dialogue engine's)."""
        messages = self.prompt.build(history, user_text)
        guard = self.guard.for_turn(history, user_text) if self.guard is not None else None
        dropped: list[bool] = []  # per sentence the guard dropped: was it the first?

        def keep(sentence: str) -> bool:
            if guard is None or guard.keep(sentence):
                return True
            dropped.append(cleaner.sentence_count == 0)
            if guard.business_question and cleaner.sentence_count == 0:
                cleaner.done = True  # the answer to a business question is invented: nothing of it is said
            return False

        cleaner = ReplyCleaner(
            self.prompt.system_prompt,
            MAX_REPLY_CHARS,
            (self.prompt.assistant_name,),
            self.prompt.instructions,
            MAX_REPLY_SENTENCES,
            user_text=user_text,
            keep_sentence=keep,
        )
        live = LiveReply(cleaner, user_text, (self.prompt.assistant_name,), guard.holds if guard is not None else None)
        started = time.monotonic()
        outcome = "ok"
        stream: Any = None
        if not self._started:
            self.start()
        try:
            async with asyncio.timeout(self.settings.timeout_s):
                stream = self.generator.stream(messages, self.settings.max_new_tokens)
                async for piece in stream:
                    await self._show(live.feed(piece), on_token)
                    if live.done:
                        break
                await self._show(live.finish(), on_token)
        except TimeoutError:
            outcome = "timeout"
            logger.warning("LLM fallback timed out after %.1fs (model %s)", self.settings.timeout_s, self._model)
        except LLMError as exc:
            outcome = "error"
            logger.warning("LLM fallback failed (model %s): %s", self._model, exc)
        finally:
            if stream is not None and hasattr(stream, "aclose"):
                await stream.aclose()
        text = live.text or None
        if live.diverged:
            # The cleaner or the guard dropped a sentence some words of which were shown (a half
            # sentence at the token limit, an unbacked fact): the reply is the sentences before
            # it; the console and the web chat replace the streamed text with it.
            text = cleaner.text or None
        if outcome == "ok" and dropped and (text is None or (guard is not None and guard.business_question and dropped[0])):
            outcome, text = "ungrounded", None
            logger.info("LLM fallback reply stated business facts the bot's data lacks; it says it does not know")
        elif outcome == "ok" and text is None:
            outcome = "empty"
            logger.warning("LLM fallback produced no usable text (model %s)", self._model)
        event = events.llm_fallback(
            clock(),
            provider=self.provider,
            model=self._model,
            prompt_hash=prompt_hash(messages),
            latency_ms=round((time.monotonic() - started) * 1000),
            prompt_tokens=getattr(stream, "prompt_tokens", 0),
            completion_tokens=getattr(stream, "completion_tokens", 0),
            outcome=outcome,
        )
        return FallbackReply(text, event, tuple(message.as_json() for message in messages))

    @staticmethod
    async def _show(text: str, on_token: TokenCallback | None) -> None:
        if on_token is None or not text:
            return
        result = on_token(text)
        if inspect.isawaitable(result):
            await result

    @property
    def _model(self) -> str:
        return getattr(self.generator, "model_name", "")

    def status(self) -> dict[str, Any]:
        error = self.generator.load_error if isinstance(self.generator, LoadReporting) else None
        state = "failed" if error else ("ready" if self.generator.ready else "loading")
        status: dict[str, Any] = {"provider": self.provider, "model": self._model, "state": state}
        if error:
            status["error"] = error
        if isinstance(self.generator, DetailReporting):
            status.update(self.generator.details())
        return status

    async def close(self) -> None:
        await self.generator.close()
