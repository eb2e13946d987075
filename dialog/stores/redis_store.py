"""``RedisStore``: conversations in Redis, shared by any number of server processes.

Each conversation is a list ``<prefix>:events:<sender>`` of JSON events (index =
position); ``<prefix>:senders`` is the set of sender ids. A turn is one MULTI/EXEC
transaction (``RPUSH`` of all its events + ``SADD``), so it is stored whole or not
at all. The per-sender lock is a Redis lock (``SET NX PX`` with a token) with a
timeout: a live holder renews it every third of the timeout (so two renewals in a
row may be missed or fail before it expires), a crashed one stops renewing and the
lock frees itself after at most ``lock_timeout_s``. Renewal runs on the event loop:
keep ``lock_timeout_s`` well above the longest time the loop can be blocked.

Durability is Redis's own: run it with ``appendonly yes`` (``appendfsync always``
to survive a power cut) so a turn that was answered is never lost.

URL options (removed before the URL reaches redis-py): ``lock_timeout_s``
(default 10), ``lock_wait_s`` (how long a turn waits for a busy conversation,
default 60), ``prefix`` (default ``dialog``), e.g.
``redis://127.0.0.1:6379/0?lock_timeout_s=5&prefix=shop``.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from redis.asyncio import Redis
from redis.asyncio.lock import Lock
from redis.exceptions import LockError, LockNotOwnedError, RedisError

from dialog.errors import ConfigError, StoreError
from dialog.events import Event
from dialog.stores.conversation_store import event_rows, positive_option
from dialog.stores.event_cache import EventCache
from dialog.stores.in_process_locks import LocalLocks

__all__ = ["RedisStore"]

logger = logging.getLogger(__name__)


_OWN_OPTIONS = ("lock_timeout_s", "lock_wait_s", "prefix")
_LOCK_POLL_S = 0.005


def _split_url(url: str) -> tuple[str, dict[str, str]]:
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    own = {key: value for key, value in query if key in _OWN_OPTIONS}
    rest = urlencode([(key, value) for key, value in query if key not in _OWN_OPTIONS])
    return urlunsplit(parts._replace(query=rest)), own


class RedisStore:
    """The conversation store for ``redis://`` and ``rediss://`` URLs."""

    def __init__(self, url: str, root: Path | str | None = None) -> None:
        redis_url, options = _split_url(url)
        self.url = url
        self.lock_timeout_s = positive_option(options, "lock_timeout_s", 10.0, url)
        self.lock_wait_s = positive_option(options, "lock_wait_s", 60.0, url)
        self.prefix = options.get("prefix", "dialog")
        try:
            self._client = Redis.from_url(redis_url)
        except ValueError as exc:
            raise ConfigError(f"tracker_store: cannot use Redis URL '{url}': {exc}") from exc
        self._cache = EventCache()
        self._local = LocalLocks()
        self._renewers: set[asyncio.Task[None]] = set()

    def _events_key(self, sender_id: str) -> str:
        return f"{self.prefix}:events:{sender_id}"

    async def load(self, sender_id: str) -> list[Event]:
        return await self._cache.read_through(sender_id, lambda start: self._range(sender_id, start))

    async def _range(self, sender_id: str, start: int) -> list[bytes | str]:
        try:
            return await self._client.lrange(self._events_key(sender_id), start, -1)
        except RedisError as exc:
            raise StoreError(f"cannot load conversation '{sender_id}' from {self.url}: {exc}") from exc

    async def append(self, sender_id: str, events: list[Event]) -> None:
        if not events:
            return
        rows = event_rows(sender_id, events)
        try:
            async with self._client.pipeline(transaction=True) as pipe:
                pipe.rpush(self._events_key(sender_id), *rows)
                pipe.sadd(f"{self.prefix}:senders", sender_id)
                length, _ = await pipe.execute()
        except RedisError as exc:
            raise StoreError(f"cannot save a turn of conversation '{sender_id}' to {self.url}: {exc}") from exc
        self._cache.remember(sender_id, length - len(rows), rows)

    @asynccontextmanager
    async def lock(self, sender_id: str) -> AsyncIterator[None]:
        # Turns of this process queue here first, so only other processes make us poll Redis.
        async with self._local.hold(sender_id):
            lock = Lock(
                self._client,
                f"{self.prefix}:lock:{sender_id}",
                timeout=self.lock_timeout_s,
                sleep=_LOCK_POLL_S,
                blocking_timeout=self.lock_wait_s,
            )
            token = uuid.uuid4().hex.encode()
            try:
                acquired = await lock.acquire(token=token)
            except asyncio.CancelledError:
                await self._forget(lock, token)
                raise
            except RedisError as exc:
                raise StoreError(f"cannot lock conversation '{sender_id}' in {self.url}: {exc}") from exc
            if not acquired:
                raise StoreError(f"timed out waiting for the lock of conversation '{sender_id}' in {self.url}")
            renewer = asyncio.create_task(self._renew(lock))
            self._renewers.add(renewer)
            try:
                yield
            finally:
                await self._stop(renewer)
                await self._release(lock, sender_id)

    async def _renew(self, lock: Lock) -> None:
        """Push the lock's expiry out every third of its timeout while the turn runs.

        A failed renewal (Redis briefly unreachable) is retried at the next beat; only
        a lock that is no longer ours (it expired and maybe another process took it)
        ends the renewal. Late beats are logged: they mean the event loop was blocked.
        """
        loop = asyncio.get_running_loop()
        beat = self.lock_timeout_s / 3
        renewed = loop.time()
        while True:
            await asyncio.sleep(beat)
            started = loop.time()
            try:
                await lock.reacquire()
            except LockNotOwnedError:
                logger.warning(
                    "lost the lock %s: not renewed for %.2f s, its timeout is %.2f s (was the event loop blocked?)",
                    lock.name, started - renewed, self.lock_timeout_s,
                )
                return
            except RedisError as exc:
                logger.warning("could not renew the lock %s, retrying: %s", lock.name, exc)
                continue
            if started - renewed > 2 * beat:
                logger.warning("renewed the lock %s late, after %.2f s of its %.2f s", lock.name, started - renewed, self.lock_timeout_s)
            renewed = started

    async def _forget(self, lock: Lock, token: bytes) -> None:
        """After a cancelled ``acquire``: its ``SET NX`` may have reached Redis before the
        cancel did, and nobody would release that lock; without this the conversation
        stayed locked until the timeout (10 s by default). Deletes the key only if it
        holds our token."""
        with suppress(LockError, RedisError):
            await asyncio.shield(lock.do_release(token))

    async def _release(self, lock: Lock, sender_id: str) -> None:
        try:
            await lock.release()
        except LockError:
            logger.warning("the lock of conversation '%s' had expired before the turn ended", sender_id)
        except RedisError as exc:
            raise StoreError(f"cannot unlock conversation '{sender_id}' in {self.url}: {exc}") from exc

    async def senders(self) -> list[str]:
        try:
            members = await self._client.smembers(f"{self.prefix}:senders")
        except RedisError as exc:
            raise StoreError(f"cannot list conversations in {self.url}: {exc}") from exc
        return sorted(member.decode("utf-8") if isinstance(member, bytes) else member for member in members)

    async def _stop(self, renewer: asyncio.Task[None]) -> None:
        renewer.cancel()
        with suppress(asyncio.CancelledError):
            await renewer
        self._renewers.discard(renewer)

    async def close(self) -> None:
        """Stop lock renewals still running and close every pooled connection, so no
        socket is left for the garbage collector (it would warn about it much later)."""
        for renewer in list(self._renewers):
            await self._stop(renewer)
        try:
            await self._client.aclose(close_connection_pool=True)
        finally:
            await self._client.connection_pool.disconnect()
