"""Web channel numbers: Socket.IO round trips (websocket, long-polling) next to the REST
webhook, the inspector's conversation view on a long conversation, and reload times.

    python -m bench.web [--turns 300] [--write]

The bot is tests/data/minibot with a fixed-table NLU and a memory store, so the numbers
are the channels' own cost; the reload rows train minibot's real NLU. Bounded: about a
minute on 2 shared cores. ``--write`` replaces the ``web`` section of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import socketio
import uvicorn

from bench._results import write_section
from dialog.bot import Bot
from dialog.channels.webhook import create_app
from dialog.config import load_bot
from dialog.llm.fake import FakeGenerator
from dialog.reload import BotReloader, BotSwitch
from dialog.stores import MemoryStore
from dialog.testing.fakes import TableParser

MINIBOT = Path(__file__).resolve().parents[1] / "tests" / "data" / "minibot"
TABLE = {"hi": "greet", "where is my order": "check_order", "how can i pay": "payment_methods"}
MESSAGES = ("hi", "where is my order", "123456", "how can i pay")


@contextmanager
def serving(app: Any) -> Iterator[str]:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error", ws="wsproto",
                                           timeout_graceful_shutdown=1))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join()


def table_bot(root: Path) -> Bot:
    return Bot.from_config(load_bot(root), store=MemoryStore(), generator=FakeGenerator("A fake reply."),
                           nlu=TableParser(TABLE, {"order_id": r"\b\d{6}\b"}))


def socket_round_trips(url: str, transport: str, turns: int) -> list[float]:
    client = socketio.Client(reconnection=False)
    answered = threading.Event()
    client.on("bot_uttered", lambda data: answered.set())
    client.connect(url, transports=[transport])
    times = []
    try:
        for index in range(turns):
            answered.clear()
            started = time.perf_counter()
            client.emit("user_uttered", {"message": MESSAGES[index % len(MESSAGES)]})
            if not answered.wait(10):
                raise RuntimeError("no answer within 10 s")
            times.append(time.perf_counter() - started)
            time.sleep(0.01)  # let the rest of a multi-message answer arrive before the next turn
    finally:
        client.eio.disconnect(abort=True)
    return times


def rest_round_trips(url: str, turns: int) -> list[float]:
    times = []
    with httpx.Client() as client:
        for index in range(turns):
            started = time.perf_counter()
            client.post(url + "/webhooks/rest/webhook", json={"sender": "rest", "message": MESSAGES[index % len(MESSAGES)]})
            times.append(time.perf_counter() - started)
    return times


def inspector_view(url: str, turns: int) -> tuple[list[float], int]:
    with httpx.Client(timeout=60) as client:
        for index in range(turns):
            client.post(url + "/webhooks/rest/webhook", json={"sender": "long", "message": MESSAGES[index % len(MESSAGES)]})
        times, size = [], 0
        for _ in range(5):
            started = time.perf_counter()
            response = client.get(url + "/inspect/api/conversations/long?last=50")  # as the page asks
            times.append(time.perf_counter() - started)
            size = len(response.content)
    return times, size


async def reload_times(root: Path) -> dict[str, float]:
    bot = Bot.from_config(load_bot(root), store=MemoryStore(), generator=FakeGenerator("A fake reply."))
    await bot.start()
    reloader = BotReloader(BotSwitch(bot), root, lambda: load_bot(root))
    results = {}
    domain = root / "domain.yml"
    domain.write_text(domain.read_text().replace("We take cards.", "We take cards and cash."))
    started = time.perf_counter()
    assert await reloader.reload(["domain.yml"])
    results["a response changed (no training)"] = time.perf_counter() - started
    with (root / "nlu.yml").open("a") as nlu:
        nlu.write("  - intent: payment_methods\n    examples: |\n      - do you take cash\n      - can I pay cash\n")
    started = time.perf_counter()
    assert await reloader.reload(["nlu.yml"])
    results["an NLU example added (retrained)"] = time.perf_counter() - started
    actions = root / "actions.py"
    actions.write_text(actions.read_text().replace('"shipped"', '"delivered"'))
    started = time.perf_counter()
    assert await reloader.reload(["actions.py"])
    results["actions.py changed"] = time.perf_counter() - started
    return results


def ms(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return 1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=300)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-web-"))
    try:
        shutil.copytree(MINIBOT, work / "minibot")
        rows = []
        with serving(create_app(table_bot(work / "minibot"))) as url:
            for name, times in (
                ("REST webhook (httpx, keep-alive)", rest_round_trips(url, args.turns)),
                ("Socket.IO websocket", socket_round_trips(url, "websocket", args.turns)),
                ("Socket.IO long-polling", socket_round_trips(url, "polling", args.turns // 3)),
            ):
                rows.append(f"| {name} | {len(times)} | {ms(times, 0.5):.1f} | {ms(times, 0.95):.1f} |")
            view_times, size = inspector_view(url, args.turns)
        reloads = asyncio.run(reload_times(work / "minibot"))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    load = " ".join(f"{value:.1f}" for value in os.getloadavg())
    markdown = "\n".join([
        "## Web channels, inspector and reload (`bench/web.py`)",
        "",
        f"Command: `python -m bench.web --turns {args.turns} --write`. Load average after: {load} (2 cores shared).",
        "minibot with a fixed-table NLU and a memory store, so these are the channels' own costs.",
        "",
        "| one user turn, sequential | turns | p50 ms | p95 ms |",
        "|---|---:|---:|---:|",
        *rows,
        "",
        f"Inspector view of a {args.turns}-turn conversation, its last 50 turns as the page asks "
        f"(`GET /inspect/api/conversations/ID?last=50`): "
        f"median {1000 * statistics.median(view_times):.0f} ms, {size / 1024:.0f} KiB of JSON.",
        "",
        "| reload (`BotReloader.reload`, minibot, real NLU) | seconds |",
        "|---|---:|",
        *(f"| {name} | {seconds:.2f} |" for name, seconds in reloads.items()),
    ])
    print(markdown)
    if args.write:
        write_section("web", markdown)


if __name__ == "__main__":
    main()
