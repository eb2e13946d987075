"""bench/install_size.py: sizes per distribution from a site-packages folder, and the report."""

from __future__ import annotations

from pathlib import Path

from bench.install_size import package_sizes, report


def _install(site: Path, name: str, version: str, files: dict[str, int]) -> None:
    info = site / f"{name}-{version}.dist-info"
    info.mkdir(parents=True)
    for relative, size in files.items():
        path = site / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x" * size)
    (info / "RECORD").write_text("".join(f"{relative},,\n" for relative in files) + f"{info.name}/RECORD,,\n", encoding="utf-8")


def test_every_top_level_entry_is_counted_for_the_distribution_that_installed_it(tmp_path: Path) -> None:
    _install(tmp_path, "torch", "2.13.0", {"torch/lib/big.so": 3 * 2**20, "functorch/x.py": 2**20})
    _install(tmp_path, "tiny", "1.0", {"tiny.py": 1000})
    sizes = package_sizes(tmp_path)
    assert list(sizes)[0] == "torch" and round(sizes["torch"]) == 4
    assert "functorch" not in sizes and sizes["tiny"] < 0.01


def test_the_report_says_the_command_the_total_and_the_target() -> None:
    text = report(1234.4, {"torch": 754.0, "spacy": 126.0}, "", 61.0)
    assert "`python -m bench.install_size`" in text and "**Venv: 1234 MB** (meets the 1500 MB target" in text
    assert "| torch | 754 |" in text
    assert "misses the 1500 MB target" in report(1600, {}, "hf", 1.0)
