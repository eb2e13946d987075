"""Turns raw model output into a reply a user may see.

Small models drift: they emit template tokens, start writing the user's next turn,
loop on one sentence, stop mid-sentence at the token limit, or recite their
instructions. ``ReplyCleaner`` works sentence by sentence as the pieces stream in,
so what is streamed to a user is exactly the final reply (nothing is taken back):

- template/special tokens are removed; a role marker (``<|im_start|>``, ``User:``)
  ends the reply there, as does a repeated sentence or a phrase looping in place;
- a sentence sharing a run of ``ECHO_WORDS`` words with the instructions, or of
  ``LOOSE_ECHO_WORDS`` with the rest of the system prompt, is dropped (saying "I'm
  ACME Assistant, a friendly support agent" is fine; reciting the prompt is not);
- a sentence that parrots the user's message (contains it, or is mostly its words)
  is dropped: small models love to end with the user's own question;
- a sentence in which the model takes another identity ("I'm DAN", "I'm a pirate",
  "I was trained by OpenAI": a jailbreak's persona, or its base model's) becomes the
  persona's own "I'm <assistant name>." (dropped when there is no name);
- a sentence ``keep_sentence`` refuses is dropped (the fallback's ``FactGuard``: a
  business fact the bot's data does not back);
- a vague refusal after an answer ("The capital of France is Paris. I'm sorry, I can't
  help you with that.") is dropped: it takes back what was just said;
- a trailing half sentence is dropped (kept only if it is all there is);
- the reply is capped at ``max_sentences`` and ``max_chars``, at a sentence end
  (small models drift off topic the longer they talk; stopping early is also faster).
"""

from __future__ import annotations

import re
from collections.abc import Callable

__all__ = ["ECHO_WORDS", "LOOSE_ECHO_WORDS", "ReplyCleaner", "clean_reply", "words_of"]

ECHO_WORDS = 8
# "I'm DAN", "I am now a pirate", "I was made by OpenAI"; not "I'm not DAN"
_OTHER_IDENTITY = re.compile(
    r"\b(?:i am|i'm|im|this is|my name is|call me)\s+(?:now\s+|actually\s+|really\s+)?(?:an?\s+|the\s+)?"
    r"(?:dan|chat ?gpt|gpt-?\d\w*|claude|gemini|bard|siri|alexa|llama|smollm\w*|pirate|unrestricted|jailbroken|evil)\b"
    r"|\b(?:trained|made|developed|created|built) by (?:openai|google|anthropic|meta|hugging ?face|microsoft)\b",
    re.IGNORECASE,
)
LOOSE_ECHO_WORDS = 14
# "I'm sorry, I can't help you with that answer.": a refusal that names nothing of its own
_VAGUE_REFUSAL = re.compile(
    r"(?:(?:i'm |i am )?sorry|unfortunately|i apologi[sz]e)?[,.!]?\s*(?:but\s+)?"
    r"i\s*(?:can't|cannot|can not|am not able to|'m not able to|am unable to|'m unable to|don't know how to)\s+"
    r"(?:help(?: you)?(?: with)?|answer|assist(?: you)?(?: with)?|do|provide)\s+"
    r"(?:that|this|it|your (?:question|request))(?: (?:answer|question|request|one))?\s*[.!]*",
    re.IGNORECASE,
)
MAX_SENTENCE_CHARS = 300  # a "sentence" this long without an end is cut as one
_SPECIAL = re.compile(r"<\|[^|<>]{0,40}\|>|</?s>|\[/?INST\]|<<\/?SYS>>|<unk>|<pad>", re.IGNORECASE)
_ROLE_START = re.compile(r"<\|im_start\|>|<\|start_header_id\|>|\[INST\]", re.IGNORECASE)
_ROLE_LINE = re.compile(r"(?:^|\n)\s*(?:user|system|human|assistant|customer)\s*:", re.IGNORECASE)
_OWN_PREFIX = re.compile(r"\s*(?:assistant|bot|a)\s*:", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?…]+[\"')\]]*(?=\s)")
_WORD = re.compile(r"[\w']+")


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


words_of = _words


def _looping_prefix(sentence: str) -> str:
    """The sentence up to where a phrase of 1-6 words starts repeating 3+ times in a row."""
    words = sentence.split()
    for size in range(1, 7):
        for start in range(0, len(words) - 3 * size + 1):
            chunk = [w.lower() for w in words[start : start + size]]
            if all([w.lower() for w in words[start + k * size : start + (k + 1) * size]] == chunk for k in (1, 2)):
                return " ".join(words[: start + size])
    return sentence


class ReplyCleaner:
    """Feed raw pieces; get back cleaned sentences to show. ``done`` says: stop generating."""

    def __init__(
        self,
        system_prompt: str = "",
        max_chars: int = 600,
        names: tuple[str, ...] = (),
        instructions: str | None = None,
        max_sentences: int = 3,
        user_text: str = "",
        keep_sentence: Callable[[str], bool] | None = None,
    ) -> None:
        self.max_chars = max_chars
        self._keep_sentence = keep_sentence
        self._user_words = _words(user_text)
        self.max_sentences = max_sentences
        self.done = False
        self._buffer = ""
        self._emitted: list[str] = []
        self._seen: set[str] = set()
        self._length = 0
        strict = _words(system_prompt if instructions is None else instructions)
        loose = _words(system_prompt)
        self._echo_grams = {tuple(strict[i : i + ECHO_WORDS]) for i in range(len(strict) - ECHO_WORDS + 1)}
        self._loose_grams = {tuple(loose[i : i + LOOSE_ECHO_WORDS]) for i in range(len(loose) - LOOSE_ECHO_WORDS + 1)}
        speaker_names = "|".join(re.escape(name) for name in names if name)
        self._name_prefix = re.compile(rf"^\s*(?:{speaker_names})\s*:\s*", re.IGNORECASE) if speaker_names else None
        self._own_identity = f"I'm {names[0]}." if names and names[0] else ""

    @property
    def sentence_count(self) -> int:
        return len(self._emitted)

    @property
    def text(self) -> str:
        return " ".join(self._emitted)

    @property
    def echo_grams(self) -> set[tuple[str, ...]]:
        """The word runs whose appearance makes a sentence an echo of the prompt."""
        return self._echo_grams | self._loose_grams

    def pending_text(self) -> str:
        """The unfinished sentence as it would be shown (normalised), with a trailing space if a word just ended."""
        text = self._normalise(self._buffer)
        return text + " " if text and self._buffer[-1:].isspace() else text

    def sentence_words(self) -> list[tuple[str, ...]]:
        return [tuple(_words(s)) for s in self._emitted]

    def feed(self, piece: str) -> list[str]:
        """Cleaned sentences completed by this piece (possibly none)."""
        if self.done:
            return []
        self._buffer += piece
        stop = self._cut_at_role_marker()
        out: list[str] = []
        while not self.done:
            match = _SENTENCE_END.search(self._buffer)
            if match is None:
                if len(self._buffer) > MAX_SENTENCE_CHARS:
                    out.extend(self._accept(self._buffer))
                    self._buffer = ""
                break
            sentence, self._buffer = self._buffer[: match.end()], self._buffer[match.end() :]
            out.extend(self._accept(sentence))
        if stop:
            out.extend(self.finish())
        return out

    def finish(self) -> list[str]:
        """The end of generation: a trailing half sentence is kept only if nothing else was said."""
        rest, self._buffer = self._buffer, ""
        was_done, self.done = self.done, True
        tail = self._normalise(rest)
        if not tail or was_done:
            return []
        if re.search(r"[.!?…][\"')\]]*$", tail) or not self._emitted:
            self.done = False
            out = self._accept(tail)
            self.done = True
            return out
        return []

    def _cut_at_role_marker(self) -> bool:
        """Drop everything from a new-turn marker on; True if one was found."""
        found = [m.start() for m in (_ROLE_START.search(self._buffer), _ROLE_LINE.search(self._buffer)) if m]
        # "Assistant:" opening the very first sentence is a prefix to strip, not a new turn.
        if not self._emitted and _OWN_PREFIX.match(self._buffer):
            found = [pos for pos in found if pos > 0]
        if not found:
            return False
        self._buffer = self._buffer[: min(found)]
        return True

    def _normalise(self, sentence: str) -> str:
        sentence = _SPECIAL.sub(" ", sentence)
        if not self._emitted:
            sentence = re.sub(r"^\s*(?:assistant|bot|a)\s*:\s*", "", sentence, flags=re.IGNORECASE)
            if self._name_prefix is not None:
                sentence = self._name_prefix.sub("", sentence)
        return " ".join(sentence.split())

    def _accept(self, raw: str) -> list[str]:
        sentence = self._normalise(raw)
        if not sentence:
            return []
        looped = _looping_prefix(sentence)
        if looped != sentence:
            sentence, self.done = looped, True
        key = " ".join(_words(sentence))
        if key and key in self._seen:
            self.done = True  # the model is going round in circles
            return []
        self._seen.add(key)
        if self._echoes(sentence) or self._parrots(sentence):
            return []
        if _OTHER_IDENTITY.search(sentence):
            if not self._own_identity or self._own_identity in self._emitted:
                return []
            sentence = self._own_identity
        if self._keep_sentence is not None and not self._keep_sentence(sentence):
            return []
        if self._emitted and _VAGUE_REFUSAL.fullmatch(sentence):
            return []  # an answer, then "I can't help you with that": the answer stands
        if self._length + len(sentence) + 1 > self.max_chars:
            self.done = True
            if self._emitted:
                return []
            sentence = sentence[: self.max_chars].rsplit(" ", 1)[0]
        self._emitted.append(sentence)
        self._length += len(sentence) + 1
        if len(self._emitted) >= self.max_sentences:
            self.done = True
        return [sentence]

    def _parrots(self, sentence: str) -> bool:
        """The user's message (3+ words) inside the sentence, or a question made mostly of its words."""
        said = self._user_words
        if len(said) < 2:
            return False
        mine = _words(sentence)
        if len(said) >= 3 and f" {' '.join(said)} " in f" {' '.join(mine)} ":
            return True
        if not sentence.rstrip(" \"')").endswith("?"):
            return False  # "The capital of Australia is Canberra." restates the question to answer it
        overlap = len(set(mine) & set(said))
        return overlap >= 3 and overlap / len(set(mine)) >= 0.8 and overlap / len(set(said)) >= 0.8

    def _echoes(self, sentence: str) -> bool:
        words = _words(sentence)
        if any(tuple(words[i : i + ECHO_WORDS]) in self._echo_grams for i in range(len(words) - ECHO_WORDS + 1)):
            return True
        return any(tuple(words[i : i + LOOSE_ECHO_WORDS]) in self._loose_grams for i in range(len(words) - LOOSE_ECHO_WORDS + 1))


def clean_reply(
    raw: str,
    system_prompt: str = "",
    max_chars: int = 600,
    names: tuple[str, ...] = (),
    instructions: str | None = None,
    user_text: str = "",
) -> str:
    """The cleaned form of a whole raw reply (same rules as streaming)."""
    cleaner = ReplyCleaner(system_prompt, max_chars, names, instructions, user_text=user_text)
    cleaner.feed(raw)
    cleaner.finish()
    return cleaner.text
