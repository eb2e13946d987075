"""The knowledge bench's questions fit their documents: every gold section exists as dialog
splits the documents, and its expected phrase is in that section (a typo in either would
silently count as a retrieval miss)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.knowledge import BOTS, UNSEEN, UNSEEN_DATA, load_questions
from dialog.knowledge.documents import document_files, split_document


def _sections(bot: str) -> dict[str, str]:
    root = UNSEEN_DATA / bot if bot in UNSEEN else Path(__file__).parents[2] / "domains" / bot
    texts: dict[str, str] = {}
    for path in document_files(root):
        relative = path.relative_to(root / "knowledge").as_posix()
        for chunk in split_document(relative, path.read_text(encoding="utf-8")):
            texts[chunk.source] = texts.get(chunk.source, "") + " " + chunk.text
    return texts


@pytest.mark.parametrize("bot", BOTS)
def test_every_question_s_gold_section_holds_its_answer(bot: str) -> None:
    sections = _sections(bot)
    questions = load_questions(bot)
    assert sum(q.gold is None for q in questions) >= 5  # "don't know" is measured too
    for question in questions:
        if question.gold is not None:
            assert question.gold in sections, f"{bot}: {question.text!r}: no section {question.gold!r}"
            assert question.answer in sections[question.gold], f"{bot}: {question.answer!r} is not in {question.gold!r}"
