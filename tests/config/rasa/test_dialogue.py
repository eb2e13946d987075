"""A Rasa project's rules and stories run as flows where that needs no guessing; the rest warns."""

from __future__ import annotations

import contextlib

DOMAIN = """\
version: "3.1"
intents: [greet, goodbye, affirm, deny, mood_unhappy, bot_challenge]
responses:
  utter_greet: [{text: "Hey! How are you?"}]
  utter_goodbye: [{text: Bye}]
  utter_happy: [{text: "Great, carry on!"}]
  utter_cheer_up: [{text: "Here is something to cheer you up"}]
  utter_did_that_help: [{text: "Did that help you?"}]
  utter_iamabot: [{text: "I am a bot."}]
"""

NLU = """\
version: "3.1"
nlu:
- intent: greet
  examples: "- hi"
- intent: goodbye
  examples: "- bye"
- intent: affirm
  examples: "- yes"
- intent: deny
  examples: "- no"
- intent: mood_unhappy
  examples: "- sad"
- intent: bot_challenge
  examples: "- are you a bot?"
"""


def _write_project(bot, rules: str = "", stories: str = "") -> None:
    bot.write("domain.yml", DOMAIN)
    (bot.root / "nlu.yml").unlink()
    bot.write("data/nlu.yml", NLU)
    if rules:
        bot.write("data/rules.yml", rules)
    if stories:
        bot.write("data/stories.yml", stories)


def _flows(config) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """flow id -> (trigger intents, action names)."""
    return {
        flow_id: (tuple(trigger.intent for trigger in flow.nlu_trigger), tuple(step.action for step in flow.steps))
        for flow_id, flow in config.flows.items()
    }


def test_a_rule_becomes_a_flow_triggered_by_its_intent(bot) -> None:
    _write_project(
        bot,
        rules="""\
        version: "3.1"
        rules:
        - rule: Say goodbye anytime the user says goodbye
          steps:
          - intent: goodbye
          - action: utter_goodbye
        - rule: bot challenge
          conversation_start: false
          steps:
          - or:
            - intent: bot_challenge
            - intent: greet
          - action: utter_iamabot
          - action: action_listen
        """,
    )
    config = bot.load()
    assert _flows(config) == {
        "rule_say_goodbye_anytime_the_user_says_goodbye": (("goodbye",), ("utter_goodbye",)),
        "rule_bot_challenge": (("bot_challenge", "greet"), ("utter_iamabot",)),
    }
    assert config.flows["rule_bot_challenge"].description == "Rasa rule: bot challenge"
    assert config.warnings == (
        "bot/data/rules.yml:2:1: rules run as flows triggered by their intent: "
        "rule_say_goodbye_anytime_the_user_says_goodbye, rule_bot_challenge",
    )


def test_rules_a_flow_cannot_express_are_left_out_with_the_reason(bot) -> None:
    _write_project(
        bot,
        rules="""\
        rules:
        - rule: only after a greeting
          condition:
          - action: utter_greet
          steps: [{intent: greet}, {action: utter_cheer_up}]
        - rule: a form
          steps: [{intent: greet}, {action: survey_form}, {active_loop: survey_form}]
        - rule: two turns
          steps: [{intent: greet}, {action: utter_greet}, {intent: affirm}, {action: utter_happy}]
        - rule: nothing to do
          steps: [{intent: greet}]
        - rule: rephrase
          steps: [{intent: nlu_fallback}, {action: utter_greet}]
        - rule: two-stage fallback
          steps: [{intent: deny}, {action: action_two_stage_fallback}]
        """,
    )
    config = bot.load()
    assert config.flows == {}
    assert config.warnings == (
        "bot/data/rules.yml:2:3: rule 'only after a greeting' is not run here: its 'condition' asks for more than slot values",
        "bot/data/rules.yml:6:3: rule 'a form' is not run here: its form ('active_loop') is not among domain.yml's forms; declare "
        "it there, or write a flow in flows.yml",
        "bot/data/rules.yml:8:3: rule 'two turns' is not run here: it spans several user turns; write it as a flow in flows.yml",
        "bot/data/rules.yml:10:3: rule 'nothing to do' is not run here: no action follows its intent; write it as a flow in flows.yml",
        "bot/data/rules.yml:12:3: rule 'rephrase' is not run here: a turn the NLU is unsure of ('nlu_fallback') goes to the LLM "
        "fallback here (utter_default without one)",
        "bot/data/rules.yml:14:3: rule 'two-stage fallback' is not run here: Rasa's action_two_stage_fallback has no counterpart "
        "here; write it as a flow in flows.yml",
    )


def test_a_story_with_an_undeclared_form_is_left_out_whole_and_action_default_fallback_is_utter_default(bot) -> None:
    stories = """\
    stories:
    - story: with a form
      steps:
      - intent: greet
      - action: utter_greet
      - intent: affirm
      - action: survey_form
      - active_loop: survey_form
    - story: fallback
      steps:
      - intent: deny
      - action: action_default_fallback
      - action: action_listen
    """
    _write_project(bot, stories=stories)
    config = bot.load()
    assert _flows(config) == {"story_deny": (("deny",), ("utter_default",))}
    assert (
        "bot/data/stories.yml:2:3: story 'with a form' is not run here: its form ('active_loop') is not among domain.yml's forms; "
        "declare it there, or write a flow in flows.yml"
    ) in config.warnings


def test_an_unknown_action_in_a_rule_points_at_its_line_in_rules_yml(bot) -> None:
    _write_project(bot, rules="rules:\n- rule: greet\n  steps:\n  - intent: greet\n  - action: utter_hello\n")
    problems = bot.problems()
    assert len(problems) == 1
    assert problems[0].startswith("bot/data/rules.yml:5:13: flow 'rule_greet': step '0_action_utter_hello': unknown action 'utter_hello'")


STORIES = """\
version: "3.1"
stories:
- story: happy path
  steps:
  - intent: greet
  - action: utter_greet
  - intent: affirm
  - action: utter_happy
- story: sad path 1
  steps:
  - intent: greet
  - action: utter_greet
  - intent: mood_unhappy
  - action: utter_cheer_up
  - action: utter_did_that_help
  - intent: affirm
  - action: utter_happy
- story: sad path 2
  steps:
  - intent: greet
  - action: utter_greet
  - intent: mood_unhappy
  - action: utter_cheer_up
  - action: utter_did_that_help
  - intent: deny
  - action: utter_goodbye
  - intent: goodbye
"""


def test_stories_become_one_flow_per_intent_they_answer_the_same_way(bot) -> None:
    _write_project(bot, stories=STORIES)
    config = bot.load()
    assert _flows(config) == {
        "story_greet": (("greet",), ("utter_greet",)),
        "story_affirm": (("affirm",), ("utter_happy",)),
        "story_mood_unhappy": (("mood_unhappy",), ("utter_cheer_up", "utter_did_that_help")),
        "story_deny": (("deny",), ("utter_goodbye",)),
    }
    assert config.flows["story_greet"].description == "Rasa stories: happy path, sad path 1, sad path 2"
    assert config.warnings == (
        "bot/data/stories.yml:2:1: stories run as flows, one per intent they answer the same way (or per action before it): "
        "story_greet, story_affirm, story_mood_unhappy, story_deny",
    )


def test_an_intent_stories_answer_differently_runs_keyed_on_the_bot_s_action_before_it(bot) -> None:
    stories = STORIES + "- story: deny differently\n  steps:\n  - intent: deny\n  - action: utter_cheer_up\n"
    _write_project(bot, stories=stories)
    config = bot.load()
    flows = list(config.flows)
    assert flows.index("story_deny_after_utter_did_that_help") < flows.index("story_deny")  # the guarded one is tried first
    assert _flows(config)["story_deny_after_utter_did_that_help"] == (("deny",), ("utter_goodbye",))
    assert config.flows["story_deny_after_utter_did_that_help"].guard == "context.latest_action in ['utter_did_that_help']"
    assert _flows(config)["story_deny"] == (("deny",), ("utter_cheer_up",))
    assert config.flows["story_deny"].guard is None


def test_an_answer_the_action_before_cannot_tell_is_left_out_with_a_warning_per_story(bot) -> None:
    stories = STORIES + (
        "- story: deny differently\n  steps:\n  - intent: mood_unhappy\n  - action: utter_did_that_help\n"
        "  - intent: deny\n  - action: utter_cheer_up\n"
    )
    _write_project(bot, stories=stories)
    config = bot.load()
    assert not any(flow_id.startswith("story_deny") for flow_id in config.flows)
    told = [warning for warning in config.warnings if "intent 'deny'" in warning]
    assert told == [
        "bot/data/stories.yml:26:13: stories answer intent 'deny' in different ways, and the bot's action before it does not tell "
        "which (utter_goodbye in 'sad path 2'); not run here: write a flow with a collect step",
        "bot/data/stories.yml:33:13: stories answer intent 'deny' in different ways, and the bot's action before it does not tell "
        "which (utter_cheer_up in 'deny differently'); not run here: write a flow with a collect step",
    ]


def test_answers_that_start_alike_run_the_actions_they_share(bot) -> None:
    # Abhijeet-14/hotelBot: book_room -> utter_num_of_rooms, utter_room_type in one story, utter_num_of_rooms in another
    stories = STORIES + (
        "- story: deny differently\n  steps:\n  - intent: mood_unhappy\n  - action: utter_did_that_help\n"
        "  - intent: deny\n  - action: utter_goodbye\n  - action: utter_cheer_up\n"
    )
    _write_project(bot, stories=stories)
    config = bot.load()
    assert [step.action for step in config.flows["story_deny"].steps] == ["utter_goodbye"]
    assert any("only the actions they all start with run here (utter_goodbye)" in warning for warning in config.warnings)


def test_a_rule_wins_over_stories_and_the_stories_answer_is_named(bot) -> None:
    rules = "rules:\n- rule: greet\n  steps: [{intent: greet}, {action: utter_iamabot}]\n"
    _write_project(bot, rules=rules, stories=STORIES)
    config = bot.load()
    assert "story_greet" not in config.flows
    assert _flows(config)["rule_greet"] == (("greet",), ("utter_iamabot",))
    assert (
        "bot/data/stories.yml:6:13: stories answer intent 'greet' with utter_greet ('happy path', 'sad path 1', 'sad path 2'), "
        "which is not run here: a rule answers it, and rules win here as in Rasa"
    ) in config.warnings


def test_a_rule_that_answers_as_the_stories_do_gives_no_warning(bot) -> None:
    rules = "rules:\n- rule: greet\n  steps: [{intent: greet}, {action: utter_greet}]\n"
    _write_project(bot, rules=rules, stories=STORIES)
    assert not any("intent 'greet'" in warning for warning in bot.load().warnings)


def test_a_story_after_a_checkpoint_follows_the_action_that_ends_the_stories_before_it(bot) -> None:
    stories = """\
    stories:
    - story: ask
      steps:
      - intent: mood_unhappy
      - action: utter_did_that_help
      - checkpoint: asked
    - story: yes
      steps:
      - checkpoint: asked
      - intent: affirm
      - action: utter_happy
    - story: greet then yes
      steps:
      - intent: greet
      - action: utter_greet
      - intent: affirm
      - action: utter_goodbye
    """
    _write_project(bot, stories=stories)
    config = bot.load()
    assert config.flows["story_affirm_after_utter_did_that_help"].guard == "context.latest_action in ['utter_did_that_help']"
    assert config.flows["story_affirm_after_utter_greet"].guard == "context.latest_action in ['utter_greet']"


def test_any_shape_of_rules_stories_and_forms_is_a_config_result_never_a_crash(tmp_path_factory) -> None:
    """Rasa files written by hand come in every shape: each gives a BotConfig or a ConfigError."""
    import json

    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from dialog.config import load_bot
    from dialog.errors import ConfigError

    names = st.sampled_from(["greet", "goodbye", "utter_greet", "a_form", "action_listen", "nlu_fallback", None, 5, "x"])
    keys = st.sampled_from(["intent", "action", "active_loop", "or", "slot_was_set", "user", "checkpoint"])
    values = st.recursive(names, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(keys, inner, max_size=3), max_leaves=8)
    steps = st.lists(st.dictionaries(keys, values, max_size=2) | names, max_size=6)
    items = st.lists(st.fixed_dictionaries({"rule": names, "steps": steps}, optional={"condition": values}), max_size=3)

    # the domain parts the form reader looks at, well-formed or not
    forms = st.sampled_from(["forms:\n  a_form: {required_slots: [s]}\n", "forms: [1]\n", "forms:\n  a_form: 5\n"])
    others = st.sampled_from(["responses:\n  utter_greet: [{text: hi}]\n", "responses: 5\n", "actions: 7\n", "actions: [validate_a_form]\n"])

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(rules=items, stories=items, forms_part=forms, other_part=others)
    def check(rules, stories, forms_part, other_part) -> None:
        domain = "intents: [greet, goodbye]\nslots:\n  s: {type: text, mappings: [{type: custom}]}\n" + forms_part + other_part
        root = tmp_path_factory.mktemp("rasa")
        (root / "data").mkdir()
        (root / "domain.yml").write_text(domain)
        (root / "data" / "nlu.yml").write_text("nlu:\n- intent: greet\n  examples: '- hi'\n- intent: goodbye\n  examples: '- bye'\n")
        (root / "data" / "rules.yml").write_text(json.dumps({"rules": rules}))
        story_items = [{"story": item["rule"], **{k: v for k, v in item.items() if k != "rule"}} for item in stories]
        (root / "data" / "stories.yml").write_text(json.dumps({"stories": story_items}))
        with contextlib.suppress(ConfigError):
            load_bot(root)

    check()


def test_a_rule_whose_condition_reads_slots_is_a_guarded_flow_tried_first(bot) -> None:
    _write_project(
        bot,
        rules="""\
        rules:
        - rule: greet
          steps: [{intent: greet}, {action: utter_greet}]
        - rule: greet the unhappy
          condition:
          - active_loop: null
          - slot_was_set: [{mood: sad}, seen]
          steps: [{intent: greet}, {action: utter_cheer_up}]
        """,
    )
    bot.write("domain.yml", DOMAIN + "slots:\n  mood: {type: text, mappings: [{type: custom}]}\n  seen: {type: bool, mappings: [{type: custom}]}\n")
    config = bot.load()
    assert list(config.flows) == ["rule_greet_the_unhappy", "rule_greet"]
    assert config.flows["rule_greet_the_unhappy"].guard == "slots['mood'] == 'sad' and slots['seen'] is not none"


def test_a_rule_whose_condition_names_an_undeclared_slot_is_left_out_with_a_warning(bot) -> None:
    rules = "rules:\n- rule: sad\n  condition: [{slot_was_set: [{mood: sad}]}]\n  steps: [{intent: greet}, {action: utter_cheer_up}]\n"
    _write_project(bot, rules=rules)
    config = bot.load()
    assert config.flows == {}
    assert "bot/data/rules.yml:2:3: rule 'sad' is not run here: its 'condition' names slot 'mood', which the domain does not declare" in config.warnings


def test_a_conversation_start_rule_runs_only_before_the_bot_has_acted(bot) -> None:
    rules = """\
rules:
- rule: greet at the start
  conversation_start: true
  steps:
  - intent: greet
  - action: utter_greet
"""
    _write_project(bot, rules=rules)
    assert bot.load().flows["rule_greet_at_the_start"].guard == "context.latest_action is none"


def test_a_rule_that_starts_with_the_bot_s_action_runs_only_right_after_it(bot) -> None:
    # Rasa's examples/moodbot (3.1): "utter_did_that_help, then affirm -> utter_happy".
    rules = """\
rules:
- rule: mood_unhappy helped
  steps:
  - action: utter_did_that_help
  - intent: affirm
  - action: utter_happy
"""
    _write_project(bot, rules=rules)
    flow = bot.load().flows["rule_mood_unhappy_helped"]
    assert [t.intent for t in flow.nlu_trigger] == ["affirm"]
    assert flow.guard == "context.latest_action in ['utter_did_that_help']"
