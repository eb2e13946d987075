"""Load benchmark: turns/s and latency through the REST webhook of a real ``dialog serve``.

    python -m bench.load                  # every store found, 1/20/100 senders, writes the "load" section
    python -m bench.load --quick          # SQLite only, 2 s per level, prints only
    python -m bench.load --stores sqlite,redis --levels 1,20 --seconds 5

The customer-service bot runs in its own process (``dialog serve --no-llm``) with
each tracker store in turn; redis-server and PostgreSQL (fsync on) are started
privately on 127.0.0.1 when installed. N simulated senders each keep one
keep-alive connection and send the next message as soon as the previous answer
arrives; every sender starts a new conversation after each pass over the script,
whose turns all stay within flows and FAQ answers (none reaches the LLM; the
server's own fallback counter is checked). Each level warms up for 1 s, then
measures for ``--seconds``; loops are bounded in time and count.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from bench._results import write_section
from bench.load_client import KeepAliveClient
from dialog.testing.services import RunningService, ServiceMissing, create_database, free_port, start_postgres, start_redis

__all__ = ["main"]

REPO = Path(__file__).resolve().parent.parent
DOMAIN = REPO / "domains" / "customer_service"
SCRIPT = [
    "hi",
    "where is my order 123456",
    "what payment methods do you accept",
    "I want to cancel my order",
    "234567",
    "yes",
    "how long does shipping to germany take",
    "thanks",
    "bye",
]
STORES = ("sqlite", "sqlite-tfidf", "sqlite-normal", "sqlite-2w", "memory", "redis", "postgres")
STARTUP_RUNS = 3
WARMUP_S = 1.0
MAX_TURNS_PER_LEVEL = 500_000


@dataclass
class LevelResult:
    store: str
    senders: int
    turns: int
    seconds: float
    errors: int
    p50_ms: float
    p99_ms: float
    server_cpu_ms: float  # server process CPU (user + system) per turn: robust to other jobs' load

    @property
    def turns_per_s(self) -> float:
        return self.turns / self.seconds if self.seconds else 0.0


async def _run_level(port: int, senders: int, seconds: float, tag: str) -> tuple[list[float], int, float]:
    latencies: list[float] = []
    errors = 0
    measuring = asyncio.Event()
    stop_at = time.perf_counter() + WARMUP_S + seconds

    async def sender(index: int) -> None:
        nonlocal errors
        client = KeepAliveClient(port)
        conversation = 0
        try:
            while time.perf_counter() < stop_at and len(latencies) < MAX_TURNS_PER_LEVEL:
                sender_id = f"{tag}-{index}-{conversation}"
                for text in SCRIPT:
                    status, _, elapsed = await client.post_json("/webhooks/rest/webhook", {"sender": sender_id, "message": text})
                    if measuring.is_set():
                        latencies.append(elapsed)
                        errors += status != 200
                conversation += 1
        finally:
            await client.close()

    async def start_measuring() -> float:
        await asyncio.sleep(WARMUP_S)
        measuring.set()
        return time.perf_counter()

    timer = asyncio.create_task(start_measuring())
    await asyncio.gather(*(sender(index) for index in range(senders)))
    measured = time.perf_counter() - await timer
    return latencies, errors, measured


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time so far of a process and its live children (Linux /proc)."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended while we looked
            continue
        if stat.parent.name == str(pid) or fields[1] == str(pid):
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else float("nan")


def _fsync_ms(folder: Path, count: int = 100) -> tuple[float, float]:
    """p50 and p99 of one 4 KB overwrite + fdatasync here: what a SQLite FULL commit waits
    for (SQLite rewrites its WAL in place and syncs it with fdatasync on Linux)."""
    times = []
    descriptor = os.open(folder / "fsync-probe", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        os.write(descriptor, b"\0" * 65536)
        os.fsync(descriptor)
        for index in range(count):
            os.pwrite(descriptor, b"x" * 4096, (index % 16) * 4096)
            started = time.perf_counter()
            os.fdatasync(descriptor)
            times.append(time.perf_counter() - started)
    finally:
        os.close(descriptor)
    return _percentile(times, 0.5) * 1000, _percentile(times, 0.99) * 1000


def _prepare_domain(folder: Path, without_embeddings: bool = False) -> Path:
    """A trained copy of the bot; ``without_embeddings`` drops its sentence_embeddings line."""
    target = folder / ("customer_service-tfidf" if without_embeddings else "customer_service")
    shutil.copytree(DOMAIN, target, ignore=shutil.ignore_patterns("conversations.db*", "shell_history", "nlu_report", ".dialog"))
    if without_embeddings:
        config = target / "config.yml"
        text, count = re.subn(r"^\s*- name: sentence_embeddings.*\n", "", config.read_text(encoding="utf-8"), flags=re.MULTILINE)
        if count != 1:
            raise RuntimeError(f"{DOMAIN / 'config.yml'} has no sentence_embeddings line to drop")
        config.write_text(text, encoding="utf-8")
    subprocess.run([sys.executable, "-m", "dialog", "train", str(target)], check=True, capture_output=True)
    return target


def _store_url(store: str, services: dict[str, RunningService]) -> str:
    if store in ("sqlite", "sqlite-2w", "sqlite-tfidf"):
        return f"sqlite:///.dialog/bench-{store}.db"
    if store == "sqlite-normal":
        return "sqlite:///.dialog/bench-normal.db?synchronous=normal"
    if store == "memory":
        return "memory://"
    if store == "redis":
        services.setdefault("redis", start_redis())
        return services["redis"].url + f"?prefix=bench{time.monotonic_ns()}"
    services.setdefault("postgres", start_postgres(fsync=True))
    return create_database(services["postgres"].url)


def _get(port: int, path: str) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
        return response.read().decode("utf-8")


def _spawn_server(domain: Path, store_url: str, workers: int = 1) -> tuple[subprocess.Popen, int, list[str]]:
    """``dialog serve --no-llm`` on a free port, without auth: (process, port, command)."""
    port = free_port()
    command = [sys.executable, "-m", "dialog", "serve", str(domain), "--port", str(port),
               "--tracker-store", store_url, "--no-llm", "--workers", str(workers)]
    env = {**os.environ, "DIALOG_AUTH_TOKEN": ""}
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env), port, command


def _start_server(domain: Path, store_url: str, workers: int) -> tuple[subprocess.Popen, int]:
    process, port, command = _spawn_server(domain, store_url, workers)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}: {' '.join(command)}")
        try:  # measure only once the sentence encoder has loaded in the background
            if json.loads(_get(port, "/status"))["nlu_warm"]:
                return process, port
        except OSError:
            pass
        time.sleep(0.1)
    process.kill()
    raise RuntimeError("server did not start within 180 s")


def startup_seconds(domain: Path, runs: int = STARTUP_RUNS) -> list[float]:
    """Seconds from starting ``dialog serve --no-llm`` to its first webhook answer, per run."""
    times = []
    body = b'{"sender": "startup", "message": "where is my order 123456"}'
    for run in range(runs):
        started = time.perf_counter()
        process, port, command = _spawn_server(domain, f"sqlite:///.dialog/bench-startup-{run}.db")
        try:
            while time.perf_counter() - started < 60:
                if process.poll() is not None:
                    raise RuntimeError(f"server exited with {process.returncode}: {' '.join(command)}")
                request = urllib.request.Request(f"http://127.0.0.1:{port}/webhooks/rest/webhook", data=body,
                                                 headers={"Content-Type": "application/json"})
                try:
                    with urllib.request.urlopen(request, timeout=10) as response:
                        response.read()
                    break
                except OSError:
                    time.sleep(0.02)
            else:
                raise RuntimeError("the server gave no answer within 60 s")
            times.append(time.perf_counter() - started)
        finally:
            _stop_server(process)
    return times


def _stop_server(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(5)


def bench_store(domain: Path, store: str, levels: list[int], seconds: float, services: dict[str, RunningService]) -> list[LevelResult]:
    process, port = _start_server(domain, _store_url(store, services), 2 if store.endswith("-2w") else 1)
    results = []
    try:
        for senders in levels:
            cpu_before = _cpu_seconds(process.pid)
            latencies, errors, measured = asyncio.run(_run_level(port, senders, seconds, f"{store}-{senders}"))
            # Warm-up turns count too: CPU per turn over every turn of the level.
            total_turns = max(1, round(len(latencies) * (measured + WARMUP_S) / measured))
            cpu_ms = (_cpu_seconds(process.pid) - cpu_before) / total_turns * 1000
            result = LevelResult(store, senders, len(latencies), measured, errors,
                                 _percentile(latencies, 0.5) * 1000, _percentile(latencies, 0.99) * 1000, cpu_ms)
            print(f"{store:14} {senders:4} senders: {result.turns_per_s:7.1f} turns/s  p50 {result.p50_ms:6.2f} ms  "
                  f"p99 {result.p99_ms:6.2f} ms  server CPU {cpu_ms:5.2f} ms/turn  errors {errors}", flush=True)
            results.append(result)
        fallbacks = re.search(r"^dialog_llm_fallbacks_total (\d+)", _get(port, "/metrics"), re.MULTILINE)
        if fallbacks is None or int(fallbacks.group(1)) != 0:
            raise RuntimeError(f"some benchmark turns reached the LLM fallback ({fallbacks and fallbacks.group(1)})")
    finally:
        _stop_server(process)
    return results


def render(results: list[LevelResult], command: str, seconds: float, load_before: float, fsync: tuple[float, float],
           startup: list[float]) -> str:
    lines = [
        "## Load: REST webhook turns/s and latency (`bench/load.py`)",
        "",
        f"Command: `{command}`",
        "",
        "The customer-service bot in its own `dialog serve --no-llm` process (one uvicorn worker unless "
        "noted); N senders "
        "on keep-alive connections, each sending its next message when the answer arrives and starting a new "
        f"conversation every {len(SCRIPT)} turns (flows and FAQ answers, no turn reaches the LLM). "
        f"{WARMUP_S:g} s warm-up, then {seconds:g} s measured per level. The load generator runs on the same "
        f"2 cores. Load average before the run: {load_before:.1f} (other jobs share this machine; numbers "
        f"are noisy when it is high). One fsync on this disk during the run: p50 {fsync[0]:.1f} ms, "
        f"p99 {fsync[1]:.1f} ms (a probe: 4 KB overwrite + fdatasync in the run's temp folder; SQLite FULL syncs its WAL on every commit, and turns waiting together share one sync).",
        "",
        "| store | senders | turns/s | p50 ms | p99 ms | server CPU ms/turn | turns/s per free core | errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(f"| {r.store} | {r.senders} | {r.turns_per_s:.0f} | {r.p50_ms:.2f} | {r.p99_ms:.2f} | "
                     f"{r.server_cpu_ms:.2f} | {1000 / r.server_cpu_ms if r.server_cpu_ms else 0:.0f} | {r.errors} |")
    lines += ["", "Targets (SQLite, the default store, `synchronous=FULL`):"]
    if startup:
        ok = max(startup) < 3
        lines.append(f"- first answer after `dialog serve --no-llm` starts, < 3 s: {'met' if ok else 'NOT met'} "
                     f"({', '.join(f'{value:.2f}' for value in startup)} s in {len(startup)} fresh processes)")
    for store, label in (("sqlite", "the bot as shipped"), ("sqlite-tfidf", "without sentence_embeddings")):
        single = [r for r in results if r.store == store and r.senders == 1]
        twenty = [r for r in results if r.store == store and r.senders == 20]
        if single:
            ok = single[0].p50_ms < 5 and single[0].p99_ms < 20
            lines.append(f"- {label}, 1 sender: p50 < 5 ms and p99 < 20 ms: {'met' if ok else 'NOT met'} "
                         f"({single[0].p50_ms:.2f} / {single[0].p99_ms:.2f} ms)")
        if twenty:
            ok = twenty[0].turns_per_s >= 500
            lines.append(f"- {label}, 20 senders: >= 500 turns/s: {'met' if ok else 'NOT met'} "
                         f"({twenty[0].turns_per_s:.0f} turns/s)")
    lines += [
        "",
        "Stores: `sqlite` = WAL, `synchronous=FULL` (the default: every turn fsynced before its answer); "
        "`sqlite-tfidf` = the same without the `sentence_embeddings` line (TF-IDF only; as shipped, the "
        "int8 MiniLM encoder runs only for messages TF-IDF alone is not sure of (`fast_confidence`; the "
        "bare order number of this script since session 7's 0.999), "
        "and loads in the background after startup); "
        "`sqlite-normal` = `?synchronous=normal` (survives a killed server, not a power cut); "
        "`sqlite-2w` = the default SQLite store with `dialog serve --workers 2` (CPU summed over workers); "
        "`redis` = redis-server with `appendonly yes, appendfsync everysec`; "
        "`postgres` = PostgreSQL with fsync on, advisory locks. Server CPU ms/turn is the server "
        "process's user + system time per turn (from /proc): unlike latency it barely depends on what "
        "else the machine runs; 'turns/s per free core' = 1000 / it, what one worker process could serve "
        "with a whole core to itself (the measured turns/s fall short of it when other jobs take the cores).",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stores", default=",".join(STORES), help=f"comma-separated, from {', '.join(STORES)}")
    parser.add_argument("--levels", default="1,20,100", help="concurrent senders per level")
    parser.add_argument("--seconds", type=float, default=5.0, help="measured seconds per level (after 1 s warm-up)")
    parser.add_argument("--quick", action="store_true", help="SQLite only, 2 s per level, print only")
    parser.add_argument("--no-write", action="store_true", help="print only; do not touch bench/RESULTS.md")
    args = parser.parse_args(argv)
    stores = ["sqlite"] if args.quick else [s.strip() for s in args.stores.split(",") if s.strip()]
    unknown = sorted(set(stores) - set(STORES))
    if unknown:
        parser.error(f"unknown store(s) {', '.join(unknown)}; valid: {', '.join(STORES)}")
    seconds = 2.0 if args.quick else args.seconds
    levels = [int(level) for level in args.levels.split(",")]
    load_before = os.getloadavg()[0]
    services: dict[str, RunningService] = {}
    results: list[LevelResult] = []
    with tempfile.TemporaryDirectory(prefix="dialog-load-") as folder:
        domain = _prepare_domain(Path(folder))
        tfidf_domain = _prepare_domain(Path(folder), without_embeddings=True) if "sqlite-tfidf" in stores else None
        fsync = _fsync_ms(Path(folder))
        startup = startup_seconds(domain, 1 if args.quick else STARTUP_RUNS)
        print("first answer after start: " + ", ".join(f"{value:.2f} s" for value in startup), flush=True)
        try:
            for store in stores:
                try:
                    results += bench_store(tfidf_domain if store == "sqlite-tfidf" else domain, store, levels, seconds, services)
                except ServiceMissing as missing:
                    print(f"{store}: skipped ({missing})", flush=True)
        finally:
            for service in services.values():
                service.stop()
    command = "python -m bench.load" + ("" if argv is None else " " + " ".join(argv))
    if sys.argv[1:] and argv is None:
        command = "python -m bench.load " + " ".join(sys.argv[1:])
    markdown = render(results, command, seconds, load_before, fsync, startup)
    print(markdown)
    if not (args.quick or args.no_write):
        write_section("load", markdown)


if __name__ == "__main__":
    main()
