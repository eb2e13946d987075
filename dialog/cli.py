"""The ``dialog`` command line: a click group whose subcommands load lazily.

Each subcommand lives in ``dialog/commands/<name>.py`` as a click command named
``command``; importing it only when used keeps ``dialog --help`` instant (no
spaCy, torch or sklearn import). This module is the one place where
``DialogError`` becomes an exit code: 0 ok, 1 test failure, 2 usage or config error.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import sys
from typing import Any

import click

from dialog.errors import DialogError

__all__ = ["main", "cli"]

SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "init": ("dialog.commands.init", "Create a new bot project from a template."),
    "validate": ("dialog.commands.validate", "Check a bot's YAML files and print every problem."),
    "train": ("dialog.commands.train", "Train the NLU model (skipped when nothing changed)."),
    "tune": ("dialog.commands.tune", "Fine-tune the LLM fallback on the bot's replies (LoRA adapter)."),
    "parse": ("dialog.commands.parse", "Print the NLU parse of a text as JSON."),
    "shell": ("dialog.commands.shell", "Chat with a bot in the terminal."),
    "serve": ("dialog.commands.serve", "Run the HTTP server (Rasa-compatible REST API)."),
    "inspect": ("dialog.commands.inspect", "Serve the bot with the inspector and reload; print its URL."),
    "test": ("dialog.commands.test", "Run end-to-end story tests."),
    "test-nlu": ("dialog.commands.test_nlu", "Evaluate the NLU with a held-out split or cross-validation."),
}


class LazyGroup(click.Group):
    """Imports a subcommand's module only when that subcommand runs or shows help."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [name for name in SUBCOMMANDS if self._available(name)]

    def _available(self, name: str) -> bool:
        return importlib.util.find_spec(SUBCOMMANDS[name][0]) is not None

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in SUBCOMMANDS or not self._available(name):
            return None
        module = importlib.import_module(SUBCOMMANDS[name][0])
        return module.command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, SUBCOMMANDS[name][1]) for name in self.list_commands(ctx)]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except DialogError as error:
            click.echo(click.style("error: ", fg="red", bold=True) + error.show(), err=True)
            ctx.exit(error.exit_code)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.version_option(package_name="dialog", prog_name="dialog")
def cli(verbose: int) -> None:
    """dialog: task-oriented chatbots from YAML, with an LLM for everything else."""
    level = {0: logging.WARNING, 1: logging.INFO}.get(verbose, logging.DEBUG)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: click's ``main`` is the one place errors become exit codes."""
    cli.main(args=argv, prog_name="dialog")


if __name__ == "__main__":  # pragma: no cover
    main(sys.argv[1:])
