from __future__ import annotations

import asyncio

from dialog.stores.event_cache import EventCache


def test_extends_the_prefix_and_skips_overlap() -> None:
    cache = EventCache()
    assert cache.extend("u1", 0, [{"n": 0}, {"n": 1}]) == [{"n": 0}, {"n": 1}]
    assert cache.known("u1") == 2
    # A concurrent reader already added event 1: only event 2 is new.
    assert cache.extend("u1", 1, [{"n": 1}, {"n": 2}]) == [{"n": 0}, {"n": 1}, {"n": 2}]


def test_a_gap_asks_the_caller_to_read_everything() -> None:
    cache = EventCache()
    assert cache.extend("u1", 3, [{"n": 3}]) is None
    assert cache.known("u1") == 0


def test_least_recently_used_conversations_are_dropped() -> None:
    cache = EventCache(size=2)
    cache.extend("a", 0, [{}])
    cache.extend("b", 0, [{}])
    cache.extend("a", 1, [])
    cache.extend("c", 0, [{}])
    assert (cache.known("a"), cache.known("b"), cache.known("c")) == (1, 0, 1)


def test_returned_events_are_copies() -> None:
    cache = EventCache()
    cache.extend("u1", 0, [{"text": "hi"}])[0]["text"] = "changed"
    assert cache.extend("u1", 1, []) == [{"text": "hi"}]


def test_read_through_asks_only_for_the_events_after_the_cached_prefix() -> None:
    conversation = ['{"n":0}', '{"n":1}', '{"n":2}']
    asked: list[int] = []

    async def read(start: int) -> list[str]:
        asked.append(start)
        return conversation[start:]

    cache = EventCache()
    assert asyncio.run(cache.read_through("u1", read)) == [{"n": 0}, {"n": 1}, {"n": 2}]
    conversation.append('{"n":3}')
    assert asyncio.run(cache.read_through("u1", read)) == [{"n": 0}, {"n": 1}, {"n": 2}, {"n": 3}]
    assert asked == [0, 3]


def test_read_through_reads_again_from_the_start_when_the_prefix_was_dropped_meanwhile() -> None:
    cache = EventCache(size=1)
    cache.extend("u1", 0, [{"n": 0}])
    asked: list[int] = []

    async def read(start: int) -> list[bytes]:
        asked.append(start)
        if start:  # while this read waits, another conversation pushes u1 out
            cache.extend("other", 0, [{}])
        return [b'{"n":0}', b'{"n":1}'][start:]

    assert asyncio.run(cache.read_through("u1", read)) == [{"n": 0}, {"n": 1}]
    assert asked == [1, 0]


def test_remember_adds_a_stored_turn_or_drops_a_prefix_it_does_not_join() -> None:
    cache = EventCache()
    cache.remember("u1", 0, ['{"n":0}'])
    cache.remember("u1", 1, ['{"n":1}'])
    assert cache.known("u1") == 2
    cache.remember("u1", 5, ['{"n":5}'])  # another process stored turns in between
    assert cache.known("u1") == 0
