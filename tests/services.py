"""Real redis-server and PostgreSQL for the store and server tests, on 127.0.0.1.

Session fixtures start each server once, on a free port, with its data in a temp
folder, and stop it at the end. PostgreSQL refuses to run as root, so as root its
processes run as the ``postgres`` user. A test that needs a server is skipped,
with the reason, only when the binaries are not installed (``make services``
installs them). Each test gets its own Redis key prefix / PostgreSQL database.

Use: ``from tests.services import postgres_server, postgres_url, redis_server, redis_url``.
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
from collections.abc import Iterator
from pathlib import Path

import pytest

__all__ = ["free_port", "postgres_server", "postgres_url", "redis_server", "redis_url"]

INSTALL_HINT = "install it with `make services` (Debian packages redis-server and postgresql)"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for_port(port: int, process: subprocess.Popen, name: str, log: Path, timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with {process.returncode}:\n{log.read_text(errors='replace')[-2000:]}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"{name} did not listen on 127.0.0.1:{port} within {timeout_s}s")


def _stop(process: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


@pytest.fixture(scope="session")
def redis_server() -> Iterator[str]:
    """``redis://127.0.0.1:<port>/0`` of a private redis-server (append-only file on)."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip(f"redis-server not found on PATH; {INSTALL_HINT}")
    folder = Path(tempfile.mkdtemp(prefix="dialog-redis-"))
    port = free_port()
    log = folder / "redis.log"
    command = [binary, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(folder), "--save", "",
               "--appendonly", "yes", "--appendfsync", "everysec", "--logfile", str(log), "--daemonize", "no"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        _wait_for_port(port, process, "redis-server", log)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        _stop(process)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def redis_url(redis_server: str) -> str:
    """The shared server with a key prefix of this test's own."""
    return f"{redis_server}?prefix=t{uuid.uuid4().hex[:12]}"


def _postgres_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"), key=lambda p: int(p.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("postgres")
    return Path(on_path).parent if on_path else None


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """``postgresql://dialog@127.0.0.1:<port>`` (no database part) of a private server."""
    bindir = _postgres_bin()
    if bindir is None or not (bindir / "initdb").exists():
        pytest.skip(f"PostgreSQL binaries (postgres, initdb) not found; {INSTALL_HINT}")
    run_as: dict = {}
    folder = Path(tempfile.mkdtemp(prefix="dialog-pg-"))
    if os.geteuid() == 0:  # postgres refuses root: run it as the postgres user
        try:
            shutil.chown(folder, "postgres", "postgres")
        except LookupError:
            pytest.skip("running as root and there is no 'postgres' user to run PostgreSQL as")
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
    # fsync off: these tests kill the dialog server, never PostgreSQL, and it makes them fast.
    command = [str(bindir / "postgres"), "-D", str(data), "-p", str(port), "-k", str(folder),
               "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "max_connections=300",
               "-c", "shared_buffers=32MB"]
    with open(log, "wb") as log_file:
        process = subprocess.Popen(command, stdout=log_file, stderr=subprocess.STDOUT, cwd=folder, **run_as)
    try:
        _wait_for_port(port, process, "postgres", log)
        yield f"postgresql://dialog@127.0.0.1:{port}"
    finally:
        _stop(process, signal.SIGINT)  # "fast shutdown"
        shutil.rmtree(folder, ignore_errors=True)


def create_database(server: str) -> str:
    import psycopg

    name = f"t_{uuid.uuid4().hex[:12]}"
    deadline = time.monotonic() + 20
    while True:
        try:
            with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
                connection.execute(f'CREATE DATABASE "{name}"')
            return f"{server}/{name}"
        except psycopg.OperationalError:  # still starting up
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


@pytest.fixture
def postgres_url(postgres_server: str) -> str:
    """A fresh database of this test's own."""
    return create_database(postgres_server)
