"""The check that keeps a generated answer to what the documents say.

Every number, e-mail address, URL and proper name in the answer must appear in the
retrieved chunks. A small model that paraphrases well but misremembers a price or
invents a name fails here, and the bot answers with the verbatim sentences instead.
Comparison is case-insensitive and ignores thousands separators ("$1,000" = "$1000").
"""

from __future__ import annotations

import re

from dialog.llm.facts import facts

__all__ = ["facts", "supported", "ungrounded"]

def _normal(text: str) -> str:
    return re.sub(r"(?<=\d),(?=\d{3}\b)", "", " ".join(text.split())).lower()


def ungrounded(answer: str, sources: str) -> list[str]:
    """The facts of ``answer`` that ``sources`` does not contain ([] when it is grounded)."""
    haystack = _normal(sources)
    return [fact for fact in facts(answer) if _normal(fact) not in haystack]


# A generated answer must say what the best sentences say: this share of its content
# words comes from the retrieved text, and it shares this many with the best sentences.
MIN_SUPPORTED_SHARE = 0.6
MIN_SHARED_WITH_BEST = 2
_META = re.compile(r"\b(documents?|the text|the context|as an ai)\b", re.IGNORECASE)


def supported(answer: str, best: str, sources: str) -> bool:
    """Whether ``answer`` restates the retrieved text rather than talking around it.

    A small model that cannot answer often writes about "the documents", or a fluent
    sentence on the topic that says something else ("Yes, it is." to a no); both fail."""
    from dialog.knowledge.text import search_terms

    if _META.search(answer):
        return False
    words = search_terms(answer)
    if not words:
        return False
    known = set(search_terms(sources))
    shared_with_best = set(words) & set(search_terms(best))
    share = sum(word in known for word in words) / len(words)
    return share >= MIN_SUPPORTED_SHARE and len(shared_with_best) >= min(MIN_SHARED_WITH_BEST, len(set(search_terms(best))))
