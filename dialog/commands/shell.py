"""``dialog shell DOMAIN``: chat with a bot in the terminal (or through a pipe).

Trains the NLU first when the model is missing or stale (progress on stderr).
With a terminal: a prompt with history (``.dialog/shell_history``), numbered
buttons, LLM tokens as they come. Without one (piped stdin, CI's ``</dev/null``):
every input line is a user message, every reply a line on stdout, exit 0 at
end of input, so conversations can be scripted and diffed.
"""

from __future__ import annotations

import asyncio
import sys
import uuid
from pathlib import Path
from typing import IO, Iterator

import click

from dialog.config import load_bot
from dialog.config.models import BotConfig
from dialog.nlu.spacy_import import import_spacy_without_torch

__all__ = ["command"]


def _lines(stream: IO[str]) -> Iterator[str]:
    for line in stream:
        yield line.rstrip("\n")


def _is_terminal() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


async def _chat(config: BotConfig, sender: str, debug: bool, llm: bool, interactive: bool) -> int:
    from dialog.bot import Bot
    from dialog.channels.console import ConsoleInputChannel

    def progress(message: str) -> None:
        click.echo(message, err=True)

    bot = Bot.from_config(config, llm=llm)
    try:
        await bot.start(progress=progress)
        channel = ConsoleInputChannel(
            sender,
            click.echo,
            write_partial=(lambda piece: click.echo(piece, nl=False)) if interactive else None,
            write_debug=lambda line: click.echo(line, err=True),
            debug=debug,
            prefix="bot> " if interactive else "",
        )
        if interactive:
            click.echo(f"Chatting with {config.name} as '{sender}'. Type /restart to start over, /exit to leave.")
            history = config.root / ".dialog" / "shell_history"
            history.parent.mkdir(parents=True, exist_ok=True)
            return await channel.run_interactive(bot, history)
        return await channel.run_lines(bot, _lines(sys.stdin))
    finally:
        await bot.close()


@click.command("shell")
@click.argument("domain", type=click.Path(path_type=Path))
@click.option("--debug", is_flag=True, help="Show each turn's intent, entities, slot changes and flow stack (stderr).")
@click.option("--sender", default=None, help="Conversation id; reuse one to continue a stored conversation. Default: a new id.")
@click.option("--llm/--no-llm", default=True, show_default=True, help="Use the LLM fallback (--no-llm answers utter_default).")
def command(domain: Path, debug: bool, sender: str | None, llm: bool) -> None:
    """Chat with the bot in DOMAIN; trains first if the model is missing or stale.

    Buttons are listed as numbered choices (type the number). /restart starts over,
    /exit leaves. With piped input, each line is a message and each reply a line.
    """
    config = load_bot(domain)
    import_spacy_without_torch(config)
    for warning in config.warnings:
        click.echo(f"warning: {warning}", err=True)
    sender = sender or f"shell-{uuid.uuid4().hex[:8]}"
    asyncio.run(_chat(config, sender, debug, llm, _is_terminal()))
