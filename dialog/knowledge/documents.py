"""Reading a bot's documents and splitting them into chunks that keep their place.

Markdown headings (``#`` .. ``######``) split a file into sections; a section longer
than ``MAX_CHUNK_WORDS`` is split again at paragraph, then sentence, boundaries.
Every chunk remembers its file (relative to its knowledge folder) and its heading path,
which the bot shows as the answer's source. Plain-text files have no headings:
their sections are their paragraphs' chunks under the file's name, except that a
paragraph opening with a question line (a FAQ) is a section headed by that question,
and one opening with a short title line ("Refunds for outages", then the text) by that title.
Markdown comments
(``<!-- ... -->``) are notes for the author, not content.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from dialog.errors import Problem

__all__ = [
    "DOCUMENT_SUFFIXES",
    "KNOWLEDGE_FOLDERS",
    "MAX_CHUNK_WORDS",
    "MAX_FILE_BYTES",
    "Chunk",
    "Documents",
    "document_files",
    "document_texts",
    "read_documents",
    "split_document",
    "split_sentences",
]

KNOWLEDGE_FOLDERS = ("knowledge", "docs")  # docs/: Rasa Pro's Enterprise Search default
DOCUMENT_SUFFIXES = (".md", ".markdown", ".txt")
MAX_CHUNK_WORDS = 120
# A document past this is refused (not truncated): it is almost certainly not a help text.
MAX_FILE_BYTES = 2_000_000

_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_ABBREVIATIONS = ("incl", "e.g", "i.e", "approx", "vs", "Dr", "Mr", "Mrs", "Ms", "St")  # "incl. 2 X-rays" goes on
_SENTENCE_END = re.compile(r"(?<=[.!?])" + "".join(rf"(?<!\b{re.escape(word)}\.)" for word in _ABBREVIATIONS) + r"\s+(?=[\"'(\[]?[A-Z0-9])")
_MARKUP = re.compile(r"(\*\*|__|`|^\s*[-*+]\s+|^\s*\d+\.\s+|^>\s?)", re.MULTILINE)
_LIST_ITEM = re.compile(r"^\s*([-*+]|\d+\.)\s+\S")
_LINK = re.compile(r"\[([^\]]+)\]\(([^)]+)\)")
_TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_TABLE_RULE = re.compile(r"^\s*\|?(?:\s*:?-{2,}:?\s*\|)+\s*:?-{0,}:?\s*\|?\s*$")


@dataclass(frozen=True)
class Chunk:
    """A piece of a document small enough to answer one question."""

    file: str  # relative to its knowledge folder, with forward slashes
    headings: tuple[str, ...]  # the heading path, outermost first; () before any heading
    text: str

    @property
    def source(self) -> str:
        """``file > heading > sub-heading``: where the answer came from."""
        return " > ".join((self.file, *self.headings))

    @property
    def title(self) -> str:
        return " > ".join(self.headings) if self.headings else Path(self.file).stem.replace("_", " ")

    def search_text(self) -> str:
        """What retrieval sees: the headings name the topic even when the text does not."""
        return f"{self.title}. {self.text}"

    def as_json(self) -> dict[str, object]:
        return {"file": self.file, "headings": list(self.headings), "text": self.text}


def document_files(root: Path) -> list[Path]:
    """Every file under the bot's knowledge folders (sorted; hidden files skipped)."""
    files: list[Path] = []
    for name in KNOWLEDGE_FOLDERS:
        folder = root / name
        if folder.is_dir():
            files.extend(
                path
                for path in sorted(folder.rglob("*"))
                if path.is_file() and not any(part.startswith(".") for part in path.relative_to(folder).parts)
            )
    return files


def document_texts(root: Path | None) -> list[str]:
    """The raw text of every readable document (what the LLM fallback's fact guard may rely on)."""
    if root is None:
        return []
    texts = []
    for path in document_files(Path(root)):
        try:
            text = path.read_text(encoding="utf-8")
            texts.append(text if path.suffix.lower() == ".txt" else _COMMENT.sub("", text))
        except (OSError, UnicodeDecodeError):
            continue  # the index and dialog validate report it
    return texts


@dataclass(frozen=True)
class Documents:
    """What a bot's knowledge folders hold: the chunks, and the files that could not be read.

    ``errors`` (binary, not UTF-8, too big, unreadable) fail ``dialog validate``;
    ``skipped`` files (other types, e.g. images next to the docs) are only warned about.
    A running bot skips both and answers from the rest."""

    chunks: list[Chunk]
    errors: list[Problem]
    skipped: list[str]


def read_documents(root: Path) -> Documents:
    """All chunks of the readable documents under ``root``'s knowledge folders."""
    chunks: list[Chunk] = []
    errors: list[Problem] = []
    skipped: list[str] = []
    for path in document_files(root):
        relative = _relative(path, root)
        if path.suffix.lower() not in DOCUMENT_SUFFIXES:
            skipped.append(f"knowledge: skipping '{relative}': only Markdown (.md) and plain text (.txt) are read")
            continue
        text, problem = _read_text(path, str(path))
        if problem is not None:
            errors.append(problem)
        elif text is not None:
            chunks.extend(split_document(relative, text, markdown=path.suffix.lower() != ".txt"))
    return Documents(chunks, errors, skipped)


def _relative(path: Path, root: Path) -> str:
    """The path inside its knowledge folder: what a source names ("shipping.md")."""
    inside = path.relative_to(root)
    return Path(*inside.parts[1:]).as_posix() if len(inside.parts) > 1 else inside.as_posix()


def _read_text(path: Path, shown: str) -> tuple[str | None, Problem | None]:
    """The file's text, or why it cannot be a document (``shown``: the path in messages)."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return None, Problem(shown, 0, 0, f"knowledge: the file is {size:,} bytes, more than the {MAX_FILE_BYTES:,} a document may have; split it into smaller files")
        data = path.read_bytes()
    except OSError as exc:
        return None, Problem(shown, 0, 0, f"knowledge: cannot read the file: {exc.strerror or exc}")
    if b"\x00" in data[:8192]:
        return None, Problem(shown, 0, 0, "knowledge: a binary file, not text; use Markdown (.md) or plain text (.txt)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        column = exc.start - data.rfind(b"\n", 0, exc.start)
        return None, Problem(shown, line, column, f"knowledge: not UTF-8 text (byte {exc.start}); save the file as UTF-8")
    return text, None


def split_document(file: str, text: str, markdown: bool = True) -> list[Chunk]:
    """The chunks of one document, in order; an empty document has none. A Markdown
    comment (``<!-- a note for the author -->``) is not shown when rendered, so it is
    no answer either."""
    chunks = []
    if markdown:
        text = _COMMENT.sub("", text)
    for headings, body in _sections(text, markdown):
        for piece in _pieces(body):
            chunks.append(Chunk(file, headings, piece))
    return chunks


def _sections(text: str, markdown: bool) -> Iterator[tuple[tuple[str, ...], str]]:
    path: list[tuple[int, str]] = []
    lines: list[str] = []
    in_code = False
    all_lines = text.splitlines()
    for index, line in enumerate(all_lines):
        if line.lstrip().startswith("```"):
            in_code = not in_code
        match = _HEADING.match(line) if markdown and not in_code else None
        following = all_lines[index + 1] if index + 1 < len(all_lines) else ""
        if match is None and not markdown and (_asks_first(line, lines) or _titles(line, lines, following)):
            match = re.match(r"(#)(.*)", "#" + line.strip())  # a plain-text FAQ's question, or a title, heads what follows
        if match is None:
            lines.append(line)
            continue
        yield tuple(title for _, title in path), "\n".join(lines)
        lines = []
        level = len(match.group(1))
        path = [(lvl, title) for lvl, title in path if lvl < level] + [(level, _plain(match.group(2)))]
    yield tuple(title for _, title in path), "\n".join(lines)


def _asks_first(line: str, before: list[str]) -> bool:
    """A plain-text line that opens a paragraph with a short question ("How long does a
    transfer take?"): in a FAQ, the heading of the answer below it."""
    opens = not before or not before[-1].strip()
    question = line.strip()
    return opens and question.endswith("?") and len(question.split()) <= 25 and not re.search(r"[.!?]\s", question[:-1])


def _titles(line: str, before: list[str], following: str) -> bool:
    """A plain-text line that opens a paragraph as its title ("Refunds for outages", then the
    text): a few words, no digit, no closing punctuation, and a longer sentence below it."""
    opens = not before or not before[-1].strip()
    title, below = line.strip(), following.strip()
    return (
        opens
        and 0 < len(title.split()) <= TITLE_WORDS
        and title[0].isupper()
        and not re.search(r"[\d.!?,;:]$|\d|^[-*•]", title)
        and len(below) > len(title)
        and below[0].isupper()
    )


TITLE_WORDS = 6
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


def _plain(text: str) -> str:
    """Markdown markup off: links keep their words, emphasis and list markers go."""
    return _MARKUP.sub("", _LINK.sub(r"\1 (\2)", text)).strip()


def _pieces(body: str) -> list[str]:
    """A section's text as chunks of at most ``MAX_CHUNK_WORDS`` words (a longer sentence stays whole)."""
    paragraphs = [" ".join(_plain(p).split()) for p in _blocks(body)]
    units: list[str] = []
    for paragraph in filter(None, paragraphs):
        if len(paragraph.split()) <= MAX_CHUNK_WORDS:
            units.append(paragraph)
        else:
            units.extend(split_sentences(paragraph))
    pieces: list[str] = []
    current: list[str] = []
    words = 0
    for unit in units:
        size = len(unit.split())
        if current and words + size > MAX_CHUNK_WORDS:
            pieces.append(" ".join(current))
            current, words = [], 0
        current.append(unit)
        words += size
    if current:
        pieces.append(" ".join(current))
    return pieces


def _blocks(body: str) -> list[str]:
    """Paragraphs, with each list item a block of its own (ended with a full stop if it
    has none), so "- Visa" and "- PayPal" stay two sentences rather than one; a Markdown
    table is a sentence per row (``table_sentences``)."""
    blocks: list[str] = []
    for paragraph in re.split(r"\n\s*\n", body):
        lines: list[str] = []
        rows: list[str] = []
        for line in paragraph.splitlines():
            if _TABLE_ROW.match(line):
                rows.append(line)
                continue
            if rows:  # the table ended: its rows are sentences of their own
                blocks.extend(_flushed(lines) + table_sentences(rows))
                lines, rows = [], []
            if _LIST_ITEM.match(line):
                if lines:
                    blocks.append("\n".join(lines))
                lines = []
                item = line.rstrip()
                blocks.append(item if item[-1:] in ".!?:;" else item + ".")
            elif blocks and not lines and line.startswith((" ", "\t")) and line.strip():
                joined = blocks[-1].rstrip(".") + " " + line.strip()  # a list item's wrapped line
                blocks[-1] = joined if joined[-1:] in ".!?:;" else joined + "."
            else:
                lines.append(line)
        blocks.extend(_flushed(lines) + table_sentences(rows))
    return blocks


def _flushed(lines: list[str]) -> list[str]:
    return ["\n".join(lines)] if lines else []


def table_sentences(rows: list[str]) -> list[str]:
    """A Markdown table's rows as sentences a search can pick one of: ``| Pay as you go |
    $0.30 | $1.00 |`` under ``| Plan | Per minute | Unlock |`` is "Pay as you go: Per
    minute $0.30, Unlock $1.00." (raw pipes read as one run-on line)."""
    cells = [[cell.strip() for cell in row.strip().strip("|").split("|")] for row in rows if not _TABLE_RULE.match(row)]
    if len(cells) < 2:
        return [" ".join(" ".join(row) for row in cells)] if cells else []
    header, sentences = cells[0], []
    for row in cells[1:]:
        rest = [f"{name} {cell}".strip() for name, cell in zip(header[1:], row[1:]) if cell]
        sentence = f"{row[0]}: {', '.join(rest)}" if rest else row[0]
        sentences.append(sentence if sentence[-1:] in ".!?" else sentence + ".")
    return sentences


def split_sentences(text: str) -> list[str]:
    """Sentences of a paragraph, verbatim (a list item counts as a sentence)."""
    return [sentence.strip() for sentence in _SENTENCE_END.split(text) if sentence.strip()]
