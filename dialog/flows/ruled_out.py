"""Values a message names only to rule them out: "not tuesday", "any day except friday",
"I won't be home tomorrow", "monday doesn't work for me".

An entity extractor finds "tuesday" in "not tuesday, I'm at work" as it should (Rasa's
Duckling does too); filling the delivery day with it books the one day the user cannot
do. Slot filling (``slot_filling.py``) leaves such values out, so the question is asked
again or the other value in the message ("tuesday, not wednesday") is taken.

Only plain exclusions count: a cue (``not``, ``never``, ``won't``, ``can't``, ``don't``,
``except``, ``other than``, ``apart from``, "any day but") before the value with at most
a few filler words between ("not in on monday", "won't be home tomorrow"), or a verdict
after it ("friday is bad", "monday doesn't work"), within the same clause. "not sure,
maybe friday" and "why hasn't 123456 arrived?" keep their values.
"""

from __future__ import annotations

import re

__all__ = ["is_ruled_out"]

_CUE = r"(?:not|never|won['’]?t|can['’]?t|cannot|don['’]?t|except|excluding|other\s+than|apart\s+from|any\s*(?:day|time|thing|one)\s+but)"
# words that may stand between the cue and the value: "not going to be home on monday"
_FILLER = r"(?:be|been|home|in|on|at|around|available|free|there|here|do|make|it|going|gonna|to|for|the|this|that|next|coming|a|an|want|like|need|have|deliver|delivered|delivery|come|use|take|want|please|pls)"
_BEFORE = re.compile(rf"\b{_CUE}(?:\s+{_FILLER}){{0,5}}\s*$", re.IGNORECASE)
_AFTER = re.compile(
    r"^\s*(?:is|['’]s|would\s+be|will\s+be)?\s*"
    r"(?:no\s+good|bad|out|impossible|a\s+no|"
    r"(?:not|doesn['’]?t|won['’]?t|wouldn['’]?t|does\s+not|will\s+not|can['’]?t|isn['’]?t)\s+(?:be\s+)?(?:work|good|possible|suit|ok|okay|an\s+option|convenient|great))\b",
    re.IGNORECASE,
)
_CLAUSE_END = re.compile(r"[,.;:!?()\n]|\b(?:and|but|or|so|then|because)\b", re.IGNORECASE)


def is_ruled_out(text: str, start: int, end: int) -> bool:
    """Whether the value at ``text[start:end]`` is named only to be ruled out."""
    if not 0 <= start < end <= len(text):
        return False
    before = _clause_before(text[:start])
    after = _CLAUSE_END.split(text[end:], maxsplit=1)[0]
    return bool(_BEFORE.search(before) or _AFTER.match(after))


def _clause_before(text: str) -> str:
    """The part of the clause before the value: from the last punctuation mark, keeping
    "any day but" (whose "but" would otherwise end the clause)."""
    last = max((match.end() for match in re.finditer(r"[,.;:!?()\n]", text)), default=0)
    return text[last:]
