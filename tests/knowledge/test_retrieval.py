"""Hybrid retrieval finds the section a paraphrased question is about."""

from __future__ import annotations

from pathlib import Path

import pytest

from dialog.knowledge.index import ensure_index
from dialog.knowledge.retrieval import Retriever
from tests.knowledge.conftest import make_bot


@pytest.fixture(scope="module")
def retriever(tmp_path_factory: pytest.TempPathFactory, encoder) -> Retriever:  # type: ignore[no-untyped-def]
    config = make_bot(tmp_path_factory.mktemp("retrieval") / "bot")
    index = ensure_index(config, encoder).index
    return Retriever(index, lambda text: encoder.embed([text])[0])


@pytest.mark.parametrize(
    ("question", "heading"),
    [
        ("how many days until my parcel reaches Canada?", "Delivery times"),
        ("is delivery free?", "Shipping costs"),
        ("can I send something back after three weeks?", "Return window"),
        ("when do I get my money back?", "Refunds"),
        ("what's your telephone number?", "Phone"),
    ],
)
def test_paraphrases_find_their_section(retriever: Retriever, question: str, heading: str) -> None:
    hits = retriever.search(question, top_k=3)
    assert hits[0].chunk.headings[-1] == heading
    assert len(hits) == 3 and hits[0].score >= hits[1].score >= hits[2].score


def test_both_fusions_rank_and_an_unknown_fusion_is_refused(retriever: Retriever) -> None:
    rrf = Retriever(retriever.index, retriever.encode, fusion="rrf")
    assert rrf.search("is delivery free?")[0].chunk.headings[-1] == "Shipping costs"
    with pytest.raises(ValueError, match="fusion must be one of"):
        Retriever(retriever.index, retriever.encode, fusion="max")


def test_an_empty_index_finds_nothing(tmp_path: Path, encoder) -> None:  # type: ignore[no-untyped-def]
    config = make_bot(tmp_path / "bot", documents={"knowledge/empty.md": ""})
    retriever = Retriever(ensure_index(config, encoder).index, lambda text: encoder.embed([text])[0])
    assert retriever.search("anything?") == []
