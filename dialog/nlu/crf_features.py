"""Token features and IO tags for the CRF entity extractor.

Features follow Rasa's CRFEntityExtractor: the token's lower-cased text, prefixes,
suffixes, shape, digit/title/upper flags, the same for its neighbours, and a
"hint" when an earlier extractor (regex, lookup) already marked the token.
Tags are IO: each token is tagged with its entity type (or role, or group), or ``O``.
"""

from __future__ import annotations

from typing import Iterable, Sequence

from dialog.types import Entity, ParseResult, Token

__all__ = ["OUTSIDE", "attribute_tags", "sentence_features", "tag_runs"]

OUTSIDE = "O"


def sentence_features(result: ParseResult, tokens: Sequence[Token]) -> list[dict[str, object]]:
    """One feature dict per token (pycrfsuite turns ``{"low": "order"}`` into ``low:order``)."""
    hints = _hints(result.entities, tokens)
    own = [_token_features(token) for token in tokens]
    features = []
    for index, base in enumerate(own):
        item: dict[str, object] = {"bias": 1.0, **base}
        for hint in hints[index]:
            item[f"hint:{hint}"] = 1.0
        if index == 0:
            item["BOS"] = 1.0
        if index == len(own) - 1:
            item["EOS"] = 1.0
        for offset in (-1, 1):
            other = index + offset
            if 0 <= other < len(own):
                neighbour = own[other]
                for key in ("low", "shape", "suf3", "title", "digit"):
                    if key in neighbour:
                        item[f"{offset:+d}{key}"] = neighbour[key]
                for hint in hints[other]:
                    item[f"{offset:+d}hint:{hint}"] = 1.0
        for offset in (-2, 2):
            other = index + offset
            if 0 <= other < len(own):
                item[f"{offset:+d}low"] = own[other]["low"]
        features.append(item)
    return features


def _token_features(token: Token) -> dict[str, object]:
    text = token.text
    low = text.lower()
    features: dict[str, object] = {
        "low": low,
        "pre2": low[:2],
        "pre3": low[:3],
        "suf2": low[-2:],
        "suf3": low[-3:],
        "suf5": low[-5:],
        "shape": token.shape or _shape(text),
        "len": str(min(len(text), 8)),
    }
    if token.lemma and token.lemma != low:
        features["lemma"] = token.lemma
    if text.isdigit():
        features["digit"] = 1.0
    if text.istitle():
        features["title"] = 1.0
    if text.isupper():
        features["upper"] = 1.0
    if not any(ch.isalnum() for ch in text):
        features["punct"] = 1.0
    return features


def _shape(text: str) -> str:
    out = []
    for ch in text[:8]:
        out.append("X" if ch.isupper() else "x" if ch.isalpha() else "d" if ch.isdigit() else ch)
    return "".join(out)


def _hints(entities: Iterable[Entity], tokens: Sequence[Token]) -> list[set[str]]:
    hints: list[set[str]] = [set() for _ in tokens]
    for entity in entities:
        for index, token in enumerate(tokens):
            if token.start < entity.end and entity.start < token.end:
                hints[index].add(entity.entity)
    return hints


def attribute_tags(entities: Sequence[Entity], tokens: Sequence[Token], attribute: str = "entity") -> list[str]:
    """Gold IO tags: each token overlapped by an entity gets its ``attribute`` (type, role or group)."""
    tags = [OUTSIDE] * len(tokens)
    for entity in entities:
        label = getattr(entity, attribute)
        if label is None:
            continue
        for index, token in enumerate(tokens):
            if token.start < entity.end and entity.start < token.end and tags[index] == OUTSIDE:
                tags[index] = str(label)
    return tags


def tag_runs(tags: Sequence[str]) -> list[tuple[str, int, int]]:
    """``(label, first, last)`` for each run of equal non-``O`` tags."""
    runs: list[tuple[str, int, int]] = []
    first = 0
    for index in range(1, len(tags) + 1):
        if index == len(tags) or tags[index] != tags[first]:
            if tags[first] != OUTSIDE:
                runs.append((tags[first], first, index - 1))
            first = index
    return runs
