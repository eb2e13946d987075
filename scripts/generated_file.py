"""The command line both generators share: write the file, or with ``--check`` say it is stale.

``make docs`` writes; a test (or CI) runs ``--check`` so a generated file never drifts
from the code it is made from.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path


def generator_main(
    description: str, output: Path, render: Callable[[], str], problems: type[Exception], argv: list[str] | None = None
) -> int:
    """0 written (or up to date), 1 stale under ``--check``, 2 when ``render`` found problems."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--check", action="store_true", help=f"exit 1 when {output.name} is out of date")
    args = parser.parse_args(argv)
    try:
        text = render()
    except problems as error:
        sys.stderr.write(f"{error}\n")
        return 2
    if args.check:
        if not output.exists() or output.read_text(encoding="utf-8") != text:
            sys.stderr.write(f"{output.parent.name}/{output.name} is out of date; run `make docs`\n")
            return 1
        return 0
    output.write_text(text, encoding="utf-8")
    return 0
