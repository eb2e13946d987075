"""``dialog serve DOMAIN``: the bot's HTTP server (Rasa-compatible REST API) on uvicorn.

The NLU model is trained first when it is missing or stale (once, before any worker
starts). The app then loads the model at startup and starts the LLM loading in
the background, so the first answers do not wait for it. With ``--workers N`` each
worker is its own process building the app from ``worker_app`` (the settings travel
in environment variables); they share the tracker store, whose per-sender locks
hold across processes (SQLite file locks, PostgreSQL advisory locks, Redis locks),
and their metrics, through a fresh prometheus-client multiprocess folder per start.
"""

from __future__ import annotations

import dataclasses
import logging
import os
from pathlib import Path
from typing import Any

import click

from dialog.config import load_bot
from dialog.config.models import BotConfig
from dialog.errors import ConfigError
from dialog.nlu.spacy_import import import_spacy_without_torch

__all__ = ["command", "worker_app"]

logger = logging.getLogger(__name__)

# How a worker process learns what its parent was asked to serve.
_ENV_DOMAIN = "DIALOG_SERVE_DOMAIN"
_ENV_STORE = "DIALOG_SERVE_TRACKER_STORE"
_ENV_LLM = "DIALOG_SERVE_LLM"
_ENV_TOKEN = "DIALOG_AUTH_TOKEN"


def _with_store(config: BotConfig, tracker_store: str | None) -> BotConfig:
    if not tracker_store:
        return config
    return dataclasses.replace(config, settings=dataclasses.replace(config.settings, tracker_store=tracker_store))


def build_app(config: BotConfig, auth_token: str | None, llm: bool) -> Any:
    """The ASGI app for one process; nothing loads until its startup."""
    from dialog.bot import Bot
    from dialog.channels.webhook import create_app

    return create_app(Bot.from_config(config, llm=llm), auth_token=auth_token or None)


def worker_app() -> Any:
    """uvicorn's app factory in each ``--workers`` process (reads its parent's settings)."""
    config = _with_store(load_bot(os.environ[_ENV_DOMAIN]), os.environ.get(_ENV_STORE))
    import_spacy_without_torch(config)
    return build_app(config, os.environ.get(_ENV_TOKEN), os.environ.get(_ENV_LLM, "1") == "1")


def _train_if_stale(config: BotConfig) -> None:
    from dialog.commands.train import progress_printer
    from dialog.nlu.training import train_model

    result = train_model(config, progress=progress_printer())
    if not result.skipped:
        click.echo(f"trained {result.path} in {result.seconds:.1f}s", err=True)


@click.command("serve")
@click.argument("domain", type=click.Path(path_type=Path))
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=5005, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on.")
@click.option("--auth-token", envvar=_ENV_TOKEN, default=None,
              help=f"Require this token on every endpoint but /health (or set {_ENV_TOKEN}).")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64), help="Server processes.")
@click.option("--tracker-store", default=None, help="Conversation store URL; overrides config.yml's tracker_store.")
@click.option("--llm/--no-llm", default=True, show_default=True, help="Use the LLM fallback (--no-llm answers utter_default).")
@click.option("--access-log/--no-access-log", default=False, show_default=True, help="Log every request.")
def command(
    domain: Path, host: str, port: int, auth_token: str | None, workers: int,
    tracker_store: str | None, llm: bool, access_log: bool,
) -> None:
    """Serve the bot in DOMAIN over HTTP (Rasa's REST webhook and API).

    Trains first when the model is missing or stale. Endpoints: POST
    /webhooks/rest/webhook, /webhooks/callback/webhook, /webhooks/rest/stream,
    /model/parse, /conversations/{id}/trigger_intent; GET
    /conversations/{id}/tracker, /health, /status, /metrics.
    """
    import uvicorn

    config = _with_store(load_bot(domain), tracker_store)
    for warning in config.warnings:
        click.echo(f"warning: {warning}", err=True)
    store_url = config.settings.tracker_store
    if workers > 1 and store_url.startswith("memory:"):
        raise ConfigError(f"--workers {workers} needs a shared tracker_store; memory:// lives in one process")
    import_spacy_without_torch(config)
    _train_if_stale(config)
    from dialog.channels.rest import mask_password

    click.echo(
        f"dialog: serving '{config.name}' on http://{host}:{port} "
        f"(store {mask_password(store_url)}, auth {'on' if auth_token else 'off'}, {workers} worker{'s' if workers > 1 else ''})",
        err=True,
    )
    options: dict[str, Any] = {
        "host": host, "port": port, "access_log": access_log, "log_level": "info",
        "timeout_graceful_shutdown": 10, "lifespan": "on",
    }
    if workers == 1:
        uvicorn.run(build_app(config, auth_token, llm), **options)
        return
    os.environ[_ENV_DOMAIN] = str(Path(domain).resolve())
    os.environ[_ENV_LLM] = "1" if llm else "0"
    if tracker_store:
        os.environ[_ENV_STORE] = tracker_store
    if auth_token:
        os.environ[_ENV_TOKEN] = auth_token
    from dialog.metrics import shared_across_processes

    with shared_across_processes():  # /metrics of any worker shows every worker's counts
        uvicorn.run("dialog.commands.serve:worker_app", factory=True, workers=workers, **options)
