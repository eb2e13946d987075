"""NLU benchmark: train dialog's real pipeline on four public datasets, score the test splits.

    python -m bench.nlu                  # all datasets, writes the "nlu" section of bench/RESULTS.md
    python -m bench.nlu --quick          # ~1 minute smoke run on subsamples, prints only
    python -m bench.nlu --no-embeddings  # the default pipeline without sentence_embeddings

Each dataset runs in its own subprocess (``--worker``) so peak RSS is per dataset. The
worker trains ``NLUPipeline.from_settings(...).train(...)`` (what ``dialog train`` runs),
saves it, loads it back from disk and parses every test utterance one at a time with
``parse`` (the latency measured, and how many parses ran the sentence encoder). CLINC150's out-of-scope threshold is chosen on its
valid split only; the other datasets never look at their test split before scoring.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import resource
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Sequence

from bench.nlu_data import DATASETS, Split, load_split, subsample
from bench.nlu_metrics import choose_oos_threshold, entity_scores, expected_calibration_error, intent_scores, oos_scores
from bench.nlu_report import render

__all__ = ["main", "run_dataset"]

logger = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = REPO.parent / "shared" / "datasets"
QUICK_PER_INTENT = {"banking77": 6, "clinc150": 4, "hwu64": 6, "snips": 40}
QUICK_TEST = 120


def _pipeline(without_embeddings: bool, spec_json: str | None) -> list[dict[str, Any]]:
    from dialog.config.defaults import DEFAULT_PIPELINE

    pipeline = json.loads(spec_json) if spec_json else [dict(entry) for entry in DEFAULT_PIPELINE]
    if without_embeddings:
        pipeline = [entry for entry in pipeline if entry["name"] != "sentence_embeddings"]
    return pipeline


def _encoder_share(results: Sequence[Any]) -> float | None:
    """The percentage of parses that ran the sentence encoder (None without one)."""
    from dialog.nlu.intent_features import EMBEDDING_KEY

    vectors = [result.features.get(EMBEDDING_KEY) for result in results]
    if not results or any(vector is None for vector in vectors):
        return None
    return 100 * sum(not callable(vector) or vector.computed for vector in vectors) / len(vectors)


def _parse_all(pipeline: Any, texts: Sequence[str]) -> tuple[list[Any], list[float]]:
    results, seconds = [], []
    for text in texts:
        started = time.perf_counter()
        results.append(pipeline.parse(text))
        seconds.append(time.perf_counter() - started)
    return results, seconds


def _percentile(values: Sequence[float], q: float) -> float:
    import numpy as np

    return float(np.percentile(values, q)) if values else 0.0


def _cpu_seconds() -> float:
    """CPU time of this process (all threads) and its finished children (the CRF worker)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def _folder_bytes(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def run_dataset(
    dataset: str, data_dir: Path, pipeline_spec: list[dict[str, Any]], quick: bool, in_scope_only: bool = False
) -> dict[str, Any]:
    """Train, save, load, parse; every number of one dataset's row. ``in_scope_only``: train
    without the out-of-scope examples, as a real bot has none (scored the same way)."""
    from dialog.config.models import ComponentSpec, Settings
    from dialog.nlu.component import ComponentContext
    from dialog.nlu.pipeline import NLUPipeline

    train, test = load_split(data_dir, dataset, "train"), load_split(data_dir, dataset, "test")
    valid = load_split(data_dir, dataset, "valid")
    if train is None or test is None:
        raise SystemExit(f"{data_dir / dataset} has no train.jsonl/test.jsonl (see --data-dir)")
    if in_scope_only:
        train = Split(tuple(example for example in train.examples if example.intent != "out_of_scope"))
    if quick:
        train = subsample(train, QUICK_PER_INTENT.get(dataset, 6))
        test = subsample(test, max(1, QUICK_TEST // len(test.intents)))
        valid = subsample(valid, 2) if valid else None
    context = ComponentContext(language="en", root=REPO, entities=train.entity_types, intents=train.intents)
    settings = Settings(pipeline=tuple(ComponentSpec(e["name"], {k: v for k, v in e.items() if k != "name"}) for e in pipeline_spec))

    started, cpu_started = time.perf_counter(), _cpu_seconds()
    pipeline = NLUPipeline.from_settings(settings, context)
    pipeline.train(train.as_nlu_data())
    train_seconds = time.perf_counter() - started
    train_cpu_seconds = _cpu_seconds() - cpu_started  # the wall time includes waiting for the CPU
    with tempfile.TemporaryDirectory(prefix="bench-nlu-") as folder:
        model_dir = Path(folder) / "model"
        pipeline.save(model_dir)
        size = _folder_bytes(model_dir)
        del pipeline
        started = time.perf_counter()
        loaded = NLUPipeline.load(model_dir, context)
        loaded.warm_up()  # the sentence encoder, which a bot loads in the background
        load_seconds = time.perf_counter() - started
    loaded.parse("warm up")
    parsed, seconds = _parse_all(loaded, [example.text for example in test.examples])

    row: dict[str, Any] = {
        "dataset": dataset,
        "train_examples": len(train.examples),
        "test_examples": len(test.examples),
        "intents": len(train.intents),
        "train_seconds": train_seconds,
        "train_cpu_seconds": train_cpu_seconds,
        "load_seconds": load_seconds,
        "model_bytes": size,
        "p50_ms": 1000 * _percentile(seconds, 50),
        "p99_ms": 1000 * _percentile(seconds, 99),
        "encoder_share": _encoder_share(parsed),
        **intent_scores(test.examples, parsed),
        "ece": expected_calibration_error(test.examples, parsed),
        "in_scope_only": in_scope_only,
    }
    if valid is not None and any(example.intent == "out_of_scope" for example in valid.examples):
        valid_parsed, _ = _parse_all(loaded, [example.text for example in valid.examples])
        choice = choose_oos_threshold(valid.examples, valid_parsed)
        row["oos_threshold"] = choice.threshold
        row["valid_in_scope_accuracy"] = choice.in_scope_accuracy
        row["valid_oos_recall"] = choice.oos_recall
        row.update(oos_scores(test.examples, parsed, choice.threshold))
        row["in_scope_accuracy_no_threshold"] = oos_scores(test.examples, parsed, 0.0)["in_scope_accuracy"]
    if test.has_entities:
        row["entities"] = entity_scores(test.examples, parsed)
    row["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return row


def _run_worker(args: argparse.Namespace, dataset: str, spec: list[dict[str, Any]]) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile("r", suffix=".json", prefix="bench-nlu-") as out:
        command = [
            sys.executable, "-m", "bench.nlu", "--worker", dataset, "--worker-out", out.name,
            "--data-dir", str(args.data_dir), "--pipeline", json.dumps(spec),
        ] + (["--quick"] if args.quick else []) + (["--in-scope-only"] if args.in_scope_only else [])
        completed = subprocess.run(command, cwd=REPO, check=False)
        if completed.returncode != 0:
            raise SystemExit(f"benchmark of {dataset} failed (exit {completed.returncode})")
        return json.loads(Path(out.name).read_text(encoding="utf-8"))


def _load_average() -> str:
    try:
        return " / ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "unknown"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.nlu", description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument("--datasets", nargs="+", choices=DATASETS, default=list(DATASETS))
    parser.add_argument("--quick", action="store_true", help="subsample for a one-minute smoke run")
    parser.add_argument("--no-embeddings", action="store_true", help="drop sentence_embeddings from the pipeline")
    parser.add_argument("--in-scope-only", action="store_true", help="train without out-of-scope examples (CLINC150)")
    parser.add_argument("--pipeline", help="the pipeline as a JSON list of {name, options...} (default: DEFAULT_PIPELINE)")
    parser.add_argument("--results", type=Path, help="write the nlu section here (default: bench/RESULTS.md unless --quick)")
    parser.add_argument("--json", type=Path, help="also write the raw numbers as JSON")
    parser.add_argument(
        "--render", type=Path, nargs="+", metavar="JSON",
        help="no run: write the section from earlier --json files (the first is the headline, e.g. the default pipeline)",
    )
    parser.add_argument("--worker", choices=DATASETS, help=argparse.SUPPRESS)
    parser.add_argument("--worker-out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    spec = _pipeline(args.no_embeddings, args.pipeline)
    if args.worker:
        row = run_dataset(args.worker, args.data_dir, spec, args.quick, args.in_scope_only)
        args.worker_out.write_text(json.dumps(row), encoding="utf-8")
        return 0

    if args.render:
        runs = [json.loads(path.read_text(encoding="utf-8")) for path in args.render]
        _write(render(runs), args.results or Path(__file__).with_name("RESULTS.md"))
        return 0

    load_before = _load_average()
    rows = []
    for dataset in args.datasets:
        row = _run_worker(args, dataset, spec)
        rows.append(row)
        print(json.dumps(row), flush=True)
    command = "python -m bench.nlu " + " ".join(shlex.quote(a) for a in (argv if argv is not None else sys.argv[1:]))
    run = {
        "command": command.strip(),
        "pipeline": spec,
        "rows": rows,
        "load_before": load_before,
        "load_after": _load_average(),
        "quick": args.quick,
    }
    markdown = render([run])
    print(markdown)
    if args.json:
        args.json.write_text(json.dumps(run, indent=2), encoding="utf-8")
    target = args.results if args.results else (None if args.quick else Path(__file__).with_name("RESULTS.md"))
    if target is not None:
        _write(markdown, target)
    return 0


def _write(markdown: str, target: Path) -> None:
    from bench._results import write_section

    write_section("nlu", markdown, target)


if __name__ == "__main__":
    sys.exit(main())
