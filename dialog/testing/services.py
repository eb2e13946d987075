"""Private redis-server and PostgreSQL processes on 127.0.0.1, for tests and benchmarks.

Each server runs on a free port with its data in a temp folder, and ``stop()``
removes everything. PostgreSQL refuses to run as root, so as root its processes
run as the ``postgres`` user. ``ServiceMissing`` says which binaries are absent
(``make services`` installs the Debian packages); callers skip on it.
"""

from __future__ import annotations

import glob
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["RunningService", "ServiceMissing", "create_database", "free_port", "start_postgres", "start_redis", "stop_process"]

INSTALL_HINT = "install it with `make services` (Debian packages redis-server and postgresql)"


class ServiceMissing(RuntimeError):
    """The server's binaries are not installed (or cannot be run here)."""


@dataclass
class RunningService:
    """A server process started for tests; ``stop()`` ends it and removes its folder."""

    url: str
    process: subprocess.Popen[bytes]
    folder: Path
    stop_signal: int = signal.SIGTERM

    def stop(self) -> None:
        stop_process(self.process, self.stop_signal)
        shutil.rmtree(self.folder, ignore_errors=True)


def stop_process(process: subprocess.Popen[bytes], stop_signal: int = signal.SIGTERM, timeout_s: float = 15.0) -> None:
    """Ask a child process to stop (``stop_signal`` lets servers shut down cleanly) and
    kill it if it has not within ``timeout_s``, so no test leaves a process behind."""
    if process.poll() is not None:
        return
    process.send_signal(stop_signal)
    try:
        process.wait(timeout_s)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(5)


def free_port() -> int:
    """A port the OS just handed out, so parallel test runs do not collide."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for_port(port: int, process: subprocess.Popen[bytes], name: str, log: Path, timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with {process.returncode}:\n{log.read_text(errors='replace')[-2000:]}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"{name} did not listen on 127.0.0.1:{port} within {timeout_s}s")


def start_redis() -> RunningService:
    """redis-server with the append-only file on (``appendfsync everysec``)."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise ServiceMissing(f"redis-server not found on PATH; {INSTALL_HINT}")
    folder = Path(tempfile.mkdtemp(prefix="dialog-redis-"))
    port = free_port()
    log = folder / "redis.log"
    command = [binary, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(folder), "--save", "",
               "--appendonly", "yes", "--appendfsync", "everysec", "--logfile", str(log), "--daemonize", "no"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    service = RunningService(f"redis://127.0.0.1:{port}/0", process, folder)
    try:
        _wait_for_port(port, process, "redis-server", log)
    except RuntimeError:
        service.stop()
        raise
    return service


def _postgres_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"), key=lambda p: int(p.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("postgres")
    return Path(on_path).parent if on_path else None


def start_postgres(fsync: bool = False) -> RunningService:
    """A PostgreSQL cluster; ``url`` has no database part (see ``create_database``).

    ``fsync=False`` suits tests that kill the dialog server, never PostgreSQL.
    """
    bindir = _postgres_bin()
    if bindir is None or not (bindir / "initdb").exists():
        raise ServiceMissing(f"PostgreSQL binaries (postgres, initdb) not found; {INSTALL_HINT}")
    run_as: dict[str, Any] = {}
    folder = Path(tempfile.mkdtemp(prefix="dialog-pg-"))
    if os.geteuid() == 0:  # postgres refuses root: run it as the postgres user
        try:
            shutil.chown(folder, "postgres", "postgres")
        except LookupError as exc:
            shutil.rmtree(folder, ignore_errors=True)
            raise ServiceMissing("running as root and there is no 'postgres' user to run PostgreSQL as") from exc
        run_as = {"user": "postgres", "group": "postgres", "extra_groups": []}
    data, log = folder / "data", folder / "postgres.log"
    init = subprocess.run(
        [str(bindir / "initdb"), "-D", str(data), "-U", "dialog", "--auth=trust", "-E", "UTF8", "--no-sync"],
        capture_output=True, text=True, cwd=folder, **run_as,
    )
    if init.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        raise RuntimeError(f"initdb failed:\n{init.stdout}\n{init.stderr}")
    port = free_port()
    command = [str(bindir / "postgres"), "-D", str(data), "-p", str(port), "-k", str(folder),
               "-c", "listen_addresses=127.0.0.1", "-c", f"fsync={'on' if fsync else 'off'}",
               "-c", "max_connections=300", "-c", "shared_buffers=32MB"]
    with open(log, "wb") as log_file:
        process = subprocess.Popen(command, stdout=log_file, stderr=subprocess.STDOUT, cwd=folder, **run_as)
    service = RunningService(f"postgresql://dialog@127.0.0.1:{port}", process, folder, signal.SIGINT)
    try:
        _wait_for_port(port, process, "postgres", log)
    except RuntimeError:
        service.stop()
        raise
    return service


def create_database(server_url: str) -> str:
    """A new, empty database on the server; returns its URL."""
    import psycopg

    name = f"t_{uuid.uuid4().hex[:12]}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with psycopg.connect(f"{server_url}/postgres", autocommit=True) as connection:
                connection.execute(f'CREATE DATABASE "{name}"')
            return f"{server_url}/{name}"
        except psycopg.OperationalError:  # still starting up
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
