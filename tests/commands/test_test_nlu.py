"""``dialog test-nlu`` on a small bot: scores printed, report.json and both PNGs written."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from dialog.cli import cli

WORDS = {
    "check_order": ["where is order [{n}](order_id)", "track my package {n}", "status of order [{n}](order_id) please", "has [{n}](order_id) shipped"],
    "greet": ["hello there {w}", "hi {w}", "good morning {w}", "hey {w}"],
    "payment_methods": ["can I pay with {w}", "do you take {w}", "is {w} accepted", "payment by {w}"],
}
FILLERS = ["card", "paypal", "cash", "friend", "team", "buddy"]


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("nlu") / "shop"
    root.mkdir()
    lines = ['version: "3.1"', "nlu:"]
    for intent, templates in WORDS.items():
        lines += [f"  - intent: {intent}", "    examples: |"]
        for i, filler in enumerate(FILLERS):
            for template in templates:
                lines.append("      - " + template.format(n=100000 + 7 * i + len(template), w=filler))
    lines += ["  - regex: order_id", "    examples: |", "      - \\b\\d{6}\\b"]
    (root / "nlu.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (root / "domain.yml").write_text(
        'version: "3.1"\nintents: [check_order, greet, payment_methods]\nentities: [order_id]\nresponses:\n  utter_greet:\n    - text: Hi\n',
        encoding="utf-8",
    )
    (root / "config.yml").write_text(
        "language: en\npipeline:\n  - name: spacy_tokenizer\n  - name: regex_entities\n  - name: sklearn_intent\n    threshold: 0.3\n",
        encoding="utf-8",
    )
    (root / "flows.yml").write_text("flows: {}\n", encoding="utf-8")
    return root


def test_help() -> None:
    result = CliRunner().invoke(cli, ["test-nlu", "--help"])
    assert result.exit_code == 0
    for option in ("--cross-validation", "--test-fraction", "--out"):
        assert option in result.output


def test_held_out_split_writes_the_report_and_pictures(bot: Path, tmp_path: Path) -> None:
    out = tmp_path / "report"
    result = CliRunner().invoke(cli, ["test-nlu", str(bot), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert re.search(r"^intent +precision +recall +f1 +support$", result.stdout, re.MULTILINE)
    assert re.search(r"^greet +\d\.\d{3} +\d\.\d{3} +\d\.\d{3} +5$", result.stdout, re.MULTILINE)
    assert "intent accuracy: " in result.stdout
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["setup"]["mode"] == "held_out"
    assert report["setup"]["test_examples"] == 15  # 20% of 24 examples of each of 3 intents, rounded
    assert set(report["intent"]["per_intent"]) == {"check_order", "greet", "payment_methods"}
    assert report["entity"]["per_entity"]["order_id"]["support"] > 0
    assert isinstance(report["misclassified"], list)
    for name in ("confusion_matrix.png", "confidence_histogram.png"):
        assert (out / name).read_bytes()[:4] == b"\x89PNG"


def test_cross_validation_predicts_every_example_once(bot: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["test-nlu", str(bot), "--cross-validation", "3", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert report["setup"]["mode"] == "cross_validation"
    assert report["setup"]["folds"] == 3
    assert len(report["confidences"]) == 72
    assert sum(s["support"] for s in report["intent"]["per_intent"].values()) == 72


def test_bad_options_and_folders_are_usage_errors(bot: Path, tmp_path: Path) -> None:
    assert CliRunner().invoke(cli, ["test-nlu", str(bot), "--cross-validation", "1"]).exit_code == 2
    assert CliRunner().invoke(cli, ["test-nlu", str(bot), "--test-fraction", "1.5"]).exit_code == 2
    result = CliRunner().invoke(cli, ["test-nlu", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert "bot folder does not exist" in result.output


def _setup_free(report: dict) -> dict:
    """``report.json`` without what changes from run to run (time, output folder)."""
    return {**report, "setup": {k: v for k, v in report["setup"].items() if k not in ("seconds", "domain")}}


def test_seed_makes_the_split_reproducible(bot: Path, tmp_path: Path) -> None:
    reports = []
    for run in ("a", "b"):
        result = CliRunner().invoke(cli, ["test-nlu", str(bot), "--seed", "7", "--out", str(tmp_path / run)])
        assert result.exit_code == 0, result.output
        reports.append(json.loads((tmp_path / run / "report.json").read_text(encoding="utf-8")))
    assert reports[0]["setup"]["seed"] == 7
    assert _setup_free(reports[0]) == _setup_free(reports[1])


@pytest.fixture(scope="module")
def confusable(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two intents with the same examples: about half of the held-out ones are misclassified."""
    root = tmp_path_factory.mktemp("nlu") / "twins"
    root.mkdir()
    lines = ['version: "3.1"', "nlu:"]
    for intent in ("greet", "hello"):
        lines += [f"  - intent: {intent}", "    examples: |"] + [f"      - hi there {filler} {i}" for i in range(5) for filler in FILLERS]
    (root / "nlu.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (root / "domain.yml").write_text('version: "3.1"\nintents: [greet, hello]\n', encoding="utf-8")
    (root / "config.yml").write_text("language: en\npipeline:\n  - name: spacy_tokenizer\n  - name: sklearn_intent\n", encoding="utf-8")
    (root / "flows.yml").write_text("flows: {}\n", encoding="utf-8")
    return root


@pytest.mark.parametrize("top", [0, 2])
def test_top_limits_the_misclassified_examples_printed(confusable: Path, tmp_path: Path, top: int) -> None:
    result = CliRunner().invoke(cli, ["test-nlu", str(confusable), "--top", str(top), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    wrong = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))["misclassified"]
    assert len(wrong) > 2
    lines = result.stdout.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("misclassified: "))
    assert lines[header] == f"misclassified: {len(wrong)} (most confident first, top {top})"
    shown = [line for line in lines[header + 1 :] if re.match(r"^  \d\.\d\d  (greet|hello) -> ", line)]
    assert len(shown) == top
