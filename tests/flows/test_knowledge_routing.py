"""A question about a flow's topic is answered from the documents; a request to act starts the flow."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path
from typing import Any

import pytest

from dialog.bot import Bot
from dialog.config.models import BotConfig
from dialog.stores import MemoryStore
from dialog.testing.fakes import TableParser
from dialog.types import IntentScore, Message, ParseResult
from tests.knowledge.conftest import make_bot

TABLE = {
    "how many days do i have to return something?": "return_item",
    "i want to return my shoes": "return_item",
    "can i return order ?": "return_item",  # the lookup leaves the order id out
    "how much is shipping?": "shipping",
    "where is my order?": "check_order",
    "track my order": "check_order",
    "are you a robot?": "bot_challenge",
    "/return_item": "return_item",
}


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> BotConfig:
    root = tmp_path_factory.mktemp("routing") / "bot"
    make_bot(root)  # the documents; the YAML files are replaced below
    (root / "domain.yml").write_text(
        'version: "3.1"\nintents: [return_item, shipping, check_order, bot_challenge]\nentities: [order_id]\n'
        "slots:\n  order_id:\n    type: text\n    mappings:\n      - type: from_entity\n        entity: order_id\n"
        "responses:\n  utter_ask_order_id:\n    - text: What's your order number?\n"
        "  utter_return_started:\n    - text: Return started for {{ slots.order_id }}.\n"
        "  utter_status:\n    - text: Order {{ slots.order_id }} is on its way.\n"
        "  utter_shipping:\n    - text: Shipping costs depend on the country.\n"
        "  utter_iamabot:\n    - text: I am a bot.\n",
        encoding="utf-8",
    )
    (root / "nlu.yml").write_text(
        'version: "3.1"\nnlu:\n'
        + "".join(f"  - intent: {intent}\n    examples: |\n      - {text}\n" for text, intent in TABLE.items() if text[0].isalpha()),
        encoding="utf-8",
    )
    (root / "flows.yml").write_text(
        "flows:\n"
        "  return_item:\n    description: Start a return for a delivered order (asks why)\n    nlu_trigger: [return_item]\n"
        "    steps:\n      - collect: order_id\n      - action: utter_return_started\n"
        "  check_order:\n    description: Tell the user where their order is\n    nlu_trigger: [check_order]\n"
        "    steps:\n      - collect: order_id\n      - action: utter_status\n"
        "  shipping:\n    description: Shipping costs\n    nlu_trigger: [shipping]\n    steps:\n      - action: utter_shipping\n"
        "  bot_challenge:\n    description: say it is a bot\n    nlu_trigger: [bot_challenge]\n    steps:\n      - action: utter_iamabot\n",
        encoding="utf-8",
    )
    from dialog.config import load_bot

    return load_bot(root)


def _talk(config: BotConfig, *lines: str) -> list[Any]:
    async def run() -> list[Any]:
        bot = Bot.from_config(config, store=MemoryStore(), nlu=TableParser(TABLE, {"order_id": r"\d{6}"}), llm=False)
        await bot.start()
        assert bot.knowledge is not None
        bot.knowledge.load()
        turns = [await bot.handle_turn(Message("u1", line)) for line in lines]
        await bot.close()
        return turns

    return asyncio.run(run())


def _started(turn: Any) -> list[str]:
    return [e["flow_id"] for e in turn.events if e["event"] == "flow_started"]


def test_a_question_about_the_policy_is_answered_from_the_documents_and_the_flow_offered(config: BotConfig) -> None:
    [turn] = _talk(config, "how many days do I have to return something?")
    assert [r.text for r in turn.replies] == ["You can return unused items within 30 days of delivery.", "Would you like me to help with that?"]
    assert _started(turn) == ["pattern_search"]
    [offer] = turn.replies[1].buttons
    assert (offer.title, offer.payload) == ("Return item", "/return_item")


def test_the_offered_button_starts_the_flow(config: BotConfig) -> None:
    _, clicked = _talk(config, "how many days do I have to return something?", "/return_item")
    assert _started(clicked) == ["return_item"]
    assert [r.text for r in clicked.replies] == ["What's your order number?"]


@pytest.mark.parametrize("text", ["I want to return my shoes", "where is my order?"])
def test_a_request_to_act_starts_the_flow(config: BotConfig, text: str) -> None:
    [turn] = _talk(config, text)
    assert _started(turn) in (["return_item"], ["check_order"])
    assert [r.text for r in turn.replies] == ["What's your order number?"]


def test_a_question_that_gives_what_the_flow_asks_first_starts_the_flow(config: BotConfig) -> None:
    [turn] = _talk(config, "can I return order 123456?")
    assert [r.text for r in turn.replies] == ["Return started for 123456."]


def test_a_flow_that_only_talks_is_not_replaced(config: BotConfig) -> None:
    [turn] = _talk(config, "are you a robot?")
    assert [r.text for r in turn.replies] == ["I am a bot."]


def test_a_policy_question_during_another_flow_is_answered_then_its_question_asked_again(config: BotConfig) -> None:
    _, turn, last = _talk(config, "track my order", "how many days do I have to return something?", "123456")
    assert [r.text for r in turn.replies] == ["You can return unused items within 30 days of delivery.", "What's your order number?"]
    assert [r.text for r in last.replies] == ["Order 123456 is on its way."]


@pytest.mark.parametrize(
    ("name", "description", "title"),
    [
        ("Track my order", "Tell the user where their order is", "Track my order"),
        ("", "Tell the user where their order is (carrier, tracking)", "Check order"),
        ("", "", "Check order"),
    ],
)
def test_the_offer_button_is_the_flow_s_name_or_its_id_in_words(name: str, description: str, title: str) -> None:
    from dialog.config.flow_model import Flow
    from dialog.config.flow_titles import flow_title

    assert flow_title(Flow("check_order", (), description=description, name=name)) == title


def test_a_question_about_the_running_flow_s_topic_is_answered_then_its_question_asked_again(config: BotConfig) -> None:
    _, turn, last = _talk(config, "i want to return my shoes", "how many days do i have to return something?", "123456")
    assert [r.text for r in turn.replies] == ["You can return unused items within 30 days of delivery.", "What's your order number?"]
    assert [r.text for r in last.replies] == ["Return started for 123456."]


class _Hesitant(TableParser):
    """The NLU unsure between two flows for one question (what pattern_clarification asks about)."""

    def parse(self, text: str) -> ParseResult:
        if text == "how many days do I have to return something?":
            ranking = (IntentScore("return_item", 0.45), IntentScore("check_order", 0.4))
            return ParseResult(text, "nlu_fallback", 0.45, (), ranking)
        return super().parse(text)


def test_a_question_the_nlu_hesitates_on_is_answered_and_both_flows_offered(config: BotConfig) -> None:
    async def run() -> Any:
        bot = Bot.from_config(config, store=MemoryStore(), nlu=_Hesitant(TABLE), llm=False)
        await bot.start()
        turn = await bot.handle_turn(Message("u1", "how many days do I have to return something?"))
        await bot.close()
        return turn

    turn = asyncio.run(run())
    assert turn.replies[0].text == "You can return unused items within 30 days of delivery."
    assert [(b.title, b.payload) for b in turn.replies[1].buttons] == [
        ("Return item", "/return_item"),
        ("Check order", "/check_order"),
    ]


def test_a_pattern_search_that_does_not_search_leaves_the_flows_alone(config: BotConfig, tmp_path: Path) -> None:
    from dialog.config import load_bot

    root = tmp_path / "bot"
    shutil.copytree(config.root, root, ignore=shutil.ignore_patterns(".dialog"))
    with (root / "flows.yml").open("a", encoding="utf-8") as flows:
        flows.write("  pattern_search:\n    description: no search here\n    steps:\n      - action: utter_shipping\n")
    [turn] = _talk(load_bot(root), "how many days do I have to return something?")
    assert [r.text for r in turn.replies] == ["What's your order number?"]
