"""``dialog parse DOMAIN TEXT``: print the NLU parse of TEXT as JSON (Rasa's /model/parse shape).

The model is trained first when it is missing or stale (progress on stderr), so
stdout holds only the JSON.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from dialog.channels.response_selector import with_response_selector
from dialog.commands.train import progress_printer
from dialog.config import load_bot
from dialog.nlu.spacy_import import import_spacy_without_torch
from dialog.nlu.training import load_model

__all__ = ["command"]


@click.command("parse")
@click.argument("domain", type=click.Path(path_type=Path))
@click.argument("text", nargs=-1, required=True)
@click.option("--no-train", is_flag=True, help="Fail instead of training when the model is missing or stale.")
def command(domain: Path, text: tuple[str, ...], no_train: bool) -> None:
    """Parse TEXT with the NLU model of the bot in DOMAIN and print the JSON.

    Several TEXT arguments are joined with spaces, so quotes are optional.
    Button payloads such as '/inform{"order_id": "123456"}' skip the NLU.
    """
    config = load_bot(domain)
    import_spacy_without_torch(config)
    pipeline = load_model(config, train_if_stale=not no_train, progress=progress_printer())
    result = pipeline.parse(" ".join(text))
    answer = with_response_selector(result, config.domain, config.nlu.intents)
    click.echo(json.dumps(answer, indent=2, ensure_ascii=False))
