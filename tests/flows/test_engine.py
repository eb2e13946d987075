"""The dialogue rules, driven with ParseResults on tiny flows (no NLU, no YAML loader)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest

from dialog.config.flow_model import (
    END,
    ActionStep,
    Branch,
    CallStep,
    CollectStep,
    Flow,
    LinkStep,
    NoopStep,
    Rejection,
    SetSlotsStep,
    Trigger,
)
from dialog.config.models import BotConfig, Domain, NLUData, ResponseVariation, Settings, Slot, SlotMapping
from dialog.flows.engine import DialogueEngine
from dialog.flows.state import replay
from dialog.types import Entity, ParseResult

ACTIONS = '''
ORDERS = {"234567": "processing", "123456": "shipped"}

def lookup_order(ctx):
    return {"order_status": ORDERS.get(ctx.slots["order_id"], "not_found")}

async def cancel(ctx):
    from dialog.actions import ActionResult
    return ActionResult(slots={"order_status": "cancelled"}, texts=("Done.",))

def broken(ctx):
    raise RuntimeError("database down")

def unknown_response(ctx):
    from dialog.actions import ActionResult
    return ActionResult(slots={"order_status": "x"}, responses=("utter_nope",))
'''

RESPONSES = {
    "utter_ask_order_id": "What is your order number?",
    "utter_invalid_order_id": "An order number has 6 digits.",
    "utter_ask_confirmed": "Cancel order {{ slots.order_id }}?",
    "utter_cancelled": "Cancelled.",
    "utter_kept": "Okay, I kept it.",
    "utter_not_found": "No order {{ slots.order_id }}.",
    "utter_payment_methods": "We take cards.",
    "utter_after_call": "Back in the caller.",
    "utter_ask_email": "Your email?",
    "utter_set": "Level {{ slots.level }}.",
    "utter_broken": "{{ slots.nope }}",
}


def _v(text: str) -> tuple[ResponseVariation, ...]:
    return (ResponseVariation(text=text),)


def _steps(*steps: Any) -> tuple[Any, ...]:
    """Give steps without ``next`` an explicit next (the following step or END), as the loader does."""
    result = []
    for index, step in enumerate(steps):
        if not step.next:
            target = steps[index + 1].id if index + 1 < len(steps) else END
            step = type(step)(**{**step.__dict__, "next": (Branch(target),)})
        result.append(step)
    return tuple(result)


def make_config(root: Path, **settings: Any) -> BotConfig:
    (root / "actions.py").write_text(ACTIONS)
    slots = {
        "order_id": Slot("order_id", "text", (SlotMapping("from_entity", entity="order_id"),)),
        "confirmed": Slot(
            "confirmed",
            "bool",
            (SlotMapping("from_intent", intent=("affirm",), value=True), SlotMapping("from_intent", intent=("deny",), value=False)),
        ),
        "order_status": Slot("order_status", "any", (SlotMapping("custom"),)),
        "email": Slot("email", "text", (SlotMapping("from_text", not_intent=("cancel",)),)),
        "level": Slot("level", "int", ()),
    }
    domain = Domain(
        intents=("cancel_order", "affirm", "deny", "payment_methods", "cancel", "human_handoff"),
        entities=("order_id",),
        slots=slots,
        responses={name: _v(text) for name, text in RESPONSES.items()},
        actions={"lookup_order": "actions:lookup_order", "cancel": "actions:cancel", "broken": "actions:broken", "unknown_response": "actions:unknown_response"},
        session_expiration_minutes=60,
        path=str(root / "domain.yml"),
    )
    flows = {
        "cancel_order": Flow(
            "cancel_order",
            _steps(
                CollectStep(
                    "ask_id",
                    collect="order_id",
                    rejections=(Rejection('not (slots.order_id is matching "^\\d{6}$")', "utter_invalid_order_id"),),
                    max_attempts=2,
                ),
                ActionStep(
                    "lookup",
                    action="lookup_order",
                    next=(Branch("not_found", 'slots.order_status == "not_found"'), Branch("confirm")),
                ),
                ActionStep("not_found", action="utter_not_found", next=(Branch(END),)),
                CollectStep(
                    "confirm",
                    collect="confirmed",
                    ask_before_filling=True,
                    next=(Branch("do_cancel", "slots.confirmed"), Branch("kept")),
                ),
                ActionStep("do_cancel", action="cancel", next=(Branch("said"),)),
                ActionStep("said", action="utter_cancelled", next=(Branch(END),)),
                ActionStep("kept", action="utter_kept", next=(Branch(END),)),
            ),
            nlu_trigger=(Trigger("cancel_order"),),
        ),
        "payment": Flow("payment", _steps(ActionStep("say", action="utter_payment_methods")), nlu_trigger=(Trigger("payment_methods"),)),
        "caller": Flow(
            "caller",
            _steps(CallStep("c", call="payment"), ActionStep("after", action="utter_after_call")),
            nlu_trigger=(Trigger("caller"),),
        ),
        "linker": Flow("linker", _steps(LinkStep("l", link="payment")), nlu_trigger=(Trigger("linker"),)),
        "setter": Flow(
            "setter",
            _steps(SetSlotsStep("s", slots={"level": "3"}), NoopStep("n"), ActionStep("say", action="utter_set")),
            nlu_trigger=(Trigger("setter"),),
        ),
        "handoff": Flow("handoff", _steps(ActionStep("h", action="handoff")), nlu_trigger=(Trigger("human_handoff"),)),
        "guarded": Flow(
            "guarded",
            _steps(ActionStep("say", action="utter_payment_methods")),
            nlu_trigger=(Trigger("guarded"),),
            guard="slots.level == 7",
        ),
        "broken": Flow("broken", _steps(ActionStep("b", action="broken")), nlu_trigger=(Trigger("broken"),)),
        "unknown_response": Flow("unknown_response", _steps(ActionStep("b", action="unknown_response")), nlu_trigger=(Trigger("unknown_response"),)),
        "bad_template": Flow("bad_template", _steps(ActionStep("b", action="utter_broken")), nlu_trigger=(Trigger("bad_template"),)),
        "email": Flow(
            "email",
            _steps(CollectStep("e", collect="email", reset_after_flow_ends=False), ActionStep("ok", action="utter_cancelled")),
            nlu_trigger=(Trigger("get_email"),),
        ),
    }
    return BotConfig(root=root, domain=domain, nlu=NLUData(), flows=flows, settings=Settings(tracker_store="memory://", **settings))


@dataclass
class Clock:
    now: float = 1_000_000.0

    def __call__(self) -> float:
        return self.now


class Convo:
    """One conversation: keeps the events, sends parses, returns the bot's texts."""

    def __init__(self, config: BotConfig, clock: Clock | None = None) -> None:
        self.clock = clock or Clock()
        self.engine = DialogueEngine(config, clock=self.clock)
        self.events: list[dict[str, Any]] = []
        self.last = None

    def send(self, intent: str | None, text: str = "", confidence: float = 0.95, **entities: str) -> list[str]:
        found = tuple(Entity(name, value, 0, len(str(value))) for name, value in entities.items())
        parse = ParseResult(text or intent or "", intent, confidence, found)
        self.last = asyncio.run(self.engine.handle(self.events, parse, "u1"))
        self.events.extend(self.last.events)
        self.clock.now += 1
        return [event["text"] for event in self.last.bot_events()]

    @property
    def state(self):
        return self.engine.state(self.events)

    def kinds(self) -> list[str]:
        return [event["event"] for event in self.last.events]


@pytest.fixture
def convo(tmp_path: Path) -> Convo:
    return Convo(make_config(tmp_path))


def test_happy_path_collect_action_branch_and_confirm(convo: Convo) -> None:
    assert convo.send("cancel_order") == ["What is your order number?"]
    assert convo.state.requested_slot == "order_id"
    assert convo.send("inform", order_id="234567") == ["Cancel order 234567?"]
    assert convo.state.slots["order_status"] == "processing"
    assert convo.send("affirm", "yes") == ["Done.", "Cancelled."]
    assert "flow_completed" in convo.kinds()
    assert convo.state.stack == ()
    # collected slots are reset when the flow ends; slots set by actions are kept
    assert convo.state.slots["order_id"] is None and convo.state.slots["confirmed"] is None
    assert convo.state.slots["order_status"] == "cancelled"


def test_entity_in_the_trigger_skips_the_question_but_ask_before_filling_asks(convo: Convo) -> None:
    assert convo.send("affirm") == ["Okay! What else can I help you with?"]  # no flow, no question: acknowledged
    assert convo.send("cancel_order", order_id="234567") == ["Cancel order 234567?"]
    assert convo.send("deny") == ["Okay, I kept it."]


def test_branch_to_not_found(convo: Convo) -> None:
    assert convo.send("cancel_order", order_id="999999") == ["No order 999999."]
    assert convo.state.active_flow is None


def test_rejection_then_give_up_after_max_attempts(convo: Convo) -> None:
    convo.send("cancel_order")
    assert convo.send("inform", order_id="12") == ["An order number has 6 digits.", "What is your order number?"]
    assert convo.state.slots["order_id"] is None
    assert convo.state.top.attempts == 1
    replies = convo.send("inform", order_id="99")
    assert replies[0] == "An order number has 6 digits."
    assert replies[1].startswith("Sorry, I still couldn't get that")
    assert "flow_cancelled" in convo.kinds()
    assert convo.state.stack == ()


def test_reply_that_fills_nothing_is_reasked_and_counts(convo: Convo) -> None:
    convo.send("cancel_order")
    assert convo.send("affirm", "yes") == ["What is your order number?"]
    replies = convo.send("nlu_fallback", "blah", confidence=0.1)
    assert replies[0].startswith("Sorry, I still couldn't get that")
    assert convo.state.stack == ()


def test_digression_interrupts_and_resumes_with_the_question(convo: Convo) -> None:
    convo.send("cancel_order", order_id="234567")
    replies = convo.send("payment_methods", "how can I pay?")
    assert replies == ["We take cards.", "Cancel order 234567?"]
    assert convo.kinds().count("flow_interrupted") == 1 and "flow_resumed" in convo.kinds()
    assert convo.state.active_flow == "cancel_order" and convo.state.requested_slot == "confirmed"
    assert convo.send("affirm") == ["Done.", "Cancelled."]


def test_same_flow_triggered_again_reasks(convo: Convo) -> None:
    convo.send("cancel_order")
    assert convo.send("cancel_order", "cancel my order") == ["What is your order number?"]
    assert convo.state.top.attempts == 0
    assert "flow_started" not in convo.kinds()
    assert convo.send("cancel_order", order_id="234567") == ["Cancel order 234567?"]


def test_cancel_intent_cancels_and_resets_collected_slots(convo: Convo) -> None:
    convo.send("cancel_order", order_id="234567")
    assert convo.send("cancel") == ["Okay, I've stopped that."]
    assert convo.state.stack == () and convo.state.slots["order_id"] is None
    assert "flow_cancelled" in convo.kinds()


def test_stop_payload_during_a_digression_resumes_the_interrupted_flow(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    convo = Convo(config)
    convo.send("cancel_order", order_id="234567")
    convo.send("get_email")  # digression that waits on a collect
    assert convo.state.flow_ids() == ("cancel_order", "email")
    assert convo.send("stop", "/stop") == ["Okay, I've stopped that.", "Cancel order 234567?"]
    assert convo.state.active_flow == "cancel_order"


def test_from_text_fills_only_the_requested_slot_and_reset_after_flow_ends_false(convo: Convo) -> None:
    convo.send("nlu_fallback", "me@example.com", confidence=0.0)
    assert convo.state.slots["email"] is None
    assert convo.send("get_email") == ["Your email?"]
    assert convo.send("nlu_fallback", "me@example.com", confidence=0.0) == ["Cancelled."]
    assert convo.state.slots["email"] == "me@example.com"  # reset_after_flow_ends: false


def test_call_returns_to_the_caller_and_link_ends_the_flow(convo: Convo) -> None:
    assert convo.send("caller") == ["We take cards.", "Back in the caller."]
    assert convo.state.stack == ()
    assert convo.send("linker") == ["We take cards."]
    kinds = convo.kinds()
    assert kinds.count("flow_completed") == 2 and kinds.count("flow_started") == 2


def test_set_slots_coerces_and_noop_passes(convo: Convo) -> None:
    assert convo.send("setter") == ["Level 3."]
    assert convo.state.slots["level"] == 3


def test_flow_guard(convo: Convo) -> None:
    assert convo.send("guarded") == ["Sorry, I didn't get that. Could you rephrase?"]
    assert "llm_fallback" in convo.kinds()


def test_a_flow_whose_guard_holds_wins_over_an_unguarded_one_for_the_same_intent(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    flows = {"payment": config.flows["payment"], "setter": config.flows["setter"]}  # unguarded, listed first
    flows["specific"] = Flow("specific", _steps(ActionStep("say", action="utter_set")), nlu_trigger=(Trigger("payment_methods"),), guard="slots.level == 3")
    convo = Convo(replace(config, flows=flows))
    assert convo.send("payment_methods") == ["We take cards."]  # its guard does not hold yet
    convo.send("setter")
    assert convo.send("payment_methods") == ["Level 3."]


def test_conditions_see_the_name_of_the_flow_that_ended_last(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    flows = {**config.flows, "payment": replace(config.flows["payment"], name="Payment methods")}
    flows["after"] = Flow("after", _steps(ActionStep("say", action="utter_set")), nlu_trigger=(Trigger("caller"),), guard="context.previous_flow_name == 'Payment methods'")
    convo = Convo(replace(config, flows=flows))
    convo.send("payment_methods")
    assert convo.send("caller") == ["Level None."]  # Rasa Pro's context.previous_flow_name: the flow's name


def test_low_confidence_trigger_goes_to_fallback(convo: Convo) -> None:
    assert convo.send("payment_methods", confidence=0.3) == ["Sorry, I didn't get that. Could you rephrase?"]


def test_handoff_silences_until_restart(convo: Convo) -> None:
    assert convo.send("human_handoff") == ["I'm handing you over to a human colleague."]
    assert convo.state.paused
    assert convo.send("cancel_order") == []
    assert convo.kinds() == ["user"]
    assert convo.send("restart", "/restart") == ["Let's start over."]
    assert not convo.state.paused
    assert convo.send("payment_methods") == ["We take cards."]


def test_restart_resets_slots_and_flows(convo: Convo) -> None:
    convo.send("cancel_order", order_id="234567")
    convo.send("restart", "/restart")
    assert convo.state.stack == () and convo.state.slots["order_id"] is None
    assert convo.kinds()[-3:] == ["restart", "session_started", "bot"]


def test_session_expiry_starts_a_new_session_and_resets(tmp_path: Path) -> None:
    clock = Clock()
    convo = Convo(make_config(tmp_path), clock)
    convo.send("cancel_order", order_id="234567")
    assert convo.events[0]["event"] == "session_started"
    clock.now += 59 * 60
    convo.send("deny")
    assert "session_started" not in convo.kinds()
    convo.send("cancel_order", order_id="234567")
    clock.now += 61 * 60
    assert convo.send("affirm") == ["Okay! What else can I help you with?"]  # the question died with the session
    assert convo.kinds()[0] == "session_started"


def test_action_raising_apologises_and_leaves_state_consistent(convo: Convo, caplog: pytest.LogCaptureFixture) -> None:
    assert convo.send("broken") == ["Sorry, something went wrong on my side. Please try again."]
    assert "database down" in caplog.text
    assert convo.state.stack == ()
    assert not [e for e in convo.last.events if e["event"] == "slot"]
    assert convo.send("payment_methods") == ["We take cards."]


def test_action_asking_for_an_unknown_response_is_an_action_failure(convo: Convo) -> None:
    assert convo.send("unknown_response") == ["Sorry, something went wrong on my side. Please try again."]
    assert convo.state.slots["order_status"] is None


def test_template_error_names_the_response_in_the_log_and_apologises(convo: Convo, caplog: pytest.LogCaptureFixture) -> None:
    assert convo.send("bad_template") == ["Sorry, something went wrong on my side. Please try again."]
    assert "utter_broken" in caplog.text
    assert convo.state.stack == ()
    assert "pattern_internal_error" in [event.get("flow_id") for event in convo.last.events]


def test_replay_reproduces_the_state(convo: Convo) -> None:
    convo.send("cancel_order")
    convo.send("inform", order_id="12")
    convo.send("payment_methods")
    state = convo.state
    again = replay(convo.events, convo.engine.runtime.initial_slots)
    assert again == state
    assert state.top.attempts == 1 and state.requested_slot == "order_id"


def test_bot_messages_are_seeded_per_conversation(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    first, second = Convo(config), Convo(config)
    assert first.send("payment_methods") == second.send("payment_methods")


def test_next_loop_is_an_error(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    looping = Flow("loop", (NoopStep("a", next=(Branch("b"),)), NoopStep("b", next=(Branch("a"),))), nlu_trigger=(Trigger("loop"),))
    config = BotConfig(config.root, config.domain, config.nlu, {**config.flows, "loop": looping}, config.settings)
    convo = Convo(config)
    assert convo.send("loop") == ["Sorry, something went wrong on my side. Please try again."]
    assert convo.state.stack == ()


def test_a_doubtful_cancel_intent_does_not_cancel(convo: Convo) -> None:
    convo.send("cancel_order")
    assert convo.send("cancel", "stop it", confidence=0.45) == ["What is your order number?"]
    assert convo.state.active_flow == "cancel_order"


def test_handoff_during_a_digression_does_not_resume_anything(convo: Convo) -> None:
    convo.send("cancel_order", order_id="234567")
    assert convo.send("human_handoff") == ["I'm handing you over to a human colleague."]
    assert convo.state.stack == () and convo.state.paused
    assert convo.kinds().count("flow_cancelled") == 1 and "flow_resumed" not in convo.kinds()


def test_incremental_state_cache_agrees_with_a_full_replay(convo: Convo) -> None:
    convo.send("cancel_order")
    convo.send("payment_methods")
    convo.send("inform", order_id="234567")
    full = replay(convo.events, convo.engine.runtime.initial_slots)
    assert convo.engine.state(convo.events, "u1") == full
    assert convo.engine.state(convo.events[:4], "u1") == replay(convo.events[:4], convo.engine.runtime.initial_slots)
    assert convo.engine.state(convo.events, "u1") == full  # grown again from the shorter prefix
    changed = [*convo.events[:-1], {**convo.events[-1], "text": "edited"}]
    assert convo.engine.state(changed, "u1") == replay(changed, convo.engine.runtime.initial_slots)


def test_persisted_slots_survive_the_end_of_the_flow(tmp_path: Path) -> None:
    from dataclasses import replace as dc_replace

    config = make_config(tmp_path)
    flows = dict(config.flows)
    flows["cancel_order"] = dc_replace(flows["cancel_order"], persisted_slots=("order_id",))
    convo = Convo(dc_replace(config, flows=flows))
    convo.send("cancel_order", order_id="234567")
    convo.send("deny")
    assert convo.state.slots["order_id"] == "234567" and convo.state.slots["confirmed"] is None


def test_a_free_text_answer_is_taken_unless_a_cancel_is_sure(convo: Convo) -> None:
    convo.send("get_email")
    # "they stopped working" classified as stop at 0.6: an answer, not a cancel
    assert convo.send("stop", "they stopped working after a week", confidence=0.6) == ["Cancelled."]
    assert convo.state.slots["email"] == "they stopped working after a week"
    assert "flow_cancelled" not in convo.kinds() and "flow_completed" in convo.kinds()
    convo.send("restart", "/restart")  # email outlives its flow (reset_after_flow_ends: false)
    convo.send("get_email")
    assert convo.send("stop", "stop", confidence=0.85) == ["Okay, I've stopped that."]
    assert "flow_cancelled" in convo.kinds()


def test_a_free_text_answer_is_taken_unless_a_digression_is_sure(convo: Convo) -> None:
    convo.send("get_email")
    assert convo.send("human_handoff", "to edit marketing images", confidence=0.71) == ["Cancelled."]
    assert not convo.state.paused and convo.state.slots["email"] == "to edit marketing images"
    convo.send("restart", "/restart")
    convo.send("get_email")
    assert convo.send("payment_methods", "how can I pay?", confidence=0.85) == ["We take cards.", "Your email?"]
    assert convo.state.active_flow == "email"


def test_button_payloads_and_excluded_intents_override_an_answer_at_the_trigger_threshold(convo: Convo) -> None:
    convo.send("get_email")
    assert convo.send("payment_methods", "/payment_methods@0.6", confidence=0.6) == ["We take cards.", "Your email?"]
    # the email mapping has not_intent: [cancel], so a "cancel" turn answers nothing and cancels as before
    assert convo.send("cancel", "forget it", confidence=0.6) == ["Okay, I've stopped that."]
    assert convo.state.stack == ()


def test_a_value_the_collect_rejects_does_not_hold_back_a_digression(tmp_path: Path) -> None:
    from dataclasses import replace as dc_replace

    config = make_config(tmp_path)
    order_id = Slot("order_id", "text", (SlotMapping("from_entity", entity="order_id"), SlotMapping("from_text")))
    convo = Convo(dc_replace(config, domain=dc_replace(config.domain, slots={**config.domain.slots, "order_id": order_id})))
    convo.send("cancel_order")
    # "how can I pay?" is no order number (the rejection refuses it): a digression as usual
    assert convo.send("payment_methods", "how can I pay?", confidence=0.6) == ["We take cards.", "What is your order number?"]
    # six digits pass the rejection: the answer wins over a doubtful intent
    assert convo.send("payment_methods", "234567", confidence=0.6) == ["Cancel order 234567?"]


def test_digression_threshold_is_configurable(tmp_path: Path) -> None:
    convo = Convo(make_config(tmp_path, digression_threshold=0.5))
    convo.send("get_email")
    assert convo.send("stop", "they stopped working", confidence=0.6) == ["Okay, I've stopped that."]


def test_a_flow_written_for_the_cancel_intent_wins_where_its_guard_holds(tmp_path: Path) -> None:
    import dataclasses

    config = make_config(tmp_path)
    ask_first = Flow(
        "ask_first",
        _steps(ActionStep("say", action="utter_kept")),
        nlu_trigger=(Trigger("cancel"),),
        guard="context.active_flow == 'cancel_order'",
    )
    convo = Convo(dataclasses.replace(config, flows={**config.flows, "ask_first": ask_first}))
    convo.send("cancel_order")
    assert convo.send("cancel") == ["Okay, I kept it.", "What is your order number?"]  # the flow ran; the order flow resumes
    convo.send("get_email")  # now another flow is on top: the guard fails and "cancel" cancels it
    assert convo.send("cancel") == ["Okay, I've stopped that.", "What is your order number?"]


def test_action_deactivate_loop_cancels_every_flow_quietly(tmp_path: Path) -> None:
    import dataclasses

    config = make_config(tmp_path)
    quit_all = Flow("quit_all", _steps(ActionStep("q", action="action_deactivate_loop")), nlu_trigger=(Trigger("deny"),))
    convo = Convo(dataclasses.replace(config, flows={**config.flows, "quit_all": quit_all}))
    convo.send("cancel_order")
    assert convo.send("deny", confidence=0.99) == []
    assert convo.state.stack == ()


def test_a_flow_for_the_cancel_intent_without_a_guard_does_not_stop_cancelling(tmp_path: Path) -> None:
    import dataclasses

    config = make_config(tmp_path)
    nothing_to_stop = Flow("nothing_to_stop", _steps(ActionStep("say", action="utter_kept")), nlu_trigger=(Trigger("cancel"),))
    convo = Convo(dataclasses.replace(config, flows={**config.flows, "nothing_to_stop": nothing_to_stop}))
    convo.send("cancel_order")
    assert convo.send("cancel") == ["Okay, I've stopped that."]
    assert convo.send("cancel") == ["Okay, I kept it."]  # nothing runs now: the flow answers


def test_a_bare_yes_or_no_that_answers_nothing_is_acknowledged(convo: Convo) -> None:
    assert convo.send("deny", "no thanks") == ["No problem. If there's anything else, just ask."]
    assert convo.send("affirm", "ok") == ["Okay! What else can I help you with?"]
    assert convo.send("affirm", "ok but what else do you know about me") == ["Sorry, I didn't get that. Could you rephrase?"]  # more than a yes


def test_a_digression_does_not_change_the_order_the_interrupted_flow_is_about(convo: Convo) -> None:
    assert convo.send("cancel_order", order_id="234567") == ["Cancel order 234567?"]
    # a request of its own that names another order: not a correction of the one being cancelled
    assert convo.send("payment_methods", "how did I pay for 123456?", order_id="123456") == ["We take cards.", "Cancel order 234567?"]
    assert convo.state.slots["order_id"] == "234567"
    assert convo.send("affirm", "yes") == ["Done.", "Cancelled."]


def test_hesitation_counts_no_attempt_and_asking_for_time_is_not_rushed(convo: Convo) -> None:
    convo.send("cancel_order")
    for text in ("hang on", "let me check my email", "one sec"):  # max_attempts is 2
        assert convo.send("unsure", text) == ["Sure, take your time. I'm here when you're ready."]
    assert convo.send("unsure", "hmm") == ["What is your order number?"]  # a doubt: the question again
    assert convo.state.top.attempts == 0 and convo.state.requested_slot == "order_id"
    assert convo.send("inform", "234567", order_id="234567") == ["Cancel order 234567?"]


def test_hesitation_with_no_question_open_is_acknowledged(convo: Convo) -> None:
    assert convo.send("unsure", "hold on") == ["Sure, take your time. I'm here when you're ready."]


def test_goodbye_while_a_question_is_open_cancels_the_flow_instead_of_asking_again(tmp_path: Path) -> None:
    import dataclasses

    config = make_config(tmp_path)
    goodbye = Flow("goodbye", _steps(ActionStep("bye", action="utter_kept")), nlu_trigger=(Trigger("goodbye"),))
    convo = Convo(dataclasses.replace(config, flows={**config.flows, "goodbye": goodbye}))
    convo.send("cancel_order")
    assert convo.send("goodbye", "bye") == ["Okay, I kept it."]
    assert convo.state.stack == () and "flow_cancelled" in convo.kinds()
    convo.send("cancel_order")
    # a doubtful goodbye ("go back" at 0.6) is a digression: the question comes back
    assert convo.send("goodbye", "go back", confidence=0.6) == ["Okay, I kept it.", "What is your order number?"]
