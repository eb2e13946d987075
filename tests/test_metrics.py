"""Metrics: what /metrics shows, the counting API for other code, and totals across processes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from dialog import metrics as metrics_module
from dialog.metrics import MULTIPROC_ENV, Metrics, activate, active, count_knowledge_answer, count_pattern, shared_across_processes

ROOT = Path(__file__).resolve().parents[1]


def test_every_metric_is_rendered_with_its_labels() -> None:
    metrics = Metrics()
    metrics.observe_turn("rest", 0.003, fallback=False)
    metrics.observe_turn("rest", 0.2, fallback=True)
    metrics.observe_turn("trigger_intent", 0.001, fallback=False)
    metrics.count_error(404)
    text = metrics.render()
    assert 'dialog_turns_total{channel="rest"} 2.0' in text
    assert 'dialog_turns_total{channel="trigger_intent"} 1.0' in text
    assert 'dialog_turn_latency_seconds_bucket{le="0.005"} 2.0' in text
    assert 'dialog_turn_latency_seconds_bucket{le="+Inf"} 3.0' in text
    assert "dialog_turn_latency_seconds_count 3.0" in text
    assert "dialog_llm_fallbacks_total 1.0" in text
    assert 'dialog_http_errors_total{status="404"} 1.0' in text
    assert "# TYPE dialog_process_start_time_seconds gauge" in text


def test_patterns_and_knowledge_answers_count_on_the_active_server(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(metrics_module, "_active", None)
    server = Metrics()
    activate(server)
    count_pattern("cancel")
    count_pattern("cancel")
    count_pattern("digression")
    count_knowledge_answer("bm25", "answered")
    count_knowledge_answer("bm25", "not_found")
    text = server.render()
    assert 'dialog_repair_patterns_total{pattern="cancel"} 2.0' in text
    assert 'dialog_repair_patterns_total{pattern="digression"} 1.0' in text
    assert 'dialog_knowledge_answers_total{mode="bm25",outcome="answered"} 1.0' in text
    assert 'dialog_knowledge_answers_total{mode="bm25",outcome="not_found"} 1.0' in text


def test_counting_without_a_server_is_kept_in_a_process_wide_instance(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(metrics_module, "_active", None)
    count_pattern("clarify")
    assert active() is active()
    assert 'dialog_repair_patterns_total{pattern="clarify"} 1.0' in active().render()


def test_the_shared_folder_is_fresh_set_for_the_block_and_removed_after(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(MULTIPROC_ENV, raising=False)
    with shared_across_processes() as folder:
        assert os.environ[MULTIPROC_ENV] == str(folder) and folder.is_dir() and not list(folder.iterdir())
    assert MULTIPROC_ENV not in os.environ and not folder.exists()


_WORKER = """
import sys
from dialog.metrics import Metrics, count_pattern, activate, release_process
metrics = Metrics()
activate(metrics)
for _ in range(int(sys.argv[1])):
    metrics.observe_turn("rest", 0.01, fallback=False)
count_pattern("cancel")
release_process()
if len(sys.argv) > 2:
    print(metrics.render())
"""


def test_totals_add_up_across_processes(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), MULTIPROC_ENV: str(tmp_path)}

    def worker(turns: int, render: bool = False) -> str:
        done = subprocess.run([sys.executable, "-c", _WORKER, str(turns), *(["render"] if render else [])],
                              capture_output=True, text=True, env=env, timeout=120, check=False)
        assert done.returncode == 0, done.stderr
        return done.stdout

    worker(7)
    worker(6)
    text = worker(7, render=True)
    assert 'dialog_turns_total{channel="rest"} 20.0' in text
    assert "dialog_turn_latency_seconds_count 20.0" in text
    assert 'dialog_repair_patterns_total{pattern="cancel"} 3.0' in text
