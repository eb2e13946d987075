"""Imports point inward (docs/architecture.md, "Packages and their imports"): the core never pulls in the heavy ML stacks.

``types``, ``errors``, ``config`` and ``flows`` must import without spaCy,
scikit-learn, transformers or torch, and so must loading and validating a bot:
``dialog validate`` and a server's start would otherwise pay seconds for nothing.
Each check runs in a fresh interpreter, because this test process has long since
imported everything.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("spacy", "sklearn", "sklearn_crfsuite", "transformers", "torch")

_PROBE = """
import importlib, json, pkgutil, sys
import dialog
for name in {modules!r}:
    module = importlib.import_module(name)
    for info in pkgutil.iter_modules(getattr(module, "__path__", [])):
        importlib.import_module(f"{{name}}.{{info.name}}")
{extra}
print(json.dumps(sorted(m for m in {heavy!r} if m in sys.modules)))
"""


def _heavy_after(modules: list[str], extra: str = "") -> list[str]:
    code = _PROBE.format(modules=modules, extra=extra, heavy=HEAVY)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("package", ["dialog.types", "dialog.errors", "dialog.config", "dialog.flows", "dialog.registry", "dialog.cli"])
def test_core_modules_import_no_ml_stack(package: str) -> None:
    assert _heavy_after([package]) == []


def test_loading_a_bot_imports_no_ml_stack(tmp_path: Path) -> None:
    (tmp_path / "domain.yml").write_text('version: "3.1"\nintents: [greet]\nresponses:\n  utter_greet:\n    - text: hi\n')
    (tmp_path / "nlu.yml").write_text('version: "3.1"\nnlu:\n  - intent: greet\n    examples: |\n      - hi\n      - hello\n')
    (tmp_path / "flows.yml").write_text("flows:\n  greet:\n    description: say hi\n    nlu_trigger: [greet]\n    steps:\n      - action: utter_greet\n")
    (tmp_path / "config.yml").write_text(
        "language: en\npipeline:\n"
        + "".join(f"  - name: {name}\n" for name in ("spacy_tokenizer", "regex_entities", "lookup_entities", "crf_entities", "synonyms", "sentence_embeddings", "sklearn_intent"))
    )
    extra = f"from dialog.config import load_bot\nload_bot({str(tmp_path)!r})"
    assert _heavy_after([], extra) == []
