"""Writes one benchmark's section of bench/RESULTS.md without touching the others.

Each benchmark owns the text between ``<!-- NAME:start -->`` and ``<!-- NAME:end -->``.
"""

from __future__ import annotations

import re
from pathlib import Path

__all__ = ["RESULTS_PATH", "write_section"]

RESULTS_PATH = Path(__file__).with_name("RESULTS.md")
HEADER = "# Benchmark results\n\nEach section says the command that produced it. Machine: 2 cores, no GPU.\n"


def write_section(name: str, markdown: str, path: Path = RESULTS_PATH) -> None:
    text = path.read_text(encoding="utf-8") if path.exists() else HEADER
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    block = f"{start}\n{markdown.strip()}\n{end}"
    pattern = re.compile(re.escape(start) + ".*?" + re.escape(end), re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text)
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")
