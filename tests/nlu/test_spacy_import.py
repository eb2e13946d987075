"""The commands that load a bot import spaCy without thinc's torch import."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

MINIBOT = Path(__file__).parents[1] / "data" / "minibot"


def _run(script: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)


def test_spacy_is_imported_without_torch_and_torch_still_imports_later(tmp_path: Path) -> None:
    shutil.copytree(MINIBOT, tmp_path / "minibot")
    result = _run(
        "import sys\n"
        "from dialog.config import load_bot\n"
        "from dialog.nlu.spacy_import import import_spacy_without_torch\n"
        f"import_spacy_without_torch(load_bot({str(tmp_path / 'minibot')!r}))\n"
        "assert 'spacy' in sys.modules and 'torch' not in sys.modules\n"
        "import spacy, torch\n"
        "assert [t.text for t in spacy.blank('en')('order #123456?')] == ['order', '#', '123456', '?']\n"
        "assert torch.ones(2).sum().item() == 2.0\n"
    )
    assert result.returncode == 0, result.stderr


def test_dialog_parse_of_a_tfidf_bot_never_imports_torch(tmp_path: Path) -> None:
    """A one-shot parse of a bot without the encoder skips torch's ~1.5 s import."""
    shutil.copytree(MINIBOT, tmp_path / "minibot")
    result = _run(
        "import atexit, sys\n"
        "atexit.register(lambda: print('torch imported:', 'torch' in sys.modules, file=sys.stderr))\n"
        "from dialog.cli import main\n"
        f"main(['parse', {str(tmp_path / 'minibot')!r}, 'hello there'])\n"
    )
    assert '"text": "hello there"' in result.stdout, result.stderr
    assert "torch imported: False" in result.stderr


def test_a_pipeline_that_names_a_spacy_model_keeps_the_normal_import() -> None:
    """A packaged spaCy pipeline may need thinc's torch bridge, so spaCy is left alone."""
    result = _run(
        "import dataclasses, sys\n"
        "from dialog.nlu.spacy_import import import_spacy_without_torch\n"
        "from dialog.config import load_bot\n"
        "from dialog.config.models import ComponentSpec\n"
        f"config = load_bot({str(MINIBOT)!r})\n"
        "pipeline = (ComponentSpec('spacy_tokenizer', {'model': 'en_core_web_sm'}), *config.settings.pipeline[1:])\n"
        "config = dataclasses.replace(config, settings=dataclasses.replace(config.settings, pipeline=pipeline))\n"
        "import_spacy_without_torch(config)\n"
        "assert 'spacy' not in sys.modules\n"
    )
    assert result.returncode == 0, result.stderr
