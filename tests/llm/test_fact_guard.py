"""The fallback's fact guard: business facts the bot's data does not back are not said."""

from __future__ import annotations

from pathlib import Path

import pytest

from dialog.config.flow_model import Flow
from dialog.config.models import BotConfig, Domain, NLUData, ResponseVariation, Settings
from dialog.knowledge.documents import document_texts
from dialog.llm.fact_guard import FactGuard

KNOWN = "Standard shipping costs $4.99 and takes 3-5 business days. Returns are accepted within 30 days. Write to help@acme.example."
GUARD = FactGuard(KNOWN, names={"acme"})


@pytest.mark.parametrize(
    "sentence",
    [
        "Returns are accepted within 45 days.",  # a number next to a business word
        "Returns are free for sixty days.",  # a number in words
        "Shipping costs $9.99.",  # a price nobody gave
        "We give a 20% discount to students.",
        "You can call us on 555 123 4567.",
        "Write to support@acme-shop.com for a refund.",
        "ACME's CEO is John Smith.",
        "Your order will arrive on Thursday.",
        "The Black Friday sale started on the 13th of November, 2018.",  # a sale, a plan, a bill, an event: the business's own
        "The Gigabit plan costs forty a month.",
        "The next event is on Saturday.",
    ],
)
def test_a_business_fact_nothing_backs_is_dropped(sentence: str) -> None:
    assert not GUARD.for_turn([], "hello").keep(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "Returns are accepted within 30 days.",  # the bot's own data says so
        "Standard shipping costs $4.99.",
        "The capital of France is Paris.",  # general knowledge
        "A spider has eight legs.",
        "Water boils at 100 degrees Celsius at sea level.",
        "I can help with your ACME orders, returns and refunds.",
        "I'm fine, thanks! How can I help you today?",
    ],
)
def test_general_knowledge_small_talk_and_backed_facts_are_kept(sentence: str) -> None:
    assert GUARD.for_turn([], "hello").keep(sentence)


def test_a_business_question_holds_every_fact_to_the_data() -> None:
    """"It's John Smith." names no business word, but the question was about the business."""
    assert not GUARD.for_turn([], "who is the owner of the shop?").keep("It's John Smith.")
    assert GUARD.for_turn([], "who wrote Hamlet?").keep("It's William Shakespeare.")


def test_what_the_conversation_said_counts_as_known() -> None:
    history = [{"event": "user", "text": "my order 123456 is late"}, {"event": "slot", "name": "email", "value": "ann@example.org"}]
    guard = GUARD.for_turn(history, "and?")
    assert guard.keep("Your order 123456 is on its way.")
    assert guard.keep("We will write to ann@example.org.")
    assert not guard.keep("Your order 654321 is on its way.")


def test_streaming_holds_back_from_a_word_that_may_make_a_sentence_unsayable() -> None:
    guard = GUARD.for_turn([], "hello")
    assert not guard.holds("Water", first=True) and not guard.holds("I'm") and not guard.holds("boils")
    assert guard.holds("45") and guard.holds("refunds,") and guard.holds("Smith") and guard.holds("sixty")
    assert not guard.holds("30")  # backed: nothing to wait for
    assert GUARD.for_turn([], "what are your shipping fees?").holds("Hello", first=True)


def test_from_config_knows_responses_flow_descriptions_and_the_documents_given(tmp_path: Path) -> None:
    (tmp_path / "knowledge").mkdir()
    (tmp_path / "knowledge" / "returns.md").write_text("# Returns\n\nReturns are accepted within 30 days.\n", encoding="utf-8")
    config = BotConfig(
        root=tmp_path,
        domain=Domain(assistant_name="ACME Assistant", persona="the ACME shop's agent", responses={"utter_hours": (ResponseVariation(text="We open at 9 on Mondays."),)}),
        nlu=NLUData(),
        flows={"track": Flow(id="track", steps=(), description="Track an order sent with DHL")},
        settings=Settings(),
    )
    guard = FactGuard.from_config(config, document_texts(tmp_path)).for_turn([], "hi")
    assert guard.keep("Returns are accepted within 30 days.")
    assert guard.keep("Our shop opens at 9 on Mondays.")
    assert not guard.keep("Our shop opens at 8 on Mondays.")
    assert guard.keep("Your order ships with DHL.") and not guard.keep("Your order ships with FedEx.")
