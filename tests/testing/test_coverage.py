"""--coverage: flows, steps and responses that no case reached."""

from __future__ import annotations

from pathlib import Path

from dialog.config.flow_model import ActionStep, CollectStep, Flow, LinkStep, SetSlotsStep
from dialog.config.models import BotConfig, Domain, NLUData, ResponseVariation, Settings
from dialog.testing.coverage import format_coverage, measure_coverage
from dialog.testing.results import CaseResult

FLOWS = {
    "cancel_order": Flow(
        "cancel_order",
        (
            CollectStep("ask_id", collect="order_id", line=4),
            ActionStep("lookup", action="lookup_order", line=6),
            ActionStep("refuse", action="utter_cannot_cancel", line=9),
            SetSlotsStep("mark", slots={"cancelled": True}, line=11),
        ),
        path="flows.yml",
    ),
    "handoff": Flow("handoff", (LinkStep("to_human", link="human", line=20),), path="flows.yml"),
}
RESPONSES = {name: (ResponseVariation(text="x"),) for name in ("utter_ask_order_id", "utter_cannot_cancel", "utter_greet")}
CONFIG = BotConfig(root=Path("bot"), domain=Domain(responses=RESPONSES), nlu=NLUData(), flows=FLOWS, settings=Settings())


def result(*events: dict) -> CaseResult:
    return CaseResult("f::c", "c", "f", 1, 0.0, events=tuple(events))


def test_unreached_flows_steps_and_responses_are_listed() -> None:
    events = (
        {"event": "flow_started", "flow_id": "cancel_order"},
        {"event": "action", "name": "utter_ask_order_id", "flow_id": "cancel_order", "step_id": "ask_id"},
        {"event": "bot", "text": "Which order?", "metadata": {"utter_action": "utter_ask_order_id"}},
    )
    more = ({"event": "action", "name": "lookup_order", "flow_id": "cancel_order", "step_id": "lookup"},)
    coverage = measure_coverage(CONFIG, [result(*events), result(*more)])
    assert coverage.missed_flows == ["handoff"]
    assert [(m.flow_id, m.step_id) for m in coverage.missed_steps] == [
        ("cancel_order", "refuse"),
        ("cancel_order", "mark"),
        ("handoff", "to_human"),
    ]
    assert coverage.missed_responses == ["utter_cannot_cancel", "utter_greet"]
    text = format_coverage(coverage)
    assert "  flows      1/2 (50%)" in text
    assert "  steps      2/5 (40%)" in text
    assert "  responses  1/3 (33%)" in text
    assert "  flows.yml:9: cancel_order / refuse (action utter_cannot_cancel)" in text
    assert "  flows.yml:11: cancel_order / mark (set_slots cancelled)" in text
    assert "  handoff / to_human" in text.replace("flows.yml:20: ", "")


def test_full_coverage_says_so() -> None:
    config = BotConfig(root=Path("bot"), domain=Domain(), nlu=NLUData(), flows={}, settings=Settings())
    coverage = measure_coverage(config, [])
    assert coverage.complete
    assert format_coverage(coverage).endswith("every flow, step and response was reached")


def test_steps_without_events_of_their_own_are_inferred() -> None:
    from dialog.config.flow_model import Branch, CallStep, NoopStep

    flows = {
        "complaint": Flow(
            "complaint",
            (
                ActionStep("sorry", action="utter_sorry"),
                LinkStep("to_human", link="handoff"),
                CallStep("verify", call="identity"),
                SetSlotsStep("flag", slots={"vip": True}),
                NoopStep("branch", next=(Branch("sorry"),)),
            ),
        ),
        "handoff": Flow("handoff", (ActionStep("go", action="handoff"),)),
        "identity": Flow("identity", (ActionStep("check", action="check_identity"),)),
    }
    config = BotConfig(root=Path("bot"), domain=Domain(), nlu=NLUData(), flows=flows, settings=Settings())
    events = (
        {"event": "flow_started", "flow_id": "complaint"},
        {"event": "action", "name": "utter_sorry", "flow_id": "complaint", "step_id": "sorry"},
        {"event": "slot", "name": "vip", "value": True},
        {"event": "flow_started", "flow_id": "identity", "called_from": "verify"},
        {"event": "flow_completed", "flow_id": "complaint"},
        {"event": "slot", "name": "vip", "value": None},
        {"event": "flow_started", "flow_id": "handoff"},
    )
    coverage = measure_coverage(config, [result(*events)])
    assert [(m.flow_id, m.step_id) for m in coverage.missed_steps] == [("handoff", "go"), ("identity", "check")]
