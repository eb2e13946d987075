"""The n-grams TF-IDF counts, cut exactly as scikit-learn's ``TfidfVectorizer`` cuts them.

A trained intent model keeps only vocabularies and idf weights, so loading it (and
parsing with it) does not import scikit-learn, which costs 0.7-0.9 s of a server's
start (it pulls in scipy.stats). Training still fits scikit-learn's vectorizers; the
tests check these functions against theirs.
"""

from __future__ import annotations

import re

__all__ = ["char_wb_ngrams", "word_ngrams"]

_TOKEN = re.compile(r"\S+")  # the featurizer's token_pattern
_WHITE_SPACES = re.compile(r"\s\s+")


def word_ngrams(text: str, max_n: int) -> list[str]:
    """Tokens (runs of non-space, case kept) and their 2..max_n-grams joined by a space."""
    tokens = _TOKEN.findall(text)
    grams = list(tokens)
    for n in range(2, min(max_n, len(tokens)) + 1):
        grams += [" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]
    return grams


def char_wb_ngrams(text: str, min_n: int, max_n: int) -> list[str]:
    """Lower-cased character n-grams inside words, each word padded with a space
    (``analyzer="char_wb"``); a word shorter than n yields itself once."""
    grams: list[str] = []
    append = grams.append  # the loop runs ~150 times per message: keep it lean
    for word in _WHITE_SPACES.sub(" ", text.lower()).split():
        padded = f" {word} "
        length = len(padded)
        for n in range(min_n, max_n + 1):
            if length <= n:
                append(padded)
                break
            for start in range(length - n + 1):
                append(padded[start : start + n])
    return grams
