from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from dialog.cli import cli
from dialog.commands.serve import worker_app

MINIBOT = Path(__file__).parents[1] / "data" / "minibot"


def test_serve_help_lists_the_options() -> None:
    result = CliRunner().invoke(cli, ["serve", "--help"])
    assert result.exit_code == 0
    for option in ("--host", "--port", "--auth-token", "--workers", "--tracker-store", "--llm / --no-llm"):
        assert option in result.output


def test_several_workers_refuse_an_in_memory_store(tmp_path: Path) -> None:
    shutil.copytree(MINIBOT, tmp_path / "minibot")
    result = CliRunner().invoke(cli, ["serve", str(tmp_path / "minibot"), "--workers", "2", "--tracker-store", "memory://"])
    assert result.exit_code == 2
    assert "needs a shared tracker_store" in result.output


def test_worker_app_builds_the_app_from_the_environment(tmp_path: Path, monkeypatch) -> None:
    shutil.copytree(MINIBOT, tmp_path / "minibot")
    monkeypatch.setenv("DIALOG_SERVE_DOMAIN", str(tmp_path / "minibot"))
    monkeypatch.setenv("DIALOG_SERVE_TRACKER_STORE", "memory://")
    monkeypatch.setenv("DIALOG_SERVE_LLM", "0")
    monkeypatch.setenv("DIALOG_AUTH_TOKEN", "t")
    app = worker_app()
    assert app.state.bot.config.settings.tracker_store == "memory://"
    assert app.state.bot.status()["llm"] == {"state": "disabled"}


def test_serve_trains_a_missing_or_stale_model_before_serving(tmp_path: Path, monkeypatch) -> None:
    import uvicorn

    served: list[object] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: served.append(app))
    bot = tmp_path / "minibot"
    shutil.copytree(MINIBOT, bot, ignore=shutil.ignore_patterns(".dialog"))
    arguments = ["serve", str(bot), "--no-llm", "--tracker-store", "memory://"]

    first = CliRunner().invoke(cli, arguments)
    assert first.exit_code == 0, first.output
    assert "trained " in first.output and len(served) == 1
    assert list((bot / ".dialog" / "models").iterdir())

    unchanged = CliRunner().invoke(cli, arguments)
    assert unchanged.exit_code == 0 and "trained " not in unchanged.output  # nothing changed: no retraining

    nlu = bot / "nlu.yml"
    nlu.write_text(nlu.read_text(encoding="utf-8").replace("      - hello\n", "      - hello\n      - hey there\n", 1), encoding="utf-8")
    stale = CliRunner().invoke(cli, arguments)
    assert stale.exit_code == 0 and "trained " in stale.output and len(served) == 3


def test_several_workers_share_a_fresh_metrics_folder_removed_at_exit(tmp_path: Path, monkeypatch) -> None:
    import os

    import uvicorn

    seen: list[Path] = []

    def run(app: object, **options: object) -> None:
        folder = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
        assert folder.is_dir() and not list(folder.iterdir()) and options["workers"] == 2
        (folder / "counter_123.db").write_bytes(b"")  # what a worker leaves behind
        seen.append(folder)

    monkeypatch.setattr(uvicorn, "run", run)
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
    for name in ("DIALOG_SERVE_DOMAIN", "DIALOG_SERVE_LLM", "DIALOG_SERVE_TRACKER_STORE"):
        monkeypatch.setenv(name, "")  # serve sets these for its workers; restored after the test
    shutil.copytree(MINIBOT, tmp_path / "minibot")
    arguments = ["serve", str(tmp_path / "minibot"), "--workers", "2", "--no-llm", "--tracker-store", f"sqlite:///{tmp_path / 'c.db'}"]
    for _ in range(2):
        result = CliRunner().invoke(cli, arguments)
        assert result.exit_code == 0, result.output
    assert len(seen) == 2 and seen[0] != seen[1]
    assert not seen[0].exists() and not seen[1].exists()
    assert "PROMETHEUS_MULTIPROC_DIR" not in os.environ
