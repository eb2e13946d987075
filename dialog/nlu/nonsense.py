"""Does a text read as keyboard mashing ("asdkj qwpoe zzxv") rather than words or names?

A bot's own vocabulary cannot tell: a customer's name is as unknown to it as
"qwpoe". English (and most names) splits into few, long WordPiece pieces of
the bundled MiniLM vocabulary ("nguyen" -> ng ##uy ##en, 2 letters a piece);
mashing falls apart into single letters ("qwpoe" -> q ##w ##po ##e). A text is
nonsense when its letter words average fewer than ``MIN_LETTERS_PER_PIECE``
letters a piece. A word typed along one keyboard row ("asdfjkl", "qwpoeiru") that splits
into three or more pieces counts as one piece a letter: mashing stays on a row, and the
real words that do ("property", "typewriter") are one or two pieces.
The vocabulary is read from the bundled model's tokenizer.json
without unpacking the model, once per process. ``NLUPipeline.parse`` sets the
result as ``features["nonsense"]``; the dialogue engine reads only that.
"""

from __future__ import annotations

import json
import logging
import re
import zipfile
from functools import lru_cache

from dialog.types import NONSENSE_FEATURE, ParseResult

__all__ = ["MIN_LETTERS_PER_PIECE", "looks_like_nonsense", "with_nonsense_flag", "wordpieces"]

logger = logging.getLogger(__name__)

MIN_LETTERS_PER_PIECE = 1.6  # nonsense 1.0-1.3, names 2.0+ (nguyen, kowalczyk, siobhan)
# fewer letters than this are never judged: chat's three-letter words split into two
# pieces as mashing does ("lol" -> lo ##l, "idk" -> id ##k, "thx", "yup", "omg", "pls")
MIN_LETTERS = 4
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_KEYBOARD_ROWS = (frozenset("qwertyuiop"), frozenset("asdfghjkl"), frozenset("zxcvbnm"))
ROW_MASHING_LETTERS = 6  # a shorter run along a row may be a word ("tweet", "quiet", "glass")


@lru_cache(maxsize=1)
def _vocabulary() -> frozenset[str]:
    from dialog.nlu.minilm_files import bundled_zip

    try:
        with zipfile.ZipFile(bundled_zip()) as archive:
            data = json.loads(archive.read("tokenizer.json"))
        return frozenset(data["model"]["vocab"])
    # a missing or broken model package: every text counts as words (never nonsense)
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        logger.warning("no WordPiece vocabulary for the nonsense check: %s", exc)
        return frozenset()


def wordpieces(word: str, vocabulary: frozenset[str]) -> list[str]:
    """Greedy longest-match-first WordPiece of one lower-cased word (BERT's algorithm)."""
    pieces: list[str] = []
    start = 0
    while start < len(word):
        end = len(word)
        while end > start:
            piece = word[start:end] if start == 0 else f"##{word[start:end]}"
            if piece in vocabulary:
                pieces.append(piece)
                break
            end -= 1
        if end == start:
            return [word]  # BERT's [UNK]: one piece
        start = end
    return pieces


def looks_like_nonsense(text: str) -> bool:
    """True when the letters of ``text`` split into mostly one-letter pieces."""
    words = _WORD.findall(text.lower())
    letters = sum(len(word) for word in words)
    if letters < MIN_LETTERS:
        return False
    vocabulary = _vocabulary()
    if not vocabulary:
        return False
    pieces = sum(_pieces(word, vocabulary) for word in words)
    return letters / pieces < MIN_LETTERS_PER_PIECE


def _pieces(word: str, vocabulary: frozenset[str]) -> int:
    """The word's WordPiece count, or its letter count for a run along one keyboard row."""
    count = len(wordpieces(word, vocabulary))
    along_a_row = len(word) >= ROW_MASHING_LETTERS and any(set(word) <= row for row in _KEYBOARD_ROWS)
    return len(word) if along_a_row and count >= 3 else count


def with_nonsense_flag(result: ParseResult) -> ParseResult:
    """``result`` with ``features[NONSENSE_FEATURE]`` set, for the dialogue engine to read."""
    return result.replace(features={**result.features, NONSENSE_FEATURE: looks_like_nonsense(result.text)})
