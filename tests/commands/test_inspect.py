"""``dialog inspect``: a real server process with the inspector and reload, announcing its URL."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
from click.testing import CliRunner

from dialog.cli import cli
from tests.channels.live_server import free_port
from tests.minibot import MINIBOT


def test_inspect_help_names_reload_and_the_token() -> None:
    result = CliRunner().invoke(cli, ["inspect", "--help"])
    assert result.exit_code == 0
    assert "--reload / --no-reload" in result.output and "--auth-token" in result.output


def test_serve_refuses_reload_with_several_workers(tmp_path: Path) -> None:
    shutil.copytree(MINIBOT, tmp_path / "minibot")
    config = tmp_path / "minibot" / "config.yml"
    config.write_text(config.read_text().replace("memory://", "sqlite:///.dialog/c.db"))
    result = CliRunner().invoke(cli, ["serve", str(tmp_path / "minibot"), "--reload", "--workers", "2"])
    assert result.exit_code == 2 and "--reload serves from one process" in result.output


def test_inspect_serves_the_inspector_and_prints_its_url(tmp_path: Path) -> None:
    shutil.copytree(MINIBOT, tmp_path / "minibot")
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    process = subprocess.Popen(
        [sys.executable, "-m", "dialog", "inspect", str(tmp_path / "minibot"), "--port", str(port),
         "--auth-token", "s3cret", "--no-llm"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        assert url == f"http://127.0.0.1:{port}/inspect?token=s3cret"
        deadline = time.monotonic() + 60
        while True:
            try:
                response = httpx.get(url, timeout=5)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline and process.poll() is None, "the server did not come up"
                time.sleep(0.2)
        assert response.status_code == 200 and "Inspector" in response.text
        status = httpx.get(f"http://127.0.0.1:{port}/inspect/api/status?token=s3cret").json()
        assert status["reload"]["state"] in ("starting", "watching")
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=30)
