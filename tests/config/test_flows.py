"""flows.yml: steps resolved into explicit branches, nested steps flattened, every mistake at file:line:col."""

from __future__ import annotations

import pytest

from dialog.config.flow_model import END, ActionStep, Branch, CallStep, CollectStep, LinkStep, NoopStep, Rejection, SetSlotsStep, Trigger

DOMAIN = """\
version: "3.1"
intents: [greet, cancel_order, affirm]
slots:
  order_id: {type: text}
  order_status: {type: text}
  cancellable: {type: bool}
  confirmed: {type: bool}
responses:
  utter_greet: [{text: hi}]
  utter_ask_order_id: [{text: "Which order?"}]
  utter_ask_confirmed: [{text: "Sure?"}]
  utter_invalid_order_id: [{text: "Six digits please"}]
  utter_order_not_found: [{text: "Not found"}]
  utter_cannot_cancel: [{text: "Too late"}]
  utter_done: [{text: "Done"}]
actions:
  lookup_order: actions:lookup_order
  cancel_order: actions:cancel_order
"""

NLU = """\
nlu:
  - intent: greet
    examples: '- hi'
  - intent: cancel_order
    examples: '- cancel my order'
  - intent: affirm
    examples: '- yes please'
"""


@pytest.fixture
def flow_bot(bot):
    bot.write("domain.yml", DOMAIN)
    bot.write("nlu.yml", NLU)
    bot.write("actions.py", "def lookup_order(ctx):\n    return {}\n\ndef cancel_order(ctx):\n    return {}\n")
    return bot


def test_design_example(flow_bot) -> None:
    flow_bot.write(
        "flows.yml",
        """\
        flows:
          cancel_order:
            description: Cancel an order that has not shipped yet
            nlu_trigger: [{intent: cancel_order}]
            steps:
              - collect: order_id
                rejections:
                  - if: not (slots.order_id is matching "^\\d{6}$")
                    utter: utter_invalid_order_id
                max_attempts: 3
              - action: lookup_order
                next:
                  - if: slots.order_status == "not_found"
                    then: [{action: utter_order_not_found, next: END}]
                  - if: not slots.cancellable
                    then:
                      - action: utter_cannot_cancel
                      - action: utter_done
                  - else: confirm
              - id: confirm
                collect: confirmed
                ask_before_filling: true
              - action: cancel_order
        """,
    )
    flow = flow_bot.load().flows["cancel_order"]
    assert flow.description == "Cancel an order that has not shipped yet"
    assert flow.nlu_trigger == (Trigger("cancel_order"),)
    assert flow.path == "bot/flows.yml"
    assert flow.steps == (
        CollectStep(
            id="0_collect_order_id",
            next=(Branch("1_action_lookup_order"),),
            line=6,
            collect="order_id",
            utter="utter_ask_order_id",
            rejections=(Rejection('not (slots.order_id is matching "^\\d{6}$")', "utter_invalid_order_id"),),
            max_attempts=3,
        ),
        ActionStep(
            id="1_action_lookup_order",
            next=(
                Branch("1_action_lookup_order_then_0_0", 'slots.order_status == "not_found"'),
                Branch("1_action_lookup_order_then_1_0", "not slots.cancellable"),
                Branch("confirm"),
            ),
            line=11,
            action="lookup_order",
        ),
        ActionStep(id="1_action_lookup_order_then_0_0", next=(Branch(END),), line=14, action="utter_order_not_found"),
        ActionStep(id="1_action_lookup_order_then_1_0", next=(Branch("1_action_lookup_order_then_1_1"),), line=17, action="utter_cannot_cancel"),
        ActionStep(id="1_action_lookup_order_then_1_1", next=(Branch(END),), line=18, action="utter_done"),
        CollectStep(id="confirm", next=(Branch("3_action_cancel_order"),), line=20, collect="confirmed", utter="utter_ask_confirmed", ask_before_filling=True),
        ActionStep(id="3_action_cancel_order", next=(Branch(END),), line=23, action="cancel_order"),
    )
    assert flow.first_step is flow.steps[0]


def test_other_step_kinds_and_flow_keys(flow_bot) -> None:
    flow_bot.write(
        "flows.yml",
        """\
        version: "3.1"
        flows:
          greet:
            name: Greeting
            if: slots.confirmed
            persisted_slots: [order_id]
            always_include_in_prompt: true
            nlu_trigger:
              - greet
              - intent: affirm
                confidence_threshold: 0.8
              - intent: {name: cancel_order, confidence_threshold: 0.9}
            steps:
              - set_slots:
                  - order_id: null
                  - confirmed: false
              - set_slots: {order_status: unknown}
              - noop: true
                next:
                  - if: slots.confirmed
                    then: END
                  - else:
                      - call: other
              - link: other
          other:
            steps:
              - action: utter_greet
                next: END
        """,
    )
    flows = flow_bot.load().flows
    greet = flows["greet"]
    assert greet.name == "Greeting"
    assert greet.guard == "slots.confirmed"
    assert greet.persisted_slots == ("order_id",)
    assert greet.nlu_trigger == (Trigger("greet"), Trigger("affirm", 0.8), Trigger("cancel_order", 0.9))
    assert greet.steps == (
        SetSlotsStep(id="0_set_slots", next=(Branch("1_set_slots"),), line=14, slots={"order_id": None, "confirmed": False}),
        SetSlotsStep(id="1_set_slots", next=(Branch("2_noop"),), line=17, slots={"order_status": "unknown"}),
        NoopStep(id="2_noop", next=(Branch(END, "slots.confirmed"), Branch("2_noop_else_0")), line=18),
        CallStep(id="2_noop_else_0", next=(Branch(END),), line=23, call="other"),
        LinkStep(id="3_link_other", next=(Branch(END),), line=24, link="other"),
    )
    assert list(flows) == ["greet", "other"]


def test_condition_without_else_falls_through_to_the_next_step(flow_bot) -> None:
    flow_bot.write(
        "flows.yml",
        "flows:\n  f:\n    steps:\n      - action: utter_greet\n        next:\n          - if: slots.confirmed\n            then: END\n      - action: utter_done\n",
    )
    step = flow_bot.load().flows["f"].steps[0]
    assert step.next == (Branch(END, "slots.confirmed"), Branch("1_action_utter_done"))


def test_a_key_beside_else_is_ignored_with_a_warning_as_rasa_ignores_it(flow_bot) -> None:
    flow_bot.write(
        "flows.yml",
        "flows:\n  f:\n    steps:\n      - action: utter_greet\n        next:\n          - if: slots.confirmed\n            then: END\n"
        "          - else: done\n            next: END\n      - id: done\n        action: utter_greet\n",
    )
    config = flow_bot.load()
    assert config.flows["f"].steps[0].next[-1] == Branch("done")
    assert any("unknown key 'next' in 'next' else branch is ignored, as Rasa does" in w for w in config.warnings)


def _flow(steps: str) -> str:
    indented = "\n".join("      " + line for line in steps.strip("\n").splitlines())
    return f"flows:\n  f:\n    steps:\n{indented}\n"


@pytest.mark.parametrize(
    ("flows", "problem"),
    [
        (
            _flow("- action: utter_greet\n  next: confirm\n- id: ask\n  collect: order_id"),
            "bot/flows.yml:5:15: flow 'f': step '0_action_utter_greet' links to unknown step 'confirm'; known steps: "
            "0_action_utter_greet, ask, END",
        ),
        (
            _flow("- action: utter_greet\n  next:\n    - if: slots.confirmed\n      then: ask_size\n    - else: END"),
            "bot/flows.yml:7:19: flow 'f': step '0_action_utter_greet' links to unknown step 'ask_size'; known steps: 0_action_utter_greet, END",
        ),
        (
            _flow("- collect: order"),
            "bot/flows.yml:4:18: flow 'f': step '0_collect_order': unknown slot 'order' (did you mean 'order_id'?); known slots: "
            "cancellable, confirmed, order_id, order_status",
        ),
        (
            _flow("- action: utter_gret"),
            "bot/flows.yml:4:17: flow 'f': step '0_action_utter_gret': unknown action 'utter_gret' (did you mean 'utter_greet'?); "
            "it is neither a response nor an action in the domain (actions: action_cancel_flow, action_clarify_flows, "
            "action_correct_flow_slot, action_deactivate_loop, action_handoff, action_listen, action_repeat_bot_messages, action_restart, "
            "action_skip_question, action_trigger_chitchat, action_trigger_search, cancel_order, handoff, lookup_order, restart, utter_free_chitchat_response; "
            "responses: utter_ask_confirmed, utter_ask_order_id, utter_cannot_cancel, "
            "utter_done, utter_greet, utter_invalid_order_id, utter_order_not_found)",
        ),
        (
            _flow("- collect: order_status"),
            "bot/flows.yml:4:18: flow 'f': step '0_collect_order_status': collecting 'order_status' asks response "
            "'utter_ask_order_status', which is not in the domain; add it to responses or set 'utter:' (known responses: "
            "utter_ask_confirmed, utter_ask_order_id, utter_cannot_cancel, utter_done, utter_greet, utter_invalid_order_id, "
            "utter_order_not_found)",
        ),
        (
            _flow("- collect: order_id\n  utter: utter_ask_order"),
            "bot/flows.yml:5:16: flow 'f': step '0_collect_order_id': unknown response 'utter_ask_order' (did you mean "
            "'utter_ask_order_id'?); known responses: utter_acknowledge_no, utter_acknowledge_yes, utter_ask_confirmed, utter_ask_order_id, utter_ask_rephrase, "
            "utter_ask_what_to_do_with, utter_bot_name, utter_calculation, utter_can_do_something_else, utter_cannot_cancel, utter_cannot_handle, "
            "utter_clarification_options, utter_clarification_options_rasa, utter_corrected_previous_input, utter_current_time, utter_default, "
            "utter_done, utter_flow_cancelled, utter_flow_cancelled_rasa, utter_flow_continue_interrupted, utter_give_up, utter_greet, utter_handoff, "
            "utter_human_handoff_not_available, utter_internal_error, utter_internal_error_rasa, utter_invalid_order_id, utter_no_knowledge_base, "
            "utter_no_live_information, utter_no_previous_message, utter_no_relevant_answer_found, utter_offer_flow, utter_order_not_found, "
            "utter_restart, utter_said_before, utter_skip_question, utter_skip_question_answer, utter_take_your_time, utter_why_asked",
        ),
        (
            _flow('- collect: order_id\n  rejections:\n    - if: not (slots.order_id is matching "([0-9")\n      utter: utter_greet'),
            "bot/flows.yml:6:17: flow 'f': step '0_collect_order_id': invalid regular expression '([0-9' in condition: "
            "unterminated character set at position 1",
        ),
        (
            _flow("- collect: order_id\n  rejections:\n    - if: slots.order_id ==\n      utter: utter_greet"),
            "bot/flows.yml:6:17: flow 'f': step '0_collect_order_id': invalid condition 'slots.order_id ==': unexpected 'end of template'",
        ),
        (
            _flow("- action: utter_greet\n  next:\n    - if: user.vip\n      then: END"),
            "bot/flows.yml:6:17: flow 'f': step '0_action_utter_greet': unknown name 'user' in condition; conditions may use: "
            "context, latest_message, now, sender_id, slots, today",
        ),
        (
            _flow("- action: utter_greet\n  next:\n    - if: slots.vip\n      then: END"),
            "bot/flows.yml:6:17: flow 'f': step '0_action_utter_greet': unknown slot 'vip' in condition; known slots: "
            "cancellable, confirmed, order_id, order_status",
        ),
        (
            "flows:\n  f:\n    if: vip\n    steps:\n      - action: utter_greet\n",
            "bot/flows.yml:3:9: flow 'f': unknown name 'vip' in condition; conditions may use: context, latest_message, now, sender_id, slots, today",
        ),
        (
            _flow("- action: utter_greet\n  collect: order_id"),
            "bot/flows.yml:4:9: flow 'f': a step has exactly one kind, found action and collect",
        ),
        (
            _flow("- id: x\n  next: END"),
            "bot/flows.yml:4:9: flow 'f': a step needs one of action, call, collect, link, noop, set_slots",
        ),
        (
            _flow("- colect: order_id"),
            "bot/flows.yml:4:9: flow 'f': a step needs one of action, call, collect, link, noop, set_slots (unknown key "
            "'colect' (did you mean 'collect'?))",
        ),
        (
            _flow("- collect: order_id\n  ask: true"),
            "bot/flows.yml:5:9: unknown key 'ask' in flow 'f': step '0_collect_order_id'; valid keys: ask_before_filling, collect, "
            "description, force_slot_filling, id, max_attempts, metadata, next, rejections, reset_after_flow_ends, utter",
        ),
        (
            _flow("- link: checkout"),
            "bot/flows.yml:4:15: flow 'f': step '0_link_checkout': link to unknown flow 'checkout'; known flows: f",
        ),
        (
            _flow("- call: f"),
            "bot/flows.yml:4:15: flow 'f': step '0_call_f': a flow cannot call itself",
        ),
        (
            _flow("- set_slots:\n    - order: 1"),
            "bot/flows.yml:5:13: flow 'f': step '0_set_slots': unknown slot 'order' (did you mean 'order_id'?); known slots: "
            "cancellable, confirmed, order_id, order_status",
        ),
        (
            _flow("- set_slots:\n    - confirmed: maybe"),
            "bot/flows.yml:5:13: flow 'f': step '0_set_slots': set_slots value a string ('maybe') does not suit bool slot 'confirmed'",
        ),
        (
            _flow("- collect: order_id\n  max_attempts: 0"),
            "bot/flows.yml:5:23: flow 'f': step '0_collect_order_id': 'max_attempts' must be 1 or more",
        ),
        (
            _flow("- collect: order_id\n  ask_before_filling: yes please"),
            "bot/flows.yml:5:29: flow 'f': step '0_collect_order_id': 'ask_before_filling' must be true or false, got a string ('yes please')",
        ),
        (
            _flow("- noop: true"),
            "bot/flows.yml:4:9: flow 'f': step '0_noop': a noop step needs 'next'",
        ),
        (
            _flow("- id: a\n  action: utter_greet\n- id: a\n  action: utter_done"),
            "bot/flows.yml:6:13: flow 'f': step id 'a' is used twice",
        ),
        (
            _flow("- action: utter_greet\n  next:\n    - else: END\n    - if: slots.confirmed\n      then: END"),
            "bot/flows.yml:7:13: flow 'f': step '0_action_utter_greet': 'else' must be the last branch of 'next'",
        ),
        (
            "flows:\n  f:\n    nlu_trigger: [greeet]\n    steps:\n      - action: utter_greet\n",
            "bot/flows.yml:3:19: flow 'f': nlu_trigger intent 'greeet' is not in the domain (did you mean 'greet'?); known intents: "
            "affirm, cancel_order, greet",
        ),
        (
            "flows:\n  f:\n    nlu_trigger: [{intent: greet, confidence_threshold: 2}]\n    steps:\n      - action: utter_greet\n",
            "bot/flows.yml:3:19: flow 'f': nlu_trigger confidence_threshold must be between 0 and 1, got 2.0",
        ),
        (
            "flows:\n  f:\n    descripton: x\n    steps:\n      - action: utter_greet\n",
            "bot/flows.yml:3:5: unknown key 'descripton' in flow 'f' (did you mean 'description'?); valid keys: "
            "always_include_in_prompt, description, if, name, nlu_trigger, persisted_slots, run_pattern_completed, steps",
        ),
        (
            "flows:\n  f:\n    description: x\n",
            "bot/flows.yml:3:5: flow 'f': missing required key 'steps'",
        ),
        (
            "flows:\n  f:\n    if: slots.x ==\n    steps:\n      - action: utter_greet\n",
            "bot/flows.yml:3:9: flow 'f': invalid condition 'slots.x ==': unexpected 'end of template'",
        ),
        (
            "flow:\n  f: {}\n",
            "bot/flows.yml:1:1: unknown key 'flow' in flows file (did you mean 'flows'?); valid keys: flows, version",
        ),
    ],
)
def test_flow_problem(flow_bot, flows: str, problem: str) -> None:
    flow_bot.write("flows.yml", flows)
    assert problem in flow_bot.problems()


def test_every_problem_of_every_flow_at_once(flow_bot) -> None:
    flow_bot.write(
        "flows.yml",
        """\
        flows:
          a:
            steps:
              - collect: nope
              - action: nothing
          b:
            steps:
              - link: missing
        """,
    )
    problems = flow_bot.problems()
    assert [problem.split(": ", 1)[0] for problem in problems] == ["bot/flows.yml:4:18", "bot/flows.yml:5:17", "bot/flows.yml:8:15"]


def test_builtin_actions_and_default_responses_need_no_declaration(flow_bot) -> None:
    flow_bot.write(
        "flows.yml",
        _flow("- action: utter_default\n- action: action_handoff\n- collect: confirmed\n  utter: utter_give_up"),
    )
    assert len(flow_bot.load().flows["f"].steps) == 3


def test_flow_guard_may_be_a_yaml_boolean(flow_bot) -> None:
    flow_bot.write("flows.yml", "flows:\n  f:\n    if: False\n    steps:\n      - action: utter_greet\n")
    assert flow_bot.load().flows["f"].guard == "False"


def test_the_payload_intents_need_no_declaration_as_triggers(flow_bot) -> None:
    # RasaHQ/rasa-learn-live-banking: pattern_session_start triggered by session_start
    flow_bot.write("flows.yml", "flows:\n  pattern_session_start:\n    nlu_trigger: [{intent: session_start}]\n    steps:\n      - action: utter_greet\n")
    assert [t.intent for t in flow_bot.load().flows["pattern_session_start"].nlu_trigger] == ["session_start"]


def test_an_invalid_regex_is_shown_as_written(flow_bot) -> None:
    flow_bot.write("flows.yml", _flow('- collect: order_id\n  rejections:\n    - if: not (slots.order_id is matching "^SC-?(\\\\d{4}$")\n      utter: utter_greet'))
    assert any("invalid regular expression '^SC-?(\\d{4}$' in condition" in problem for problem in flow_bot.problems())


def test_rasa_pro_conditions_read_as_jinja(flow_bot) -> None:
    # Godel-Technologies-LLP/event-bot and Rasa Pro's own default patterns write pypred
    flow_bot.write("flows.yml", "flows:\n  f:\n    if: slots.order_id = \"1\" and slots.confirmed is not null\n    steps:\n      - action: utter_greet\n")
    assert flow_bot.load().flows["f"].guard == 'slots.order_id == "1" and slots.confirmed is not none'



def test_an_override_of_rasa_s_internal_collect_pattern_is_a_warning(flow_bot) -> None:
    # RasaHQ/rasa-calm-hybrid-demo copies Rasa's pattern_collect_information, which names Rasa's internal actions
    flow_bot.write(
        "flows.yml",
        "flows:\n  pattern_collect_information:\n    steps:\n      - action: action_run_slot_rejections\n      - action: '{{context.utter}}'\n",
    )
    config = flow_bot.load()
    assert "pattern_collect_information" not in config.flows
    assert any("flow 'pattern_collect_information' is not used: a collect step asks" in w for w in config.warnings)
