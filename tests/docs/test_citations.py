"""Code and docs cite only documents that are in the repository."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [
    path
    for folder in ("dialog", "tests", "bench", "scripts")
    for path in (ROOT / folder).rglob("*.py")
]
DOCS = [
    ROOT / "README.md",
    *sorted((ROOT / "docs").glob("*.md")),
]  # docs/src/ is the template of docs/reference.md


def test_no_citation_of_the_old_design_documents() -> None:
    old = re.compile(r"\bDESIGN(\.md)? ?§|\bSTYLE(\.md)? ?(§|section)")
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in SOURCES
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if old.search(line)
    ]
    assert not found, f"cite docs/architecture.md or docs/reference.md instead: {found}"


def test_every_cited_docs_file_exists() -> None:
    cited = re.compile(r"\bdocs/[\w./-]+\.(?:md|yml)")
    missing = sorted(
        f"{path.relative_to(ROOT)}: {name}"
        for path in SOURCES + DOCS
        for name in set(cited.findall(path.read_text(encoding="utf-8")))
        if not (ROOT / name).exists()
    )
    assert not missing


def test_links_between_the_docs_resolve() -> None:
    link = re.compile(r"\]\(([\w./-]+\.md)(?:#[\w-]+)?\)")
    missing = [
        f"{path.relative_to(ROOT)}: {target}"
        for path in DOCS
        for target in link.findall(path.read_text(encoding="utf-8"))
        if not (path.parent / target).exists()
    ]
    assert not missing


def test_every_source_file_the_docs_name_exists() -> None:
    """A path in backquotes (``dialog/bot.py``, ``tests/conftest.py``, or ``flows/engine.py``
    inside dialog/) must exist, so a moved module cannot leave the docs behind."""
    packages = {path.name for path in (ROOT / "dialog").iterdir() if path.is_dir()}
    roots = {"dialog", "tests", "bench", "scripts", "docs"}
    quoted = re.compile(r"`((?:[\w.-]+/)+[\w.-]+\.(?:py|md|txt))`")
    missing = []
    for path in DOCS:
        for name in quoted.findall(path.read_text(encoding="utf-8")):
            first = name.split("/")[0]
            if first in roots and not (ROOT / name).exists():
                missing.append(f"{path.relative_to(ROOT)}: {name}")
            elif first in packages and not (ROOT / "dialog" / name).exists():
                missing.append(f"{path.relative_to(ROOT)}: {name} (in dialog/)")
    assert not missing


def test_the_architecture_names_every_package_and_core_module() -> None:
    """docs/architecture.md's layer table keeps up with dialog/: a new package or core module must be placed in it."""
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    package = ROOT / "dialog"
    names = [path.name for path in package.iterdir() if path.is_dir() and (path / "__init__.py").exists()]
    names += [path.stem for path in package.glob("*.py") if path.stem != "__init__"]
    missing = sorted(name for name in names if f"`{name}`" not in text)
    assert not missing, f"docs/architecture.md does not place {missing} in its layers"
