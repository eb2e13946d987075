"""Word-by-word streaming of a reply the cleaner may still reject.

``ReplyCleaner`` decides a sentence only once it ends. Waiting for that made every
SSE ``token`` event a whole sentence; ``LiveReply`` shows the words of the sentence
in progress as they arrive and holds back only the words that could still become
something the cleaner drops: the start of the user's message (parroting), the start
of an instruction or system-prompt passage (reciting), the start of an earlier
sentence (a loop), a word still being written, or one that looks like a template
marker or a role label, or (with ``holds``, the fallback's fact guard) a word that
could make the sentence one stating an unbacked business fact. If the cleaner
rejects a sentence of which some words were already shown, the reply ends there
(``diverged``; the fallback then answers with the sentences before it).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from dialog.llm.cleaning import ReplyCleaner, words_of

__all__ = ["LiveReply"]

_UNSAFE_WORD = re.compile(r"[<>|\[\]:]")


class LiveReply:
    """Feed raw pieces; get back the new text to show. ``text`` is the whole reply."""

    def __init__(
        self, cleaner: ReplyCleaner, user_text: str = "", names: Iterable[str] = (), holds: Callable[[str, bool], bool] | None = None
    ) -> None:
        self.cleaner = cleaner
        self._holds = holds
        self.shown = ""
        self.diverged = False
        self._user = tuple(words_of(user_text))
        self._names = [tuple(words_of(name)) for name in (*names, "assistant", "bot") if name]
        self._risky: set[tuple[str, ...]] = set()
        for gram in cleaner.echo_grams:
            self._risky.update(gram[:size] for size in range(1, len(gram) + 1))
        if len(self._user) >= 2:
            self._risky.update(self._user[:size] for size in range(1, len(self._user) + 1))

    @property
    def done(self) -> bool:
        return self.cleaner.done or self.diverged

    @property
    def text(self) -> str:
        return self.shown

    def feed(self, piece: str) -> str:
        if self.done:
            return ""
        self.cleaner.feed(piece)
        return self._advance(final=False)

    def finish(self) -> str:
        if self.diverged:
            return ""
        self.cleaner.finish()
        return self._advance(final=True)

    def _advance(self, final: bool) -> str:
        accepted = self.cleaner.text
        pending = "" if final or self.cleaner.done else self._safe_part(self.cleaner.pending_text())
        target = f"{accepted} {pending}".strip() if accepted else pending
        if self.shown.startswith(target) and not final:
            return ""  # words shown earlier are held back for now: wait for the sentence to be decided
        if not target.startswith(self.shown):
            self.diverged = True  # the cleaner dropped or cut words already shown: the reply ends here
            return ""
        new, self.shown = target[len(self.shown) :], target
        return new

    def _safe_part(self, sentence: str) -> str:
        """The words of the unfinished sentence that no later token can make the cleaner drop."""
        raw = sentence.split(" ") if sentence else []
        if raw and not sentence.endswith(" "):
            raw = raw[:-1]  # the last word may still grow
        raw = [w for w in raw if w]
        safe = 0
        for index, word in enumerate(raw, start=1):
            if _UNSAFE_WORD.search(word) or (self._holds is not None and self._holds(word, index == 1)):
                break
            safe = index
        raw = raw[:safe]
        lowered = [tuple(words_of(w)) for w in raw]
        flat = [w for group in lowered for w in group]
        if not self.cleaner.sentence_count and any(tuple(flat) == name[: len(flat)] for name in self._names):
            return ""  # maybe "ACME Assistant:" about to be stripped
        if self._user and flat and len(set(flat) & set(self._user)) >= 0.8 * len(set(flat)):
            return ""  # mostly the user's words so far
        if any(prev[: len(flat)] == tuple(flat) for prev in self.cleaner.sentence_words()):
            return ""  # the start of an earlier sentence again
        hold = 0
        for size in range(1, min(len(flat), 16) + 1):
            if tuple(flat[-size:]) in self._risky:
                hold = size
        keep_words = len(flat) - hold
        shown, count = [], 0
        for word, group in zip(raw, lowered, strict=True):
            if count + len(group) > keep_words:
                break
            shown.append(word)
            count += len(group)
        return " ".join(shown)
