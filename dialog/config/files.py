"""Find a bot's YAML: each part is a file (``nlu.yml``) or a folder of files (``nlu/``), as in Rasa.

A folder's ``*.yml``/``*.yaml`` files (recursively, in name order) are merged by the
part's parser; each file keeps its own path so messages point at the right one.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dialog.config.schema import Reporter
from dialog.config.yaml_reader import LocatedMap, load_yaml_text, read_source
from dialog.errors import ConfigError

__all__ = ["Document", "find_sources", "load_documents"]

_SUFFIXES = (".yml", ".yaml")


@dataclass(frozen=True)
class Document:
    """One parsed YAML file: its path as the user would write it, data, and source lines."""

    path: str
    data: Any
    lines: tuple[str, ...]

    def column_of_line(self, line: int) -> int:
        """1-based column of the first non-blank character of ``line`` (1 if unknown)."""
        if 1 <= line <= len(self.lines):
            text = self.lines[line - 1]
            return len(text) - len(text.lstrip()) + 1
        return 1

    def scalar_text(self, mark: tuple[int, int]) -> str:
        """The source text of a plain one-line scalar at ``mark`` (without a trailing comment)."""
        line, column = mark
        if not 1 <= line <= len(self.lines):
            return ""
        return self.lines[line - 1][column - 1 :].split(" #")[0].strip()


def find_sources(root: Path, stem: str) -> list[Path]:
    """``root/stem.yml``, ``root/stem.yaml`` and every YAML file under ``root/stem/``."""
    found = [root / f"{stem}{suffix}" for suffix in _SUFFIXES if (root / f"{stem}{suffix}").is_file()]
    folder = root / stem
    if folder.is_dir():
        found.extend(sorted(path for path in folder.rglob("*") if path.suffix in _SUFFIXES and path.is_file()))
    return found


def load_documents(paths: list[Path], reporter: Reporter) -> list[Document]:
    """Parse every file; a file that fails adds its problems and is skipped."""
    documents = []
    for path in paths:
        try:
            text = read_source(path)
            data = load_yaml_text(text, path)
        except ConfigError as error:
            reporter.problems.extend(error.problems)
            continue
        if data is None:
            data = LocatedMap()
            data.mark = (1, 1)
        documents.append(Document(str(path), data, tuple(text.splitlines())))
    return documents
