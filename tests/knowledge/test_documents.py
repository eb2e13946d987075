"""Reading a bot's documents: sections by heading, chunks that keep file and heading path, bad files reported."""

from __future__ import annotations

from pathlib import Path

from dialog.knowledge.documents import (
    MAX_CHUNK_WORDS,
    MAX_FILE_BYTES,
    document_files,
    read_documents,
    split_document,
)


def _write(root: Path, relative: str, content: str | bytes) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def test_headings_split_sections_and_chunks_keep_their_heading_path() -> None:
    text = "# Returns\n\nYou have **30 days**.\n\n## Exceptions\n\nGift cards cannot be returned.\n\n# Refunds\n\nFive days.\n"
    chunks = split_document("returns.md", text)
    assert [(c.headings, c.text) for c in chunks] == [
        (("Returns",), "You have 30 days."),
        (("Returns", "Exceptions"), "Gift cards cannot be returned."),
        (("Refunds",), "Five days."),
    ]
    assert chunks[1].source == "returns.md > Returns > Exceptions"


def test_list_items_stay_separate_sentences() -> None:
    [chunk] = split_document("pay.md", "# Pay\n\nWe accept:\n\n- Visa\n- PayPal\n")
    assert chunk.text == "We accept: Visa. PayPal."


def test_a_long_section_is_split_into_chunks_at_sentence_boundaries() -> None:
    sentence = "Parcels to Canada take five to eight business days to arrive. "
    chunks = split_document("shipping.md", "# Shipping\n\n" + sentence * 60)
    assert len(chunks) > 1
    assert all(len(c.text.split()) <= MAX_CHUNK_WORDS for c in chunks)
    assert all(c.headings == ("Shipping",) and c.text.endswith("arrive.") for c in chunks)


def test_headings_inside_code_blocks_do_not_split() -> None:
    chunks = split_document("x.md", "# A\n\n```\n# not a heading\n```\n")
    assert [c.headings for c in chunks] == [("A",)]


def test_a_markdown_comment_is_a_note_for_the_author_not_content() -> None:
    text = "# Shipping\n\n<!-- Put your help texts here;\nthe bot answers from them. -->\n\nOrders ship in a day.\n"
    chunks = split_document("shipping.md", text)
    assert [chunk.text for chunk in chunks] == ["Orders ship in a day."]
    assert "<!--" in split_document("notes.txt", "<!-- kept -->", markdown=False)[0].text  # plain text has no comments


def test_knowledge_and_docs_folders_are_read_with_sub_folders(tmp_path: Path) -> None:
    _write(tmp_path, "knowledge/policies/returns.md", "# Returns\n\n30 days.\n")
    _write(tmp_path, "docs/faq.txt", "Plain text has no headings.\n\nA second paragraph.\n")
    _write(tmp_path, "knowledge/.hidden.md", "# Secret\n\nno\n")
    documents = read_documents(tmp_path)
    assert {(c.file, c.headings) for c in documents.chunks} == {("policies/returns.md", ("Returns",)), ("faq.txt", ())}
    assert not documents.errors and not documents.skipped


def test_a_missing_or_empty_folder_is_fine(tmp_path: Path) -> None:
    assert document_files(tmp_path) == []
    (tmp_path / "knowledge").mkdir()
    _write(tmp_path, "knowledge/empty.md", "")
    documents = read_documents(tmp_path)
    assert documents.chunks == [] and documents.errors == []


def test_binary_non_utf8_and_huge_files_are_errors_with_their_path(tmp_path: Path) -> None:
    _write(tmp_path, "knowledge/manual.md", b"\x89PNG\x00\x00binary")
    _write(tmp_path, "knowledge/latin1.md", "# Caf\u00e9\n".encode("latin-1"))
    _write(tmp_path, "knowledge/big.txt", "word " * (MAX_FILE_BYTES // 5 + 10))
    _write(tmp_path, "knowledge/ok.md", "# Fine\n\nYes.\n")
    documents = read_documents(tmp_path)
    messages = {Path(p.path).name: str(p) for p in documents.errors}
    assert "binary file" in messages["manual.md"]
    assert "not UTF-8" in messages["latin1.md"] and f"{tmp_path}/knowledge/latin1.md:1:6:" in messages["latin1.md"]
    assert "more than" in messages["big.txt"]
    assert [c.file for c in documents.chunks] == ["ok.md"]


def test_other_file_types_are_skipped_with_a_warning(tmp_path: Path) -> None:
    _write(tmp_path, "knowledge/logo.png", b"\x89PNG")
    documents = read_documents(tmp_path)
    assert documents.errors == []
    assert documents.skipped == ["knowledge: skipping 'logo.png': only Markdown (.md) and plain text (.txt) are read"]


def test_a_plain_text_faq_is_a_section_per_question() -> None:
    from dialog.knowledge.documents import split_document

    text = "How long does a transfer take?\nOne to two business days.\n\nIs there a fee?\nYes, 5 dollars.\n\nA closing note. Any questions?\nCall us."
    chunks = split_document("faq.txt", text, markdown=False)
    assert [(c.headings, c.text) for c in chunks] == [
        (("How long does a transfer take?",), "One to two business days."),
        (("Is there a fee?",), "Yes, 5 dollars. A closing note. Any questions? Call us."),  # a question after a sentence heads nothing
    ]


def test_a_plain_text_title_line_heads_its_paragraph_and_is_not_glued_to_it() -> None:
    from dialog.knowledge.documents import split_document

    text = (
        "Refunds for outages\nIf your internet is down for a day, you get a credit.\n\n"
        "Open Monday to Friday\n9 am to 5 pm, and Saturdays.\n\n"  # a digit below: a sentence, not a title
        "Short note.\nThe rest of it."
    )
    chunks = split_document("policy.txt", text, markdown=False)
    assert [(c.headings, c.text) for c in chunks] == [
        (("Refunds for outages",), "If your internet is down for a day, you get a credit. Open Monday to Friday 9 am to 5 pm, and Saturdays. "
         "Short note. The rest of it."),
    ]


def test_a_markdown_table_is_a_sentence_per_row_under_its_headers() -> None:
    from dialog.knowledge.documents import split_document

    text = "# Prices\n\nOur prices:\n| Plan | Per minute | Unlock fee |\n|---|---:|:---:|\n| Pay as you go | $0.30 | $1.00 |\n| Monthly | $0.10 | |\nThat is all."
    [chunk] = split_document("prices.md", text)
    assert chunk.text == "Our prices: Pay as you go: Per minute $0.30, Unlock fee $1.00. Monthly: Per minute $0.10. That is all."


def test_an_abbreviation_ends_no_sentence() -> None:
    from dialog.knowledge.documents import split_sentences

    assert split_sentences("A check-up costs £75, incl. 2 X-rays. See Dr. Smith.") == ["A check-up costs £75, incl. 2 X-rays.", "See Dr. Smith."]
