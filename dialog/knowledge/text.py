"""Words for lexical search: lower-cased, stop words out, a light English stemmer.

The stemmer only folds the endings that split one word into several index terms in
help texts ("returns", "returned", "returning" -> "return"); it is deliberately
conservative, since a wrong merge costs more than a missed one when BM25 is fused
with sentence vectors that already match paraphrases.
"""

from __future__ import annotations

import re

__all__ = ["STOP_WORDS", "content_words", "normalise_question", "search_terms", "stem"]

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")

STOP_WORDS = frozenset(
    ["a", "about", "above", "after", "again", "against", "all", "am", "an", "and", "any", "are", "aren't", "as", "at", "be", "because", "been", "before", "being", "below", "between", "both", "but", "by", "can", "can't", "cannot", "could", "couldn't", "did", "didn't", "do", "does", "doesn't", "doing", "don't", "down", "during", "each", "few", "for", "from", "further", "had", "hadn't", "has", "hasn't", "have", "haven't", "having", "he", "he'd", "he'll", "he's", "her", "here", "here's", "hers", "herself", "him", "himself", "his", "how", "how's", "i", "i'd", "i'll", "i'm", "i've", "if", "in", "into", "is", "isn't", "it", "it's", "its", "itself", "let's", "me", "more", "most", "mustn't", "my", "myself", "no", "nor", "not", "of", "off", "on", "once", "only", "or", "other", "ought", "our", "ours", "ourselves", "out", "over", "own", "same", "shan't", "she", "she'd", "she'll", "she's", "should", "shouldn't", "so", "some", "such", "than", "that", "that's", "the", "their", "theirs", "them", "themselves", "then", "there", "there's", "these", "they", "they'd", "they'll", "they're", "they've", "this", "those", "through", "to", "too", "under", "until", "up", "very", "was", "wasn't", "we", "we'd", "we'll", "we're", "we've", "were", "weren't", "what", "what's", "when", "when's", "where", "where's", "which", "while", "who", "who's", "whom", "why", "why's", "will", "with", "won't", "would", "wouldn't", "you", "you'd", "you'll", "you're", "you've", "your", "yours", "yourself", "yourselves", "hi", "hello", "please", "thanks", "thank", "tell", "know", "want", "need", "get", "just", "also", "s", "t"]
)


def stem(word: str) -> str:
    """``parcels`` -> ``parcel``, ``shipping`` -> ``ship``, ``returned`` -> ``return``."""
    if len(word) <= 3 or word.isdigit():
        return word
    for suffix, keep in (("ies", "y"), ("sses", "ss"), ("xes", "x"), ("ches", "ch"), ("shes", "sh"), ("ing", ""), ("ed", ""), ("es", "e"), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= (2 if suffix in ("xes", "ches", "shes") else 3):
            if suffix == "s" and word.endswith(("ss", "us", "is")):
                return word
            base = word[: -len(suffix)] + keep
            if suffix in ("ing", "ed") and len(base) > 3 and base[-1] == base[-2] and base[-1] not in "lsz":
                base = base[:-1]  # shipping -> shipp -> ship
            return base
    return word


_HYPHENATED = re.compile(r"\b([a-z]+)-([a-z]+)\b")


def content_words(text: str) -> list[str]:
    """The words of ``text`` that carry meaning (no stop words), lower-cased, not stemmed.
    A hyphenated word counts joined too: "e-mail" is also "email", "no-show" "noshow"."""
    lowered = _HYPHENATED.sub(r"\1-\2 \1\2", text.lower().replace("’", "'"))
    return [word for word in _WORD.findall(lowered) if word not in STOP_WORDS]


def search_terms(text: str) -> list[str]:
    """The terms BM25 indexes and matches: content words, stemmed, possessives dropped."""
    return [stem(word.split("'")[0]) for word in content_words(text)]


# Chat spellings that neither the word index nor the sentence encoder reads as their
# full form: "whats your phone number" scored under the threshold that "what is your
# phone number" passes.
_CHAT_SPELLINGS = {
    "whats": "what is", "wats": "what is", "hows": "how is", "wheres": "where is", "whos": "who is",
    "whens": "when is", "im": "i am", "ive": "i have", "u": "you", "ur": "your", "r": "are",
    "dont": "do not", "doesnt": "does not", "didnt": "did not", "cant": "cannot", "wont": "will not",
    "isnt": "is not", "arent": "are not", "wasnt": "was not", "havent": "have not", "pls": "please",
    "plz": "please", "thx": "thanks", "abt": "about", "b4": "before", "2day": "today", "tmrw": "tomorrow",
}
_CHAT_WORD = re.compile(r"\b(" + "|".join(sorted(map(re.escape, _CHAT_SPELLINGS), key=len, reverse=True)) + r")\b", re.IGNORECASE)


def normalise_question(text: str) -> str:
    """``text`` with chat spellings written out ("whats ur return policy" -> "what is your return policy")."""
    return _CHAT_WORD.sub(lambda match: _CHAT_SPELLINGS[match.group(1).lower()], text)
