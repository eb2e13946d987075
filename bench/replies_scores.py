"""Reference-based scores of a set of replies: chrF, BLEU (sacrebleu) and ROUGE-L.

chrF is the headline number: on one- or two-sentence replies BLEU's 4-gram
matches are rare and noisy, while character n-grams still reward a reply that
says the same thing in different words. ROUGE-L is the longest common word
subsequence F-measure, best over a prompt's references, averaged over prompts.
"""

from __future__ import annotations

from collections.abc import Sequence

from bench.replies_checks import words

__all__ = ["corpus_scores", "rouge_l"]


def _lcs(a: Sequence[str], b: Sequence[str]) -> int:
    previous = [0] * (len(b) + 1)
    for x in a:
        current = [0]
        for j, y in enumerate(b, start=1):
            current.append(previous[j - 1] + 1 if x == y else max(previous[j], current[-1]))
        previous = current
    return previous[-1]


def rouge_l(reply: str, references: Sequence[str]) -> float:
    """Best ROUGE-L F1 (0-1) of ``reply`` against any reference."""
    mine = words(reply)
    best = 0.0
    for reference in references:
        theirs = words(reference)
        common = _lcs(mine, theirs)
        if common:
            precision, recall = common / len(mine), common / len(theirs)
            best = max(best, 2 * precision * recall / (precision + recall))
    return best


def corpus_scores(replies: Sequence[str], references: Sequence[Sequence[str]]) -> dict[str, float]:
    """chrF and BLEU (0-100, corpus level, every reference used) and mean ROUGE-L (0-100)."""
    from sacrebleu.metrics import BLEU, CHRF

    width = max(len(refs) for refs in references)
    streams = [[refs[k] if k < len(refs) else refs[0] for refs in references] for k in range(width)]
    chrf = CHRF().corpus_score(list(replies), streams).score
    bleu = BLEU(effective_order=True).corpus_score(list(replies), streams).score
    rouge = 100 * sum(rouge_l(r, refs) for r, refs in zip(replies, references, strict=True)) / max(1, len(replies))
    return {"chrF": round(chrf, 1), "BLEU": round(bleu, 1), "ROUGE-L": round(rouge, 1)}
