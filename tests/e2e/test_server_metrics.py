"""``dialog serve --workers 2`` as a real process: /metrics adds up every worker's turns.

Each request goes over its own connection so the kernel spreads them over both
workers; every read of /metrics (answered by either worker) shows all 20 turns.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from dialog.testing.services import free_port, stop_process

pytestmark = pytest.mark.e2e

MINIBOT = Path(__file__).parents[1] / "data" / "minibot"
TURNS = 20


def _total(text: str, metric: str) -> float:
    """The sum of a metric's samples over all label sets."""
    return sum(float(value) for value in re.findall(rf"^{metric}(?:\{{[^}}]*\}})? (\S+)$", text, flags=re.MULTILINE))


def test_two_workers_report_every_turn_on_metrics(tmp_path: Path) -> None:
    bot = tmp_path / "minibot"
    shutil.copytree(MINIBOT, bot)
    port = free_port()
    command = [sys.executable, "-m", "dialog", "serve", str(bot), "--port", str(port), "--workers", "2", "--no-llm",
               "--tracker-store", f"sqlite:///{tmp_path / 'conversations.db'}"]
    log_path = tmp_path / "server.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "DIALOG_AUTH_TOKEN": ""})
        try:
            url = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 180
            while True:
                assert process.poll() is None, log_path.read_text(errors="replace")[-3000:]
                assert time.monotonic() < deadline, log_path.read_text(errors="replace")[-3000:]
                try:
                    if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                time.sleep(0.1)
            for turn in range(TURNS):
                response = httpx.post(f"{url}/webhooks/rest/webhook", json={"sender": f"u{turn % 4}", "message": "hi"}, timeout=30)
                assert response.status_code == 200, response.text
            assert httpx.post(f"{url}/webhooks/rest/webhook", content=b"{", timeout=30).status_code == 400
            for _ in range(6):
                text = httpx.get(f"{url}/metrics", timeout=30).text
                assert _total(text, "dialog_turns_total") == TURNS, text
                assert 'dialog_turns_total{channel="rest"} 20.0' in text
                assert _total(text, "dialog_turn_latency_seconds_count") == TURNS
                assert 'dialog_http_errors_total{status="400"} 1.0' in text
                assert "# TYPE dialog_process_start_time_seconds gauge" in text
        finally:
            stop_process(process)
    assert process.returncode == 0, log_path.read_text(errors="replace")[-3000:]
