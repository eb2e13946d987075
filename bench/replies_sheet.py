"""Human evaluation: a CSV sheet for raters, and reading the filled sheet back.

Raters fill ``relevance``, ``fluency`` and ``on_persona`` with 1-5 (5 = best); blank
cells are not counted. The report shows the mean of each column and how many
replies were rated.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = ["RATED", "read_ratings", "write_sheet"]

RATED = ("relevance", "fluency", "on_persona")


def write_sheet(rows: Sequence[dict[str, Any]], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "category", "prompt", "reply", *RATED, "comment"])
        for row in rows:
            writer.writerow([row["id"], row["category"], row["prompt"], row["reply"], "", "", "", ""])


def read_ratings(path: Path) -> dict[str, Any]:
    """Mean score per column and the number of rated replies; ValueError names the bad cell."""
    sums = dict.fromkeys(RATED, 0.0)
    counts = dict.fromkeys(RATED, 0)
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [name for name in ("id", *RATED) if name not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(f"{path}: the sheet lacks the column(s) {', '.join(missing)}")
        for line, row in enumerate(reader, start=2):
            for name in RATED:
                cell = (row.get(name) or "").strip()
                if not cell:
                    continue
                try:
                    score = float(cell)
                except ValueError:
                    score = 0.0
                if not 1 <= score <= 5:
                    raise ValueError(f"{path}:{line}: {name} must be a number from 1 to 5, got {cell!r}")
                sums[name] += score
                counts[name] += 1
    means = {name: round(sums[name] / counts[name], 2) if counts[name] else None for name in RATED}
    return {"rated": max(counts.values()), **means}
