"""``HFGenerator``: a causal LM in this process (default: the bundled SmolLM2).

Weights come from ``loader.py`` (GGUF de-quantised once into a safetensors cache by
``gguf_convert.py``); Llama-architecture folders run on ``llama.py`` (no transformers
needed), others on transformers (the ``hf`` extra); ``quantize.py`` sets the precision and ``decode.py`` makes the tokens.

One instance per process holds one model. Loading and every generation run on a
single worker thread, in order: the model loads in the background as soon as
``start_loading()`` is called, concurrent fallback turns queue behind each other
instead of loading a second copy, and the event loop only ever awaits.
A caller that gives up (timeout, closed stream) sets a stop flag the token loop
checks on every step, and a turn still waiting in the queue is dropped.

Prompt prefix cache: a bot's system prompt and example exchanges are the same in
every fallback turn, so ``warm_prefix()`` prefills them once after loading (native
Llama only) and each turn copies that KV cache and prefills only its own tokens.
It is used only when the turn's token ids start with exactly the prefix's ids
(otherwise the whole prompt is prefilled), so the model sees the same tokens.

YAML (config.yml)::

    llm:
      provider: transformers
      model: bundled:smollm2-135m      # or a local HF model folder
      options: {dtype: int8, threads: 1, cache_dir: ~/.cache/dialog/llm, top_p: 0.9,
                repetition_penalty: 1.15}

``threads`` defaults to 1: torch's OpenMP workers spin while waiting for each other,
so on a shared or busy machine two threads ran 10x slower than one (bench/RESULTS.md).
``threads: 0`` leaves torch's default.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import threading
import time
from collections.abc import AsyncIterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from dialog.config.models import LLMSettings
from dialog.errors import ConfigError, LLMError, Problem
from dialog.llm.base import ChatMessage, Generation, TokenStream
from dialog.llm.decode import DecodeSettings, decode
from dialog.llm.loader import LoadedModel, ModelSource, default_cache_dir, load_model, resolve_source
from dialog.llm.quantize import DTYPES, IncompleteCacheError, apply_precision, int8_cache_ready
from dialog.llm.tuning.adapter import find_adapter, merge_adapter

__all__ = ["HFGenerator"]

logger = logging.getLogger(__name__)

_OPTIONS = ("dtype", "threads", "cache_dir", "top_p", "repetition_penalty", "seed")
_DONE = object()


class HFGenerator:
    provider = "transformers"

    def __init__(
        self,
        source: ModelSource,
        *,
        dtype: str = "int8",
        threads: int | None = 1,
        cache_dir: Path | None = None,
        temperature: float = 0.0,
        top_p: float = 0.9,
        repetition_penalty: float = 1.15,
        seed: int = 0,
        adapter: Path | None = None,
    ) -> None:
        if dtype not in DTYPES:
            raise LLMError(f"llm.options.dtype: unknown dtype '{dtype}'; valid: {', '.join(DTYPES)}")
        self.source = source
        self.model_name = source.name
        self.dtype = dtype
        self.threads = threads
        self.cache_dir = cache_dir
        self.temperature = temperature
        self.top_p = top_p
        self.repetition_penalty = repetition_penalty
        self.seed = seed
        self.adapter = adapter  # a LoRA adapter folder (``dialog tune``), merged into the weights at load
        self._executor: ThreadPoolExecutor | None = None
        self._loading: Future[LoadedModel] | None = None
        self._loaded: LoadedModel | None = None
        self._load_seconds: float | None = None
        self._convert_seconds = 0.0
        self._closed = False
        self._active: set[threading.Event] = set()
        self._prefix: tuple[list[int], Any] | None = None  # prefix token ids, their KV cache

    @classmethod
    def from_settings(cls, settings: LLMSettings, root: Path | None = None) -> HFGenerator:
        """Checks the model and options now (ConfigError at the llm mark); loads nothing."""
        options: Mapping[str, Any] = settings.options or {}
        unknown = sorted(set(options) - set(_OPTIONS))
        if unknown:
            valid = ", ".join(_OPTIONS)
            raise ConfigError(Problem(*settings.mark, f"llm.options: unknown key(s) {', '.join(unknown)} for provider 'transformers'; valid: {valid}"))
        dtype = str(options.get("dtype", "int8"))
        if dtype not in DTYPES:
            raise ConfigError(Problem(*settings.mark, f"llm.options.dtype: unknown dtype '{dtype}'; valid: {', '.join(DTYPES)}"))
        cache = options.get("cache_dir")
        cache_dir = Path(str(cache)).expanduser() if cache else default_cache_dir()
        if cache and not cache_dir.is_absolute() and root is not None:
            cache_dir = Path(root) / cache_dir
        return cls(
            resolve_source(settings.model, root, settings.mark),
            dtype=dtype,
            threads=int(options.get("threads", 1)) or None,
            cache_dir=cache_dir,
            temperature=float(settings.temperature),
            top_p=float(options.get("top_p", 0.9)),
            repetition_penalty=float(options.get("repetition_penalty", 1.15)),
            seed=int(options.get("seed", 0)),
            adapter=find_adapter(root),
        )

    # -- loading -------------------------------------------------------------------

    def start_loading(self) -> None:
        if self._loading is not None or self._closed:
            return
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="dialog-llm")
        self._loading = self._executor.submit(self._load)

    def _load(self) -> LoadedModel:
        started = time.monotonic()
        import torch

        if self.threads:
            torch.set_num_threads(self.threads)
        skip = self.adapter is None and self.dtype == "int8" and self.cache_dir is not None and int8_cache_ready(self.cache_dir / self.source.cache_key)
        loaded = load_model(self.source, self.cache_dir, int8_cached=skip)
        converting = time.monotonic()
        if self.adapter is not None:
            self._merge_adapter(loaded)
        try:
            try:
                loaded.model = apply_precision(loaded.model, self.dtype, loaded.cache_folder)
            except IncompleteCacheError as exc:
                logger.warning("%s; reading the full weights instead", exc)
                loaded = load_model(self.source, self.cache_dir)
                loaded.model = apply_precision(loaded.model, self.dtype, loaded.cache_folder)
        except (RuntimeError, ValueError, TypeError, NotImplementedError) as exc:
            raise LLMError(f"cannot convert '{self.model_name}' to {self.dtype}: {exc}") from exc
        self._loaded = loaded
        self._load_seconds = time.monotonic() - started
        self._convert_seconds = time.monotonic() - converting
        logger.info("loaded %s (%s) in %.1fs%s", self.model_name, self.dtype, self._load_seconds, " from cache" if loaded.from_cache else "")
        return loaded

    def _merge_adapter(self, loaded: LoadedModel) -> None:
        """The tuned weights replace the base ones; the shared int8 cache holds base weights, so it is not used."""
        assert self.adapter is not None
        try:
            merge_adapter(loaded.model, self.adapter)
        except (OSError, ValueError, KeyError, RuntimeError) as exc:
            raise LLMError(f"cannot apply the tuned adapter {self.adapter}: {exc}; run `dialog tune` again or delete the folder") from exc
        loaded.cache_folder = None

    def warm_prefix(self, messages: list[ChatMessage]) -> Future[None] | None:
        """Queue the prefill of the messages every prompt starts with (system prompt, examples)."""
        self.start_loading()
        if self._executor is None or self._closed or not messages:
            return None
        try:
            return self._executor.submit(self._prefill_prefix, list(messages))
        except RuntimeError:  # closed meanwhile
            return None

    def _prefill_prefix(self, messages: list[ChatMessage]) -> None:
        """Runs on the worker thread after the load; a failure only costs speed."""
        loaded = self._loaded
        if loaded is None:
            return
        import torch

        from dialog.llm.llama import LlamaLM

        if not isinstance(loaded.model, LlamaLM):
            return  # transformers' caches are not copied; those models prefill every prompt
        try:
            encoded = loaded.tokenizer.apply_chat_template([m.as_json() for m in messages], add_generation_prompt=False, return_tensors="pt", return_dict=True)
            ids = encoded["input_ids"]
            with torch.inference_mode():
                cache = loaded.model(input_ids=ids, use_cache=True).cache
        except (RuntimeError, ValueError, IndexError, KeyError, TypeError) as exc:
            logger.warning("cannot prefill the prompt prefix of '%s': %s", self.model_name, exc)
            return
        self._prefix = (ids[0].tolist(), cache)

    def _split(self, input_ids: Any) -> tuple[Any, Any]:
        """(tokens to prefill, a copy of the prefix cache or None) for one prompt."""
        if self._prefix is None:
            return input_ids, None
        ids, cache = self._prefix
        if input_ids.shape[1] <= len(ids) or input_ids[0, : len(ids)].tolist() != ids:
            return input_ids, None
        return input_ids[:, len(ids) :], cache.copy()

    @property
    def ready(self) -> bool:
        return self._loaded is not None

    @property
    def load_error(self) -> str | None:
        if self._loading is None or not self._loading.done() or self._loading.cancelled():
            return None
        error = self._loading.exception()
        return str(error) if error is not None else None

    async def wait_ready(self) -> LoadedModel:
        """The loaded model (starting the load if needed); LLMError if loading failed."""
        self.start_loading()
        if self._loading is None or self._closed:
            raise LLMError(f"language model '{self.model_name}' is closed")
        try:
            return await asyncio.wrap_future(self._loading)
        except LLMError:
            raise
        except (OSError, RuntimeError, ValueError, ImportError, TypeError, AttributeError, NotImplementedError, MemoryError) as exc:
            raise LLMError(f"cannot load language model '{self.model_name}': {exc}") from exc

    def details(self) -> dict[str, Any]:
        info: dict[str, Any] = {"dtype": self.dtype, "adapter": str(self.adapter) if self.adapter else None}
        if self._load_seconds is not None and self._loaded is not None:
            info["load_seconds"] = round(self._load_seconds, 2)
            info["weights_seconds"] = round(self._loaded.seconds, 2)  # reading files (imports not included)
            info["convert_seconds"] = round(self._convert_seconds, 2)  # to int8/bf16
            info["from_cache"] = self._loaded.from_cache
        return info

    # -- generation ----------------------------------------------------------------

    def stream(self, messages: list[ChatMessage], max_new_tokens: int) -> TokenStream:
        stream = TokenStream(self.model_name)
        return stream.attach(self._stream(messages, max_new_tokens, stream))

    async def _stream(self, messages: list[ChatMessage], max_new_tokens: int, usage: TokenStream) -> AsyncIterator[str]:
        loaded = await self.wait_ready()
        assert self._executor is not None
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[Any] = asyncio.Queue()
        stop = threading.Event()

        def send(item: Any) -> None:
            if not stop.is_set():
                loop.call_soon_threadsafe(queue.put_nowait, item)

        try:
            job = self._executor.submit(self._run, loaded, messages, max_new_tokens, usage, send, stop)
        except RuntimeError as exc:  # the executor was shut down by close()
            raise LLMError(f"language model '{self.model_name}' is closed") from exc
        self._active.add(stop)
        try:
            while True:
                item = await queue.get()
                if item is _DONE:
                    break
                if isinstance(item, LLMError):
                    raise item
                yield item
        finally:
            stop.set()
            job.cancel()
            self._active.discard(stop)

    def _run(self, loaded: LoadedModel, messages: list[ChatMessage], max_new_tokens: int, usage: TokenStream, send: Any, stop: threading.Event) -> None:
        """Runs on the worker thread: one reply, pieces sent to the waiting coroutine."""
        try:
            if stop.is_set():
                return
            input_ids = self._encode(loaded, messages)
            usage.prompt_tokens = int(input_ids.shape[1])
            settings = DecodeSettings(max_new_tokens, self.temperature, self.top_p, self.repetition_penalty, self._seed_for(messages))

            def on_piece(piece: str) -> None:
                usage.completion_tokens += 1
                send(piece)

            usage.completion_tokens = 0
            rest, past = self._split(input_ids)
            made = decode(loaded.model, loaded.tokenizer, rest, settings, self._stop_ids(loaded), on_piece, stop, past)
            usage.completion_tokens = made
            send(_DONE)
        except (RuntimeError, ValueError, IndexError, KeyError, TypeError, AttributeError, MemoryError) as exc:
            send(LLMError(f"generation failed in '{self.model_name}': {exc}"))

    @staticmethod
    def _encode(loaded: LoadedModel, messages: list[ChatMessage]) -> Any:
        encoded = loaded.tokenizer.apply_chat_template(
            [m.as_json() for m in messages], add_generation_prompt=True, return_tensors="pt", return_dict=True
        )
        return encoded["input_ids"]

    @staticmethod
    def _stop_ids(loaded: LoadedModel) -> set[int]:
        ids = set(loaded.tokenizer.all_special_ids)
        eos = getattr(loaded.model.generation_config, "eos_token_id", None)
        ids.update(eos if isinstance(eos, list) else [eos] if eos is not None else [])
        return ids

    def _seed_for(self, messages: list[ChatMessage]) -> int:
        """Same prompt, same reply: sampling is seeded from the prompt (reproducible tests and bugs)."""
        text = "\x00".join(f"{m.role}:{m.content}" for m in messages)
        return self.seed ^ int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:6], "big")

    async def generate(self, messages: list[ChatMessage], max_new_tokens: int) -> Generation:
        stream = self.stream(messages, max_new_tokens)
        try:
            text = "".join([piece async for piece in stream])
        finally:
            await stream.aclose()
        return Generation(text, self.model_name, stream.prompt_tokens, stream.completion_tokens)

    async def close(self) -> None:
        self._closed = True
        for stop in list(self._active):
            stop.set()  # a reply in progress ends at its next token
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
        self._loaded = None
        self._prefix = None
