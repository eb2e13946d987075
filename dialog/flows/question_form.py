"""Whether a message asks ABOUT something or asks the bot to DO something.

The NLU's intents mix both: a bot's ``return_item`` examples hold "I want to return
my shoes" and "how do I return something?". For a bot with documents the two
deserve different answers: the first starts the return, the second is a policy
question the documents answer ("how many days do I have to send something back?"),
after which the return can still be offered. ``asks_for_information`` reads the
form of the message only (no intent, no vocabulary of a bot):

* an information question has a clause that reads as a question
  (``dialog.questions.looks_like_question``: "how long...", "is Amex accepted?",
  "can I swap my shoes?", "I'd like to know..."),
* and no clause that asks to act: a wish ("I want to...", "I need..."), a request
  to the bot about the user's things ("can you cancel my order?"), "please" outside
  a wh-question, "help me", or a question about the state of the user's own thing,
  which only a lookup answers ("where is my order?", "has my refund gone
  through?").
"""

from __future__ import annotations

import re

from dialog.questions import looks_like_question

__all__ = ["MAX_CHARS", "asks_for_information"]

MAX_CHARS = 1000  # what a question reads like shows in its opening; a 1 MB message costs no more

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'"})
_CONTRACTIONS = (
    (re.compile(r"\b(what|where|when|who|how|that|it|there|here)'s\b"), r"\1 is"),
    (re.compile(r"\b(i|we|you)'d\b"), r"\1 would"),
    (re.compile(r"\bi'm\b"), "i am"),
    (re.compile(r"\b(wanna)\b"), "want to"),
    (re.compile(r"\b(gotta)\b"), "have to"),
    (re.compile(r"\bcan't\b"), "cannot"),
    (re.compile(r"\bwon't\b"), "will not"),
    (re.compile(r"\b(\w+)n't\b"), r"\1 not"),
)
# where a message splits into clauses: "the shoes don't fit, can I return them?"
_CLAUSE_BREAK = re.compile(r"[,;:.!?()\n]+|\s-\s|\b(?:and|but|so|also|then)\b")
# words that open a clause without changing what it asks ("ok so", "quick question")
_OPENERS = re.compile(
    r"^(?:(?:hi|hello|hey|ok|okay|well|oh|um|hmm|yes|yeah|no|sorry|also|and|so|now|btw|wait|quick question|"
    r"one more thing|one more question|just|actually|before that|by the way|excuse me|thanks|thank you)\s+)+"
)
_WANTS_TO_KNOW = re.compile(
    r"^(?:(?:i|we) (?:would like|want|need|am trying|wanted|was hoping|would love) to (?:know|ask|find out|understand|learn|check whether|check if)"
    r"|(?:i|we) (?:wonder|was wondering|am wondering|am curious)|tell me|explain|do you know|any idea|curious)\b"
)
_INFO_VERBS = r"tell|explain|say|clarify|confirm whether|confirm if|let me know|show me how|help me understand|remind me"
# "I want to return it", "I need a label", "we would like a refund"
_WISH = re.compile(
    r"^(?:(?:i|we) (?:really |just |would |still |also )?(?:want|need|would like|like to|wish|have to|must|am trying to|am looking to|demand|expect)"
    r"|(?:help me|let me|let us|let's))\b"
)
# "can you cancel my order?" (not "can you tell me...", not "can you ship to a PO box?")
_ASKS_THE_BOT = re.compile(rf"^(?:can|could|would|will) (?:you|u) (?:please |kindly |just )?(?!{_INFO_VERBS}\b)\w+")
_USERS_THINGS = re.compile(r"\b(?:my|mine|our|me|us|it|this|that|them|these|those)\b")
_PLEASE = re.compile(r"\b(?:please|pls|plz|kindly)\b")
_WH = re.compile(r"^(?:what|when|where|which|who|whom|whose|why|how)\b")
# the state of the user's own thing: "where is my order?", "has my refund gone through?",
# "what happened to my parcel?", "when will my order arrive?", "when is my order arriving?",
# "what's my order status?" (not "when is my card charged?": how the shop works)
_STATUS = re.compile(
    r"^(?:(?:where|how|what) (?:is|are|was|were) (?:my|our)"
    r"|(?:is|are|was|were|has|have|had|did|will|is not|has not|have not|did not|will not) (?:my|our)"
    r"|when (?:will|did|does|do) (?:my|our)"
    r"|when (?:is|are) (?:my|our) \w+ \w+ing"
    r"|what (?:happened|is happening|is going on) (?:to|with) (?:my|our))\b"
    r"|\bstatus of (?:my|our)\b|\bany (?:news|updates?) (?:on|about|regarding|for) (?:my|our)\b"
    # asked indirectly: "I want to know where my order is", "tell me when my refund arrives"
    r"|\b(?:where|when|whether) (?:my|our) \w+(?: \w+)? (?:is|are|was|were|will|has|have|did|arrives?|ships?|went|gets?|got)\b"
)


def asks_for_information(text: str) -> bool:
    """True for "how long do I have to return something?", False for "I want to return it"."""
    clauses = _clauses(text)
    if any(_asks_to_act(clause) for clause in clauses):
        return False
    # one clause asks: "the shoes don't fit, can I return them?" (dialog/questions.py reads each)
    return "?" in text[:MAX_CHARS] or any(looks_like_question(clause) or _WANTS_TO_KNOW.match(clause) for clause in clauses)


def _clauses(text: str) -> list[str]:
    lowered = text[:MAX_CHARS].translate(_APOSTROPHES).lower()
    for pattern, replacement in _CONTRACTIONS:
        lowered = pattern.sub(replacement, lowered)
    clauses = (_OPENERS.sub("", " ".join(part.split())) for part in _CLAUSE_BREAK.split(lowered))
    return [clause for clause in clauses if clause]


def _asks_to_act(clause: str) -> bool:
    if _STATUS.search(clause):
        return True
    if _WANTS_TO_KNOW.match(clause):
        return False
    if _WISH.match(clause):
        return True
    if _ASKS_THE_BOT.match(clause) and _USERS_THINGS.search(clause.split(" ", 2)[-1]):
        return True
    return bool(_PLEASE.search(clause)) and not _WH.match(clause) and not re.search(rf"\b(?:{_INFO_VERBS})\b", clause)
