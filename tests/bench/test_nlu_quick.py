"""bench.nlu --quick: the real pipeline on subsampled public datasets, end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import nlu

DATA = nlu.DEFAULT_DATA_DIR


@pytest.mark.skipif(not (DATA / "snips" / "train.jsonl").exists(), reason="benchmark datasets not present")
def test_quick_run_writes_every_measure(tmp_path: Path) -> None:
    results, raw = tmp_path / "RESULTS.md", tmp_path / "nlu.json"
    assert nlu.main(["--quick", "--datasets", "clinc150", "snips", "--results", str(results), "--json", str(raw)]) == 0
    rows = {row["dataset"]: row for row in json.loads(raw.read_text())["rows"]}
    for row in rows.values():
        assert 0 <= row["accuracy"] <= 100 and row["train_seconds"] > 0 and row["model_bytes"] > 0
        assert 0 < row["p50_ms"] <= row["p99_ms"] and row["peak_rss_mb"] > 0
    assert rows["snips"]["accuracy"] > 80  # 7 well-separated intents, even on a subsample
    assert {"in_scope_accuracy", "oos_recall", "oos_threshold", "in_scope_accuracy_no_threshold"} <= set(rows["clinc150"])
    assert rows["snips"]["entities"]["f1"] > 0
    text = results.read_text()
    assert "<!-- nlu:start -->" in text and "python -m bench.nlu --quick" in text
    assert "| snips |" in text and "peak RSS MB" in text


def test_help_lists_the_options(capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        nlu.main(["--help"])
    assert exit_info.value.code == 0
    assert "--quick" in capsys.readouterr().out
