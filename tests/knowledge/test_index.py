"""The index is stored next to the NLU model and rebuilt only when a document changed."""

from __future__ import annotations

from pathlib import Path

from dialog.knowledge.index import KnowledgeIndex, ensure_index, index_dir
from tests.knowledge.conftest import DOCUMENTS, make_bot

SECTIONS = [line for text in DOCUMENTS.values() for line in text.splitlines() if line.startswith("## ")]


def test_indexing_stores_the_index_and_reuses_it_until_a_document_changes(tmp_path: Path, encoder) -> None:  # type: ignore[no-untyped-def]
    config = make_bot(tmp_path / "bot")
    first = ensure_index(config, encoder)
    assert not first.skipped and len(first.index) == len(SECTIONS)
    assert first.index.path == index_dir(config) and first.index.path.parent.parent == tmp_path / "bot" / ".dialog" / "models"
    assert ensure_index(config, encoder).skipped
    loaded = KnowledgeIndex.load(first.index.path)
    assert [c.source for c in loaded.chunks] == [c.source for c in first.index.chunks]
    assert loaded.sentences == first.index.sentences
    (tmp_path / "bot" / "knowledge" / "returns.md").write_text("# Returns\n\nNo returns.\n", encoding="utf-8")
    changed = ensure_index(config, encoder)
    assert not changed.skipped and changed.index.path != first.index.path
    assert any(chunk.text == "No returns." for chunk in changed.index.chunks)


def test_an_unreadable_document_is_left_out_and_the_rest_indexed(tmp_path: Path, encoder) -> None:  # type: ignore[no-untyped-def]
    config = make_bot(tmp_path / "bot")
    (tmp_path / "bot" / "knowledge" / "broken.md").write_bytes(b"\x00\x01binary")
    result = ensure_index(config, encoder)
    assert result.documents is not None and [Path(p.path).name for p in result.documents.errors] == ["broken.md"]
    assert len(result.index) == len(SECTIONS)
