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
    """``result`` with ``found`` appended, skipping an entity already there (same type and span).

    The earlier extractor in the pipeline wins, so a regex match (confidence 1.0)
    is not repeated by a trained extractor that finds the same span.
    """
    seen = {(e.entity, e.start, e.end) for e in result.entities}
    new = []
    for entity in found:
        key = (entity.entity, entity.start, entity.end)
        if key not in seen:
            seen.add(key)
            new.append(entity)
    if not new:
        return result
    entities = sorted((*result.entities, *new), key=lambda e: (e.start, e.end))
    return result.replace(entities=tuple(entities))
