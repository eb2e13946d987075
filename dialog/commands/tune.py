"""``dialog tune DOMAIN``: fine-tune the LLM fallback on the bot's own replies (LoRA).

The adapter goes to DOMAIN/.dialog/models/llm-adapter/; the bot merges it into the
model's weights when it loads, so replies are as fast as without it. Nothing
changed since the last run: skipped (``--force`` retrains).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from dialog.config import load_bot
from dialog.errors import LLMError

__all__ = ["command"]


@click.command("tune")
@click.argument("domain", type=click.Path(path_type=Path))
@click.option("--epochs", default=3, show_default=True, type=click.IntRange(1, 50))
@click.option("--rank", default=8, show_default=True, type=click.IntRange(1, 256), help="LoRA rank.")
@click.option("--learning-rate", default=1e-3, show_default=True, type=click.FloatRange(0, 1, min_open=True))
@click.option("--batch-size", default=4, show_default=True, type=click.IntRange(1, 64), help="Replies per training step.")
@click.option("--seed", default=0, show_default=True, type=int)
@click.option("--max-minutes", default=10.0, show_default=True, type=click.FloatRange(0, min_open=True), help="Stop training after this long.")
@click.option("--stories", multiple=True, type=click.Path(exists=True, path_type=Path), help="Story files or folders to learn replies from too.")
@click.option("--force", is_flag=True, help="Retrain even when the data and settings did not change.")
def command(domain: Path, epochs: int, rank: int, learning_rate: float, batch_size: int, seed: int, max_minutes: float, stories: tuple[Path, ...], force: bool) -> None:
    """Fine-tune the fallback model of the bot in DOMAIN on its replies."""
    from dialog.llm.tuning.trainer import TuneSettings
    from dialog.llm.tuning.tune import tune_domain

    config = load_bot(domain)
    cases: list[Any] = []
    if stories:
        from dialog.testing.stories import load_cases

        cases = load_cases(stories)
    settings = TuneSettings(
        epochs=epochs, rank=rank, alpha=2 * rank, learning_rate=learning_rate, seed=seed, max_minutes=max_minutes, batch_size=batch_size
    )
    with click.progressbar(length=1, label="tuning", file=sys.stderr) as bar:

        def progress(done: int, total: int, loss: float) -> None:
            bar.length = total
            bar.label = f"tuning (loss {loss:.3f})"
            bar.update(1)

        try:
            result = tune_domain(config, settings, cases, force, progress, story_paths=stories)
        except LLMError as exc:
            raise click.ClickException(str(exc)) from exc
    if result.skipped:
        click.echo(f"Nothing changed since the last tuning; the adapter is {result.folder}")
        return
    summary = result.summary
    early = " (stopped at the time limit)" if summary.get("stopped_early") else ""
    click.echo(f"Tuned on {result.examples} replies in {summary['seconds']:.1f}s{early}, loss {summary['train_loss']:.3f}: {result.folder}")
