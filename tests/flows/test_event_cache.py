from __future__ import annotations

from dialog.flows.event_cache import EventCache


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
