"""``dialog test-nlu DOMAIN``: score the NLU on examples it did not train on.

A stratified held-out split (``--test-fraction``) or stratified K-fold
cross-validation (``--cross-validation K``) of the domain's nlu.yml. Prints
per-intent and per-entity precision/recall/F1 and the most confident mistakes, and
writes ``report.json``, ``confusion_matrix.png`` and ``confidence_histogram.png``
into ``--out`` (default ``<domain>/.dialog/nlu_report``).

Every fold trains a fresh pipeline from config.yml on its training part only; the
regex, lookup and synonym tables of nlu.yml are used whole (they are rules, not
learnt from examples).
"""

from __future__ import annotations

import json
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import click

from dialog.config import load_bot
from dialog.config.models import BotConfig
from dialog.errors import DialogError
from dialog.nlu.spacy_import import import_spacy_without_torch
from dialog.types import TrainingExample

__all__ = ["command", "make_trainer"]


def make_trainer(config: BotConfig) -> Any:
    """``train(examples) -> NLUPipeline`` with the bot's own pipeline settings."""
    from dialog.nlu.pipeline import NLUPipeline
    from dialog.nlu.training import component_context

    context = component_context(config)

    def train(examples: list[TrainingExample]) -> NLUPipeline:
        pipeline = NLUPipeline.from_settings(config.settings, context)
        pipeline.train(replace(config.nlu, examples=tuple(examples)))
        return pipeline

    return train


def _threshold(config: BotConfig) -> float | None:
    for spec in config.settings.pipeline:
        if spec.name == "sklearn_intent" and "threshold" in spec.options:
            return float(spec.options["threshold"])
    return None


@click.command("test-nlu")
@click.argument("domain", type=click.Path(path_type=Path))
@click.option("--cross-validation", "folds", type=click.IntRange(min=2), default=None, metavar="K", help="Stratified K-fold cross-validation instead of one held-out split.")
@click.option("--test-fraction", type=click.FloatRange(0.0, 1.0, min_open=True, max_open=True), default=0.2, show_default=True, help="Share of each intent's examples held out for testing.")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=None, help="Where to write report.json and the PNGs [default: DOMAIN/.dialog/nlu_report].")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the split, so runs compare.")
@click.option("--top", type=click.IntRange(min=0), default=10, show_default=True, help="How many misclassified examples to print.")
def command(domain: Path, folds: int | None, test_fraction: float, out_dir: Path | None, seed: int, top: int) -> None:
    """Evaluate the NLU of the bot in DOMAIN on held-out examples.

    Prints per-intent and entity precision, recall and F1 (an entity counts only
    with the exact span and type) and the misclassified examples; writes
    report.json, confusion_matrix.png and confidence_histogram.png.
    """
    from dialog.testing.nlu_eval import cross_validate, format_report, held_out, scores
    from dialog.testing.nlu_plots import confidence_histogram, confusion_matrix

    config = load_bot(domain)
    import_spacy_without_torch(config)
    examples = list(config.nlu.examples)
    if len({example.intent for example in examples}) < 2:
        raise DialogError(f"{domain}: test-nlu needs examples of at least two intents")
    started = time.perf_counter()
    train = make_trainer(config)
    if folds:
        click.echo(f"cross-validating {len(examples)} examples in {folds} folds ...", err=True)
        evaluation = cross_validate(examples, train, folds, seed, on_fold=lambda i: click.echo(f"  fold {i + 1}/{folds} done", err=True))
    else:
        evaluation = held_out(examples, train, test_fraction, seed)
        setup = evaluation.setup
        click.echo(f"trained on {setup['train_examples']} examples, testing {setup['test_examples']} held out", err=True)
    report = scores(evaluation)
    report["setup"].update(domain=str(domain), seconds=round(time.perf_counter() - started, 2))
    target = out_dir or config.root / ".dialog" / "nlu_report"
    target.mkdir(parents=True, exist_ok=True)
    (target / "report.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    confusion_matrix(report, target / "confusion_matrix.png")
    confidence_histogram(report, target / "confidence_histogram.png", threshold=_threshold(config))
    click.echo(format_report(report, top=top))
    click.echo("")
    click.echo(f"wrote {target / 'report.json'}, confusion_matrix.png and confidence_histogram.png ({report['setup']['seconds']:.1f}s)")
