"""``dialog validate DOMAIN``: check every YAML file of a bot and print every problem.

Problems go to stderr, one per line as ``file:line:col: message``, and the exit code
is 2 (``cli`` turns the ``ConfigError`` into it). Beyond what loading checks (every
regex of a ``matching`` test compiles, every condition and template parses), each
Python action is imported and its function looked up. Warnings print as ``warning: ...``.
On success one summary line goes to stdout.
"""

from __future__ import annotations

from pathlib import Path

import click

from dialog.config import load_bot
from dialog.config.models import BotConfig
from dialog.errors import ConfigError
from dialog.flows.action_checks import check_action_imports
from dialog.knowledge.documents import Documents, read_documents

__all__ = ["command", "summary"]


def summary(config: BotConfig, domain_dir: str) -> str:
    """``domains/x: 17 intents, 512 examples, 4 entities, 12 slots, 10 flows, 45 responses``."""
    counts = (
        (len(config.domain.intents), "intent", "intents"),
        (len(config.nlu.examples), "example", "examples"),
        (len(config.domain.entities), "entity", "entities"),
        (len(config.domain.slots), "slot", "slots"),
        (len(config.flows), "flow", "flows"),
        (len(config.domain.responses), "response", "responses"),
    )
    parts = ", ".join(f"{count} {one if count == 1 else many}" for count, one, many in counts)
    return f"{domain_dir}: {parts}"


@click.command("validate")
@click.argument("domain", type=click.Path(path_type=Path))
@click.option("--quiet", "-q", is_flag=True, help="Do not print warnings.")
def command(domain: Path, quiet: bool) -> None:
    """Check the bot in DOMAIN (domain.yml, nlu.yml, flows.yml, config.yml, knowledge/).

    Prints every problem as file:line:col and exits 2 when there is one;
    otherwise prints a one-line summary and exits 0.
    """
    config = load_bot(domain)
    problems, action_warnings = check_action_imports(config)
    if problems:
        raise ConfigError(problems)
    documents = read_documents(config.root)
    if documents.errors:
        raise ConfigError(documents.errors)
    if not quiet:
        for warning in (*config.warnings, *map(str, action_warnings), *documents.skipped):
            click.echo(f"warning: {warning}", err=True)
    click.echo(summary(config, str(domain)) + _documents_summary(documents))


def _documents_summary(documents: Documents) -> str:
    """``, 11 documents (52 chunks)``; nothing for a bot without documents."""
    files = len({chunk.file for chunk in documents.chunks})
    if not documents.chunks:
        return ""
    return f", {files} document{'' if files == 1 else 's'} ({len(documents.chunks)} chunks)"
