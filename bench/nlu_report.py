"""The markdown of the NLU benchmark's section in bench/RESULTS.md."""

from __future__ import annotations

import json
import os
import platform
from pathlib import Path
from typing import Any, Sequence

__all__ = ["render"]

TRIED_PATH = Path(__file__).with_name("nlu_tried.md")
TARGETS = {
    "banking77": "acc >= 93.5",
    "clinc150": "in-scope >= 96, OOS recall >= 60",
    "hwu64": "acc >= 92.5",
    "snips": "acc >= 98.8, entity F1 >= 93",
}


def _f(value: Any, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _intent_table(rows: Sequence[dict[str, Any]]) -> list[str]:
    lines = [
        "| dataset | train / test | intent acc | macro F1 | in-scope acc | OOS recall | OOS threshold (valid) "
        "| in-scope acc, no threshold | acc, fallback = wrong | target |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for row in rows:
        lines.append(
            f"| {row['dataset']} | {row['train_examples']} / {row['test_examples']} | {_f(row['accuracy'])} "
            f"| {_f(row['macro_f1'])} | {_f(row.get('in_scope_accuracy'))} | {_f(row.get('oos_recall'))} "
            f"| {_f(row.get('oos_threshold'), 3)} | {_f(row.get('in_scope_accuracy_no_threshold'))} "
            f"| {_f(row['strict_accuracy'])} | {TARGETS.get(row['dataset'], '')} |"
        )
    return lines


def _entity_table(rows: Sequence[dict[str, Any]]) -> list[str]:
    with_entities = [row for row in rows if "entities" in row]
    if not with_entities:
        return []
    lines = ["| dataset | entity precision | entity recall | entity F1 |", "| --- | ---: | ---: | ---: |"]
    for row in with_entities:
        scores = row["entities"]
        lines.append(f"| {row['dataset']} | {_f(scores['precision'])} | {_f(scores['recall'])} | {_f(scores['f1'])} |")
    return lines


def _cost_table(rows: Sequence[dict[str, Any]]) -> list[str]:
    lines = [
        "| dataset | train s (wall) | train CPU s | load s | parse p50 ms | parse p99 ms | parses that ran the encoder, % "
        "| model MB | peak RSS MB |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        lines.append(
            f"| {row['dataset']} | {_f(row['train_seconds'], 1)} | {_f(row.get('train_cpu_seconds'), 1)} "
            f"| {_f(row['load_seconds'], 1)} | {_f(row['p50_ms'], 3)} "
            f"| {_f(row['p99_ms'], 3)} | {_f(row.get('encoder_share'), 1)} | {_f(row['model_bytes'] / 1e6, 1)} "
            f"| {_f(row['peak_rss_mb'], 0)} |"
        )
    return lines


def _run_tables(run: dict[str, Any]) -> list[str]:
    rows = run["rows"]
    return [
        f"Command: `{run['command']}` (from the repository root; data from `../shared/datasets`).",
        "",
        "Pipeline:",
        "",
        "```json",
        json.dumps(list(run["pipeline"])),
        "```",
        "",
        f"Load average (1/5/15 min) before {run.get('load_before', '?')}, after {run.get('load_after', '?')}.",
        "",
        *_intent_table(rows),
        "",
        *_entity_table(rows),
        "",
        *_cost_table(rows),
    ]


def render(runs: Sequence[dict[str, Any]]) -> str:
    """The section: the first run is the headline (the default pipeline), others follow."""
    quick = any(run.get("quick") for run in runs)
    parts = [
        "## NLU" + (" (quick smoke run: subsampled, numbers not comparable)" if quick else ""),
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}. Wall-clock "
        "times include waiting for a CPU when other jobs run (see the load averages); `train CPU s` is the "
        "CPU time of the process and its CRF worker (all threads).",
        "",
        "Intent accuracy is the top-ranked intent; \"acc, fallback = wrong\" also counts an `nlu_fallback` "
        "(confidence below the pipeline's threshold) as an error. CLINC150: out-of-scope = `out_of_scope` "
        "or confidence below the threshold chosen on the valid split (best OOS recall with in-scope "
        "accuracy at most 1 point under its no-threshold value; the rule was fixed before any test run); "
        "its intent acc / macro F1 count out_of_scope as a 151st class, and \"in-scope acc, no threshold\" "
        "is shown for reference only. Entities: micro P/R/F1 over exact (start, end, type) spans.",
        "",
        "Cost: training through `NLUPipeline.from_settings(...).train(...)` (what `dialog train` runs); "
        "the model is saved, loaded back from disk with its sentence encoder (load s) and every test "
        "utterance is parsed alone with `NLUPipeline.parse` (p50/p99). Peak RSS is per dataset (one subprocess each).",
        "",
        "### Default pipeline (DEFAULT_PIPELINE)",
        "",
        *_run_tables(runs[0]),
    ]
    for run in runs[1:]:
        names = " + ".join(entry["name"] for entry in run["pipeline"])
        title = "the default pipeline again" if run["pipeline"] == runs[0]["pipeline"] else names
        parts += ["", f"### Also measured: {title}", "", *_run_tables(run)]
    if TRIED_PATH.exists():
        parts += ["", TRIED_PATH.read_text(encoding="utf-8").strip()]
    return "\n".join(parts)
