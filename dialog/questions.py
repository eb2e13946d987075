"""Whether a message reads as a question or a request for information.

Several places need the same answer: a collect step (a question is no answer to
"which order?"), the knowledge search (only a question interrupts an open question
to be answered from the documents) and the clause splitter ("yes, and how do I
pay?" is two things). One definition keeps them in step.

A message is a question when it has a question mark, or opens (after fillers such
as "ok," or "and") with a question word ("how long...", "whats..."), an auxiliary
before its subject ("can I...", "do you...", "is my..."; not "can't find it" or
"is 123456"), "what if", or an information request ("tell me about...",
"I'd like to know..."). It is a reading of the words, not of the intent.
"""

from __future__ import annotations

import re

__all__ = ["asks_about_a_choice", "asks_about_the_offering", "asks_vaguely", "looks_like_question"]

_FILLERS = r"(?:(?:ok|okay|so|and|but|also|hey|hi|hello|well|oh|um|uh|hmm|sorry|actually|btw|yes|yeah|no|please)\b[,.!\s]*)*"
_QUESTION_WORDS = r"what|what's|whats|what're|who|who's|whos|whom|whose|where|where's|wheres|when|when's|why|why's|how|how's|hows|which"
_AUXILIARIES = r"can|could|would|will|do|does|did|is|are|am|was|were|should|shall|may|might|have|has|had|must"
_SUBJECTS = (
    r"i|you|u|we|they|he|she|it|there|this|that|these|those|my|your|ur|our|their|his|her|its|the|a|an|any|anyone|anybody|"
    r"someone|somebody|one|acme|me"
)
_INFORMATION_REQUESTS = r"what if|tell me|tell us|i'd like to know|i would like to know|i want to know|i wonder|i was wondering|explain|any idea"
_OPENING = re.compile(
    rf"^\s*{_FILLERS}(?:(?:{_QUESTION_WORDS})\b|(?:{_AUXILIARIES})\s+(?:{_SUBJECTS})\b|(?:{_INFORMATION_REQUESTS})\b)",
    re.IGNORECASE,
)


def looks_like_question(text: str) -> bool:
    """A question mark, or an opening that asks (see the module docstring)."""
    return "?" in text or bool(_OPENING.match(text))


# "how much is Fibre 500?", "which is faster, Fibre 500 or Gigabit?", "what's the difference between...": a
# wh-question about the options, not a choice; "what about Fibre 500?" and "how about TV?" choose, and so
# does an exclamation before the choice ("who cares, low", "why not, low", "what? low")
_ABOUT_A_CHOICE = re.compile(
    rf"^\s*{_FILLERS}(?!(?:what|how)\s+about\b|who\s+cares\b|why\s+not\b|what\s+the\s+\w+\b)(?:{_QUESTION_WORDS})\b", re.IGNORECASE
)
_SENTENCE_END = re.compile(r"[.!?;]+")


def asks_about_a_choice(text: str, at: int = 0) -> bool:
    """Whether the sentence of ``text`` that holds position ``at`` (an option's name) is a
    wh-question: naming an option there asks about it rather than picking it."""
    start = 0
    for end in _SENTENCE_END.finditer(text):
        if end.start() >= at:
            break
        start = end.end()
    return bool(_ABOUT_A_CHOICE.match(text[start:]))


# "do you sell gift cards?", "can I bring a friend?", "are dogs allowed?", "is parking free?",
# "what payment methods do you accept?", "what's your phone number?", "where are you located?",
# "how much is shipping?": what the business offers, allows or charges, and its own details. "do you like music?" and "can you tell me
# a joke?" are small talk; "do you have a name?" is about the bot itself.
_OFFERS = (
    r"have|has|sell|offer|provide|stock|carry|accept|take|allow|support|ship|deliver|open|close|rent|lend|host|serve|"
    r"match|price\s+match|give|repair|fix|install|charge|require|run|operate|use|recommend|employ|do\s+(?:discounts?|refunds?|deliver(?:y|ies)|repairs?)"
)
_ABOUT_THE_BOT = r"(?:(?:a|any)\s+)?(?:name|feelings?|emotions?|friends?|family|hobb(?:y|ies)|favou?rites?|soul|body|heart|brain|mind|consciousness|girlfriend|boyfriend|life|fun|time|dreams?)\b"
# "what's your phone number?", "where is your store?": the business's own details
_DETAILS = (
    r"phone|number|address|email|e-mail|location|store|shop|office|branch|hours|opening|website|policy|policies|price|prices|"
    r"fees?|rates?|costs?|ceo|owner|founder|manager|boss|discounts?|warranty|guarantee|headquarters|hq"
)
_PERMITS = (
    r"bring|get|use|pay|park|book|reserve|rent|buy|order|return|exchange|cancel|change|pause|freeze|upgrade|downgrade|"
    r"transfer|share|join|visit|come|try|keep|smoke|eat|drink|pick|collect|ship|send|smoke|stay|leave|sign"
)
_OFFERING = re.compile(
    rf"^\s*{_FILLERS}(?:"
    rf"(?:do|does|did|will|would)\s+(?:you|u|y'?all|ya|you\s+guys|they|we)\s+(?:{_OFFERS})\b(?!\s+{_ABOUT_THE_BOT})"
    rf"|can\s+(?:i|we|my\s+\w+|you|u)\s+(?:{_PERMITS})\b"
    r"|(?:is|are)\s+there\s+(?:a|an|any|some)\b"
    r"|(?:is|are)\s+(?:[\w']+\s+){0,3}?(?:allowed|permitted|available|included|free|open|closed|required|refundable|accepted|possible)\b"
    rf"|(?:what|which)\s+(?:[\w']+\s+){{1,3}}?(?:do|does)\s+(?:you|u|y'?all|ya|you\s+guys|they|we)\s+(?:{_OFFERS})\b"
    rf"|(?:what|where|which|who)(?:'s|’s|s|\s+is|\s+are)\s+(?:your|ur|the)\s+(?:[\w']+\s+)?(?:{_DETAILS})\b"
    r"|where\s+(?:are|r)\s+(?:you|u|y'?all|you\s+guys)\s+(?:located|based)\b"
    r"|how\s+much\s+(?:is|are|does|do|for|to)\b"
    r"|(?:what|who)(?:'s|’s|s|\s+is|\s+are)\s+(?:the\s+)?names?\s+of\s+(?:the|your|ur)\s+(?:[\w']+\s+)?[\w']+\s*\??\s*$"  # "...of the head mechanic?"
    r"|who\s+(?:owns|runs|manages|founded|started)\b"
    r"|.*\b(?:you|u|y'?all|you\s+guys)\s+(?:have|employ|use|offer|sell|stock)\s*\??\s*$"  # "who is the best mechanic you have?"
    ")",
    re.IGNORECASE,
)


def asks_about_the_offering(text: str) -> bool:
    """A question about what the business offers, allows or charges ("do you sell gift
    cards?", "can I bring my dog?", "is parking free?"): only the bot's own data may
    answer it, never a language model's guess."""
    return looks_like_question(text) and bool(_OFFERING.match(text))


_FUNCTION_WORDS = frozenset(
    "|".join((_QUESTION_WORDS, _AUXILIARIES, _SUBJECTS)).split("|")
    + ["me", "us", "him", "them", "of", "to", "for", "in", "on", "at", "with", "about", "and", "or", "but", "so", "then", "else", "also", "just", "really", "exactly", "please", "get", "got", "do", "doing", "need", "want", "like", "know", "tell", "there's", "it's", "that's", "what's", "ya", "y'all", "guys"]
)


def asks_vaguely(text: str) -> bool:
    """A question with at most one word that carries meaning ("what do you have?", "how
    much is it?"): searched alone it matches nothing; the task at hand says what it is about."""
    words = [word for word in re.findall(r"[a-z0-9']+", text.lower().replace("’", "'")) if word not in _FUNCTION_WORDS]
    return looks_like_question(text) and len(words) <= 1

