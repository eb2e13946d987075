"""``dialog train DOMAIN``: train the NLU model unless nothing changed since the last run.

It also indexes the knowledge documents, and keeps a tuned LLM adapter current: a bot
whose author ran ``dialog tune`` is re-tuned when its replies or prompt changed,
skipped otherwise; a bot without an adapter is not tuned (``dialog.llm.tuning.tune``).

Progress for each step goes to stderr with the elapsed time; the result line (where
the model is, how long it took, or that training was skipped) goes to stdout.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Callable

import click

from dialog.config import load_bot
from dialog.config.models import BotConfig
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
    _index_knowledge(config, force)
    _retune_adapter(config)


def _index_knowledge(config: BotConfig, force: bool) -> None:
    """Index knowledge/ (or docs/) next to the model, unless no document changed."""
    from dialog.knowledge.documents import document_files
    from dialog.knowledge.encoder import knowledge_encoder
    from dialog.knowledge.index import ensure_index

    if not document_files(config.root):
        return
    started = time.perf_counter()
    result = ensure_index(config, knowledge_encoder(config), force=force)
    if result.skipped:
        click.echo(f"No document changed; the knowledge index is {result.index.path}")
        return
    for problem in result.documents.errors if result.documents else ():
        click.echo(f"warning: {problem} (left out)", err=True)
    files = len({chunk.file for chunk in result.index.chunks})
    click.echo(
        f"Indexed {len(result.index)} chunks of {files} documents in {time.perf_counter() - started:.1f}s: {result.index.path}"
    )


def _retune_adapter(config: BotConfig) -> None:
    """Re-tune the LLM adapter if there is one and its data changed (``--force`` does not apply: minutes)."""
    from dialog.errors import LLMError
    from dialog.llm.tuning.tune import retune_if_stale
    from dialog.testing.stories import load_cases

    report = progress_printer()
    try:
        result = retune_if_stale(config, lambda done, total, loss: report(f"tuning step {done}/{total} (loss {loss:.3f})"), load_cases)
    except LLMError as exc:
        click.echo(f"warning: the LLM adapter is out of date and could not be re-tuned: {exc}", err=True)
        return
    if result is None:
        return
    if result.skipped:
        click.echo(f"The replies did not change; the LLM adapter is {result.folder}")
    else:
        click.echo(f"Re-tuned the LLM adapter on {result.examples} replies in {result.summary['seconds']:.1f}s: {result.folder}")
