"""Small helpers the entity extractors share: token fallback and entity merging."""

from __future__ import annotations

import re
from typing import Iterable

from dialog.types import Entity, ParseResult, Token

__all__ = ["add_entities", "normalize", "tokens_of"]

_WORD = re.compile(r"\w+|[^\w\s]", re.UNICODE)


def tokens_of(result: ParseResult) -> tuple[Token, ...]:
    """The tokenizer's tokens, or a regex split when no tokenizer ran before."""
    if result.tokens:
        return result.tokens
    return tuple(Token(m.group(), m.start(), m.end()) for m in _WORD.finditer(result.text))


def normalize(text: str) -> str:
    """Lower-cased words and punctuation joined by single spaces: 'Yoga-Mat ' -> 'yoga - mat'."""
    return " ".join(_WORD.findall(text.lower()))


def add_entities(result: ParseResult, found: Iterable[Entity]) -> ParseResult:
    """``result`` with ``found`` added, skipping any that overlaps an entity of the same type.

    The earlier extractor in the pipeline wins, so a regex match (confidence 1.0)
    is not repeated, or contradicted, by a trained extractor that finds the same
    order number with slightly different boundaries.
    """
    kept = list(result.entities)
    added = False
    for entity in found:
        if any(e.entity == entity.entity and e.start < entity.end and entity.start < e.end for e in kept):
            continue
        kept.append(entity)
        added = True
    if not added:
        return result
    return result.replace(entities=tuple(sorted(kept, key=lambda e: (e.start, e.end))))
