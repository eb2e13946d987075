"""The development loop of ``dialog serve --reload`` and ``dialog inspect``.

``BotReloader`` polls the bot folder's files (mtime and size; no extra dependency,
and it works on every file system). When one changes it reloads in the background:
the YAML is validated, the NLU retrained when its data changed, ``actions.py``
imported afresh, and only then is the new bot swapped in. Until that point the
server keeps answering with the old one; a broken file leaves the old bot serving
and the errors in the log and the inspector (``status()``).

``BotSwitch`` is what the server holds instead of the bot: it forwards every use
to the current bot, so a swap is one assignment. A turn that started on the old
bot finishes on it; both share one conversation store, so no event is lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import logging
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from dialog.errors import ConfigError, DialogError

__all__ = ["BotReloader", "BotSwitch", "snapshot"]

logger = logging.getLogger(__name__)

WATCHED_SUFFIXES = (".yml", ".yaml", ".py")
SKIPPED_DIRS = frozenset({".dialog", "__pycache__", ".git", "tests", "results"})
POLL_INTERVAL_S = 0.5

Snapshot = dict[str, tuple[float, int]]


def snapshot(root: Path) -> Snapshot:
    """Each watched file under ``root`` with its mtime and size."""
    files: Snapshot = {}
    for path in root.rglob("*"):
        if path.suffix not in WATCHED_SUFFIXES or any(part in SKIPPED_DIRS for part in path.relative_to(root).parts[:-1]):
            continue
        try:
            stat = path.stat()
        except OSError:  # deleted between listing and stat: the next poll sees it gone
            continue
        files[str(path.relative_to(root))] = (stat.st_mtime, stat.st_size)
    return files


class BotSwitch:
    """Stands for the current bot; ``swap`` replaces it for every later use."""

    def __init__(self, bot: Any) -> None:
        self.current = bot

    def swap(self, bot: Any) -> None:
        self.current = bot

    def __getattr__(self, name: str) -> Any:
        return getattr(self.current, name)


class BotReloader:
    """Watches ``root`` and reloads the bot behind ``switch`` when a file changes."""

    def __init__(
        self,
        switch: BotSwitch,
        root: Path,
        load: Callable[[], Any],
        notify: Callable[[dict[str, Any]], None] | None = None,
        interval_s: float = POLL_INTERVAL_S,
    ) -> None:
        self.switch = switch
        self.root = Path(root)
        self.load = load  # -> BotConfig for root, with the command line's overrides
        self.notify = notify
        self.interval_s = interval_s
        self._status: dict[str, Any] = {"state": "starting", "errors": [], "attempts": 0, "reloads": 0, "changed": []}
        self._task: asyncio.Task[None] | None = None

    def status(self) -> dict[str, Any]:
        return dict(self._status)

    def start(self) -> None:
        self._task = asyncio.create_task(self._watch(), name="dialog-reload")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _watch(self) -> None:
        seen = await asyncio.to_thread(snapshot, self.root)
        try:  # the serving bot keeps the action code of now, whatever the file becomes
            await asyncio.to_thread(_import_actions, self.switch.current)
        except DialogError as exc:
            logger.warning("the bot's actions do not import: %s", exc.show())
        self._set(state="watching")
        while True:
            await asyncio.sleep(self.interval_s)
            now = await asyncio.to_thread(snapshot, self.root)
            if now == seen:
                continue
            changed = sorted(name for name in now.keys() | seen.keys() if now.get(name) != seen.get(name))
            seen = now
            await self.reload(changed)

    async def reload(self, changed: list[str]) -> bool:
        """Load, train and swap in the bot; False (old bot kept) when anything failed."""
        started = time.monotonic()
        self._set(state="reloading", changed=changed, errors=[], attempts=self._status["attempts"] + 1)
        logger.info("reloading the bot: %s changed", ", ".join(changed) or "nothing")
        try:
            bot = await self._build(changed)
        except ConfigError as exc:
            return self._failed([str(problem) for problem in exc.problems])
        except DialogError as exc:
            return self._failed([exc.show()])
        self.switch.swap(bot)
        seconds = time.monotonic() - started
        logger.info("reloaded the bot in %.1f s", seconds)
        self._set(state="ready", reloads=self._status["reloads"] + 1, seconds=round(seconds, 2), reloaded_at=time.time())
        return True

    async def _build(self, changed: list[str]) -> Any:
        config = await asyncio.to_thread(self.load)
        for warning in config.warnings:
            logger.warning("%s", warning)
        current = self.switch.current
        if any(name.endswith(".py") for name in changed):
            _forget_actions(current.engine.runtime.actions, self.root)
        if config.settings.llm != current.config.settings.llm:
            logger.warning("llm: changed in config.yml; the running model stays until the server restarts")
        bot = current.reconfigured(config)
        await asyncio.to_thread(_import_actions, bot)  # a syntax error shows now, not at the first turn
        await bot.start()  # trains when the NLU data changed (in a worker thread)
        return bot

    def _failed(self, errors: list[str]) -> bool:
        for error in errors:
            logger.error("reload failed, still serving the previous bot: %s", error)
        self._set(state="failed", errors=errors)
        return False

    def _set(self, **changes: Any) -> None:
        self._status.update(changes)
        if self.notify is not None:
            self.notify({"type": "reload", **self.status()})


def _forget_actions(runner: Any, root: Path) -> None:
    """Drop the domain's imported action modules, so the next import reads the new source."""
    package = getattr(runner, "_package", None)
    if package:
        for name in [name for name in sys.modules if name == package or name.startswith(package + ".")]:
            del sys.modules[name]
    shutil.rmtree(root / "__pycache__", ignore_errors=True)  # same-second edits keep mtime-keyed .pyc files
    importlib.invalidate_caches()


def _import_actions(bot: Any) -> None:
    runner = bot.engine.runtime.actions
    from dialog.config.models import ACTION_SERVER

    for name, reference in runner.actions.items():
        if reference != ACTION_SERVER:
            runner.function(name)
