"""``dialog inspect DOMAIN``: serve the bot with the inspector and the reload loop, print its URL.

The same server as ``dialog serve`` (one process), with ``--reload`` on by default:
edit a YAML file or ``actions.py`` and the inspector shows the retrained bot, or
the errors that keep the previous one serving.
"""

from __future__ import annotations

from pathlib import Path

import click

from dialog.commands.serve import run_server, server_options

__all__ = ["command"]


@click.command("inspect")
@server_options
@click.option("--reload/--no-reload", default=True, show_default=True,
              help="Watch the bot folder; validate, retrain and swap in the bot after each change.")
def command(
    domain: Path, host: str, port: int, auth_token: str | None, tracker_store: str | None,
    llm: bool, access_log: bool, reload: bool,
) -> None:
    """Serve the bot in DOMAIN with the inspector and print the URL to open.

    The inspector (/inspect) shows each turn: the parse, the engine's decisions and
    why, the flow stack, the slots, the events, latencies and the LLM prompt; it
    lists the stored conversations and exports one as a story test.
    """
    run_server(domain, host, port, auth_token, tracker_store, llm, access_log, reload=reload, url_path="/inspect")
