"""A sum asked for is worked out, not guessed by the LLM."""

from __future__ import annotations

import pytest

from dialog.flows.arithmetic import calculation


@pytest.mark.parametrize(
    ("text", "expression", "result"),
    [
        ("what is 2+2?", "2 + 2", "4"),
        ("whats 17 times 23", "17 × 23", "391"),
        ("what's 15% of 80?", "15% of 80", "12"),
        ("calculate 120 / 8", "120 ÷ 8", "15"),
        ("what is 3 - 5 * 2?", "3 − 5 × 2", "-7"),  # multiplication first
        ("how much is 1.5 + 2.25", "1.5 + 2.25", "3.75"),
        ("10 divided by 4 equals?", "10 ÷ 4", "2.5"),
    ],
)
def test_an_arithmetic_question_is_worked_out(text: str, expression: str, result: str) -> None:
    assert calculation(text) == {"expression": expression, "result": result}


@pytest.mark.parametrize("text", ["I ordered 2 + 1 free", "is 5 plus shipping 10?", "what is 2?", "what is 1/0", "order 123456", "what's the 2 + 2 plan?"])
def test_anything_else_is_no_sum(text: str) -> None:
    assert calculation(text) is None


def test_the_bot_says_it_instead_of_the_llm(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import asyncio
    import shutil
    from pathlib import Path

    from dialog.bot import Bot
    from dialog.config import load_bot
    from dialog.llm.fake import FakeGenerator
    from dialog.stores import MemoryStore
    from dialog.testing.fakes import TableParser
    from dialog.types import Message

    shutil.copytree(Path(__file__).parent.parent / "data" / "minibot", tmp_path / "bot")
    bot = Bot.from_config(load_bot(tmp_path / "bot"), store=MemoryStore(), generator=FakeGenerator("2 + 3 = 5."), nlu=TableParser({}))
    turn = asyncio.run(bot.handle_turn(Message(text="what is 2+2?", sender_id="s")))
    assert [reply.text for reply in turn.replies] == ["2 + 2 = 4."]
