"""A tiny bot folder in tmp_path, loaded by a relative path so messages read ``bot/domain.yml:L:C``."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from dialog.config import load_bot
from dialog.config.models import BotConfig
from dialog.errors import ConfigError

MINIMAL_DOMAIN = """\
version: "3.1"
intents: [greet]
responses:
  utter_greet:
    - text: hi
"""

MINIMAL_NLU = """\
version: "3.1"
nlu:
  - intent: greet
    examples: |
      - hi
      - hello
"""


class BotFolder:
    """Write files of a bot (dedented) and load it; ``problems()`` returns the error lines."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def write(self, name: str, text: str | bytes) -> Path:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    def load(self) -> BotConfig:
        return load_bot("bot")

    def problems(self) -> list[str]:
        with pytest.raises(ConfigError) as info:
            load_bot("bot")
        return [str(problem) for problem in info.value.problems]


@pytest.fixture
def bot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> BotFolder:
    monkeypatch.chdir(tmp_path)
    folder = BotFolder(tmp_path / "bot")
    folder.write("domain.yml", MINIMAL_DOMAIN)
    folder.write("nlu.yml", MINIMAL_NLU)
    return folder
