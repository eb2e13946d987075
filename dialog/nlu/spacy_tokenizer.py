"""``spacy_tokenizer``: splits a text into ``Token``s with character offsets.

By default it runs only ``spacy.blank(language)``'s rule-based tokenizer
(``nlp.make_doc``), which takes microseconds, and adds lemmas from a lookup table
(a dictionary lookup, no model, no network): English's ships with dialog, other
languages' come from ``spacy-lookups-data`` when installed (``pip install 'dialog[lemmas]'``).
``model: en_core_web_sm`` uses a packaged pipeline's tokenizer instead, when it is
installed. Later components read ``ParseResult.tokens``.
"""

from __future__ import annotations

import gzip
import importlib.util
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Sequence

from dialog.errors import ComponentError
from dialog.nlu.component import ComponentContext, build_config
from dialog.types import ParseResult, Token

__all__ = ["SpacyTokenizer"]

logger = logging.getLogger(__name__)

# Lemma tables shipped in the package (see data/NOTICE.txt): English only, 0.2 MB instead of
# spacy-lookups-data's 99 MB for every language.
_BUNDLED_TABLES = Path(__file__).with_name("data")


@dataclass(frozen=True)
class SpacyTokenizerConfig:
    model: str | None = None  # a packaged spaCy pipeline (e.g. en_core_web_sm); default spacy.blank(language)
    lemmas: bool = True  # add lookup-table lemmas (English bundled; others need spacy-lookups-data)
    language: str | None = None  # overrides config.yml's language for this component


class SpacyTokenizer:
    """Tokens with offsets, shapes and (optionally) lookup lemmas."""

    name = "spacy_tokenizer"
    Config = SpacyTokenizerConfig

    def __init__(self, config: SpacyTokenizerConfig, language: str) -> None:
        self.config = config
        self.language = config.language or language
        self._nlp: Any = None
        self._lemma_table: Mapping[str, str] | None = None

    @classmethod
    def from_config(cls, options: Mapping[str, Any], context: ComponentContext) -> SpacyTokenizer:
        return cls(build_config(SpacyTokenizerConfig, options, cls.name), context.language)

    @classmethod
    def load(cls, directory: Path, options: Mapping[str, Any], context: ComponentContext) -> SpacyTokenizer:
        """Nothing is stored on disk; loading builds the tokenizer now so the first parse is fast."""
        tokenizer = cls.from_config(options, context)
        tokenizer._ensure_loaded()
        return tokenizer

    def save(self, directory: Path) -> None:
        """The tokenizer has no trained state: its options in pipeline.json are enough."""

    def __call__(self, result: ParseResult) -> ParseResult:
        self._ensure_loaded()
        return result.replace(tokens=self._tokens(result.text))

    def process_batch(self, results: Sequence[ParseResult]) -> list[ParseResult]:
        return [self(result) for result in results]

    def tokenize(self, text: str) -> tuple[Token, ...]:
        """The tokens of ``text`` (used by other components, e.g. to tokenize lookup entries)."""
        self._ensure_loaded()
        return self._tokens(text)

    def _tokens(self, text: str) -> tuple[Token, ...]:
        doc = self._nlp.make_doc(text)
        table = self._lemma_table
        tokens = []
        for token in doc:
            if token.is_space:
                continue
            lower = token.lower_
            lemma = table.get(lower, lower) if table is not None else ""
            tokens.append(Token(token.text, token.idx, token.idx + len(token.text), lemma, token.shape_))
        return tuple(tokens)

    def _ensure_loaded(self) -> None:
        if self._nlp is not None:
            return
        self._nlp = _load_nlp(self.config.model, self.language)
        if self.config.lemmas:
            self._lemma_table = _load_lemma_table(self.language)


def _load_nlp(model: str | None, language: str) -> Any:
    import spacy

    if model is None:
        try:
            return spacy.blank(language)
        except (ImportError, KeyError, ValueError) as exc:  # spaCy raises ImportError for unknown languages
            raise ComponentError(SpacyTokenizer.name, f"spaCy has no language {language!r}: {exc}") from exc
    try:
        return spacy.load(model, exclude=["parser", "ner", "lemmatizer", "textcat", "senter"])
    except OSError as exc:
        raise ComponentError(
            SpacyTokenizer.name,
            f"spaCy pipeline {model!r} is not installed; install it with: python -m spacy download {model} "
            f"(or pip install the {model} wheel), or remove the `model` option to use spacy.blank",
        ) from exc


def _lookups_data_installed() -> bool:
    return importlib.util.find_spec("spacy_lookups_data") is not None


def _load_lemma_table(language: str) -> Mapping[str, str] | None:
    """The lookup lemma table: the copy shipped with dialog (English), else spacy-lookups-data's
    when that package is installed (the ``lemmas`` extra), else None (tokens get no lemmas)."""
    bundled = _BUNDLED_TABLES / f"{language}_lemma_lookup.json.gz"
    if bundled.is_file():
        with gzip.open(bundled, "rt", encoding="utf-8") as handle:
            table: dict[str, str] = json.load(handle)
        return table
    if not _lookups_data_installed():
        logger.info("no lemma table for %r; tokens get no lemmas (pip install 'dialog[lemmas]' adds other languages)", language)
        return None
    from spacy.lookups import load_lookups

    try:
        lookups = load_lookups(language, ["lemma_lookup"], strict=False)
    except (ImportError, ValueError, OSError) as exc:
        logger.warning("no lemma lookup table for %r (%s); tokens get no lemmas", language, exc)
        return None
    if not lookups.has_table("lemma_lookup"):
        logger.info("spacy-lookups-data has no lemma table for %r; tokens get no lemmas", language)
        return None
    return lookups.get_table("lemma_lookup")
