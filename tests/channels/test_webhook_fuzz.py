"""Hypothesis sends >= 10,000 generated bodies to every POST endpoint: never a 5xx,
every error is JSON, and a rejected body never changes any conversation."""

from __future__ import annotations

import asyncio
import itertools
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from dialog.channels.webhook import create_app
from dialog.llm.fake import FakeGenerator
from tests.channels.asgi_driver import call
from tests.channels.conftest import make_bot
from tests.minibot import CountingStore

BODIES = 10_000
PER_EXAMPLE = 5  # bodies per hypothesis example: its per-example overhead dominates otherwise
PATHS = ["/webhooks/rest/webhook", "/webhooks/rest/stream", "/model/parse", "/conversations/u1/trigger_intent"]


scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=30)
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=6)
texts = st.text(max_size=60) | st.sampled_from(["hi", "/check_order", "how can i pay", "tell me a joke", "/restart", " ", "\x00", "\ud800", "123456", '/inform{"order_id": "1"}'])
message_like = st.fixed_dictionaries(
    {},
    optional={
        "sender": texts | json_values,
        "message": texts | json_values,
        "text": texts | json_values,
        "name": st.sampled_from(["greet", "check_order", "nope", ""]) | json_values,
        "entities": json_values,
        "metadata": json_values,
    },
)


def encode(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass")


valid_looking = st.fixed_dictionaries({"sender": texts, "message": texts, "text": texts, "name": st.sampled_from(["greet", "check_order"])})

bodies = st.one_of(
    valid_looking.map(encode),
    st.binary(max_size=80),
    json_values.map(encode),
    message_like.map(encode),
    message_like.map(lambda v: encode(v)[:-1]),  # truncated JSON
)


@pytest.fixture(scope="module")
def fuzz_target(tmp_path_factory):
    import shutil

    from dialog.config import load_bot
    from tests.minibot import MINIBOT

    folder = tmp_path_factory.mktemp("fuzz") / "minibot"
    shutil.copytree(MINIBOT, folder)
    store = CountingStore()
    bot = make_bot(load_bot(folder), store, FakeGenerator("A fake reply."))
    app = create_app(bot)
    loop = asyncio.new_event_loop()
    loop.run_until_complete(bot.start())
    yield app, store, loop
    loop.run_until_complete(bot.close())
    loop.close()


async def _turns_still_running() -> None:
    """Wait for turns that outlive their request: the driver disconnects after the body,
    and an SSE turn runs on as its own task (by design, see channels/sse.py)."""
    pending = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
    if pending:
        await asyncio.wait(pending, timeout=10)


def test_no_generated_body_gets_a_5xx(fuzz_target) -> None:
    app, store, loop = fuzz_target
    senders = itertools.count()
    statuses: dict[int, int] = {}

    requests = st.lists(st.tuples(bodies, st.sampled_from(PATHS), st.booleans()), min_size=PER_EXAMPLE, max_size=PER_EXAMPLE)

    @settings(max_examples=BODIES // PER_EXAMPLE, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(requests=requests)
    def check(requests: list[tuple[bytes, str, bool]]) -> None:
        for body, path, chunked in requests:
            # A fresh sender per body keeps conversations short (fast turns).
            body = body.replace(b'"sender": "', b'"sender": "s%d-' % next(senders), 1)
            loop.run_until_complete(_turns_still_running())
            before = store.appends
            status, answer = loop.run_until_complete(call(app, "POST", path, body, chunk=16 if chunked else 0))
            statuses[status] = statuses.get(status, 0) + 1
            assert status < 500, (status, body, answer)
            if status >= 400:
                error = json.loads(answer)
                assert set(error) == {"error", "detail"}
                assert store.appends == before, "a rejected body changed a conversation"

    check()
    assert sum(statuses.values()) >= BODIES
    assert statuses.get(200, 0) > BODIES // 20 and statuses.get(400, 0) > BODIES // 4, statuses
