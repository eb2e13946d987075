"""The top-level ``dialog`` group: help, version, lazy subcommands, exit codes."""

from __future__ import annotations

import subprocess
import sys

from click.testing import CliRunner

from dialog.cli import SUBCOMMANDS, cli


def test_help_lists_every_available_subcommand() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    for name in cli.list_commands(None):  # type: ignore[arg-type]
        assert name in result.output


def test_version() -> None:
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert "dialog, version" in result.output


def test_unknown_subcommand_is_a_usage_error() -> None:
    result = CliRunner().invoke(cli, ["frobnicate"])
    assert result.exit_code == 2
    assert "No such command" in result.output


def test_every_subcommand_is_registered_with_a_summary() -> None:
    assert set(SUBCOMMANDS) >= {"init", "validate", "train", "parse", "shell", "serve", "test", "test-nlu"}
    assert all(summary for _, summary in SUBCOMMANDS.values())


def test_commands_resolve_in_a_process_that_never_imported_importlib_util() -> None:
    """A fresh ``pip install .`` venv has no .pth file importing it for us: every command crashed there."""
    code = (
        "import sys, importlib\n"
        "sys.modules.pop('importlib.util', None); del importlib.util\n"
        "from dialog.cli import main\n"
        "main(['validate', '--help'])\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert "Usage:" in done.stdout
