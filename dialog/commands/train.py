"""``dialog train DOMAIN``: train the NLU model unless nothing changed since the last run.

Progress for each step goes to stderr with the elapsed time; the result line (where
the model is, how long it took, or that training was skipped) goes to stdout.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Callable

import click

from dialog.config import load_bot
from dialog.nlu.spacy_import import import_spacy_without_torch
from dialog.nlu.training import train_model

__all__ = ["command", "progress_printer"]


def progress_printer() -> Callable[[str], None]:
    """A progress callback that echoes ``[  1.2s] step`` to stderr."""
    started = time.perf_counter()

    def report(step: str) -> None:
        click.echo(f"[{time.perf_counter() - started:6.1f}s] {step}", err=True)

    return report


@click.command("train")
@click.argument("domain", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Retrain even when the data and config did not change.")
def command(domain: Path, force: bool) -> None:
    """Train the NLU model of the bot in DOMAIN.

    The model goes to DOMAIN/.dialog/models/<hash>/, where the hash covers the NLU
    data and the pipeline config; when that model already exists, training is
    skipped (use --force to retrain).
    """
    config = load_bot(domain)
    import_spacy_without_torch(config)
    result = train_model(config, force=force, progress=progress_printer())
    if result.skipped:
        click.echo(f"Nothing changed since the last training; the model is {result.path}")
    else:
        click.echo(f"Trained the NLU model in {result.seconds:.1f}s: {result.path}")
