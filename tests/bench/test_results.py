from __future__ import annotations

from pathlib import Path

from bench._results import write_section


def test_sections_are_replaced_in_place_and_others_kept(tmp_path: Path) -> None:
    path = tmp_path / "RESULTS.md"
    write_section("nlu", "first", path)
    write_section("llm", "model", path)
    write_section("nlu", "second", path)
    text = path.read_text()
    assert "second" in text and "first" not in text and "model" in text
    assert text.index("second") < text.index("model")
