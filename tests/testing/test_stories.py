"""Loading story files: both formats become the same steps; errors point at file:line:col."""

from __future__ import annotations

from pathlib import Path

import pytest

from dialog.errors import ConfigError
from dialog.testing.stories import ANY_VALUE, load_cases, load_story_file


def write(tmp_path: Path, text: str, name: str = "cases.yml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def kinds(case) -> list[tuple[str, object]]:
    return [(step.kind, step.value) for step in case.steps]


def test_e2e_test_cases_load_every_step_kind(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
test_cases:
  - test_case: cancel an unshipped order
    steps:
      - user: I want to cancel my order
      - intent: cancel_order
      - flow_started: cancel_order
      - utter: utter_ask_order_id
      - user: "234567"
      - slot_was_set: {order_id: "234567"}
      - slot_was_not_set: confirmed
      - utter: utter_ask_confirmed
      - user: yes please
      - bot: "Order 234567 is cancelled."
      - flow_completed: cancel_order
      - user: what's the weather on mars
      - llm_fallback: true
""",
    )
    [case] = load_story_file(path)
    assert case.name == "cancel an unshipped order"
    assert case.style == "e2e"
    assert case.line == 3
    assert case.id == "cases.yml::cancel an unshipped order"
    assert kinds(case) == [
        ("user", "I want to cancel my order"),
        ("intent", "cancel_order"),
        ("flow_started", "cancel_order"),
        ("utter", "utter_ask_order_id"),
        ("user", "234567"),
        ("slot_was_set", ("order_id", "234567")),
        ("slot_was_not_set", ("confirmed", ANY_VALUE)),
        ("utter", "utter_ask_confirmed"),
        ("user", "yes please"),
        ("bot", "Order 234567 is cancelled."),
        ("flow_completed", "cancel_order"),
        ("user", "what's the weather on mars"),
        ("llm_fallback", True),
    ]
    assert (case.steps[3].line, case.steps[3].column) == (8, 16)


def test_slot_steps_accept_rasa_lists_of_names_and_items(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
test_cases:
  - test_case: slots
    steps:
      - user: hi
      - slot_was_set:
          - order_id: "123456"
          - email
      - slot_was_not_set: [confirmed]
""",
    )
    [case] = load_story_file(path)
    assert kinds(case)[1:] == [
        ("slot_was_set", ("order_id", "123456")),
        ("slot_was_set", ("email", ANY_VALUE)),
        ("slot_was_not_set", ("confirmed", ANY_VALUE)),
    ]


def test_action_entity_and_bot_uttered_are_steps_too(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
test_cases:
  - test_case: the table of step kinds
    steps:
      - user: is SC-1042 done?
      - entity: {ticket_id: SC-1042}
      - entity: ticket_id
      - action: lookup_repair
      - bot_uttered: {utter_name: utter_status, text_matches: "ready"}
""",
    )
    [case] = load_story_file(path)
    assert kinds(case)[1:] == [
        ("entity", ("ticket_id", "SC-1042")),
        ("entity", ("ticket_id", ANY_VALUE)),
        ("action", "lookup_repair"),
        ("bot_uttered", ("utter_status", "ready")),
    ]


def test_unquoted_number_user_text_is_sent_as_text(tmp_path: Path) -> None:
    path = write(tmp_path, "test_cases:\n  - test_case: n\n    steps:\n      - user: 234567\n")
    [case] = load_story_file(path)
    assert case.steps[0].value == "234567"


def test_user_metadata_by_name_or_inline(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
metadata:
  - vip: {tier: gold}
test_cases:
  - test_case: m
    steps:
      - user: hi
        metadata: vip
      - user: again
        metadata: {tier: silver}
""",
    )
    [case] = load_story_file(path)
    assert case.steps[0].metadata == {"tier": "gold"}
    assert case.steps[1].metadata == {"tier": "silver"}


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        ("test_cases:\n  - test_case: a\n    steps:\n      - usr: hi\n", "4:9", "found unknown step kind 'usr' (did you mean 'user'?)"),
        ("test_cases:\n  - test_case: a\n    steps:\n      - user: hi\n      - entity: [a, b]\n", "5:17", "'entity' must be an entity name, or one {name: value}"),
        ("test_cases:\n  - test_case: a\n    steps:\n      - user: hi\n        utter: x\n", "4:9", "several step kinds (user, utter)"),
        ("test_cases:\n  - test_case: a\n    steps:\n      - utter: utter_greet\n", "4:16", "'utter' must follow a user step"),
        ("test_cases:\n  - test_case: a\n    steps: []\n", "3:12", "'steps' must be a non-empty list"),
        ("test_cases:\n  - test_case: a\n    stpes: []\n", "3:5", "unknown key 'stpes'; valid keys: test_case, steps"),
        ("tests:\n  - x\n", "1:1", "unknown key 'tests'; valid keys: version, test_cases, stories"),
        ("test_cases:\n  - test_case: a\n    steps:\n      - user: hi\n      - llm_fallback: yes please\n", "5:23", "'llm_fallback' must be true or false"),
        ("test_cases:\n  - test_case: a\n    steps:\n      - user: hi\n      - slot_was_set: []\n", "5:23", "a slot step needs a slot name"),
        ("test_cases:\n  - test_case: a\n    steps:\n      - user: hi\n        metadata: nope\n", "5:19", "unknown metadata 'nope'"),
        ("test_cases:\n  - test_case: a\n    steps:\n      - user: [hi\n", "5:1", "invalid YAML"),
    ],
)
def test_problems_point_at_file_line_col(tmp_path: Path, text: str, where: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_story_file(path)
    shown = str(caught.value)
    assert f"{path}:{where}: " in shown, shown
    assert message in shown


def test_all_problems_of_all_files_are_reported_together(tmp_path: Path) -> None:
    write(tmp_path, "test_cases:\n  - test_case: a\n    steps:\n      - usr: hi\n", "a.yml")
    write(tmp_path, "test_cases:\n  - test_case: b\n    steps:\n      - user: hi\n      - uter: x\n", "b.yml")
    with pytest.raises(ConfigError) as caught:
        load_cases([tmp_path])
    assert [(Path(p.path).name, p.line) for p in caught.value.problems] == [("a.yml", 4), ("b.yml", 5)]


def test_duplicate_case_names_in_one_file_are_an_error(tmp_path: Path) -> None:
    write(tmp_path, "test_cases:\n  - test_case: a\n    steps: [{user: hi}]\n  - test_case: a\n    steps: [{user: ho}]\n")
    with pytest.raises(ConfigError, match=r"cases.yml:4:1: duplicate test case name 'a' \(first on line 2\)"):
        load_cases([tmp_path])


def test_folders_are_searched_recursively_in_sorted_order(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    write(tmp_path, "test_cases:\n  - test_case: b\n    steps: [{user: hi}]\n", "b.yml")
    write(tmp_path, "test_cases:\n  - test_case: a\n    steps: [{user: hi}]\n", "a.yaml")
    write(tmp_path, "test_cases:\n  - test_case: c\n    steps: [{user: hi}]\n", "sub/c.yml")
    write(tmp_path, "not a story", "notes.txt")
    write(tmp_path, "llm_judge: {}", "conftest.yml")  # Rasa Pro's test settings
    assert [case.name for case in load_cases([tmp_path])] == ["a", "b", "c"]


def test_a_missing_path_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such story file or folder"):
        load_cases([tmp_path / "nope"])


RASA_STORIES = """
version: "3.1"
stories:
  - story: check an order with annotations
    steps:
      - user: |
          where is my order [123456](order_id)
        intent: check_order_status
      - action: lookup_order
      - action: utter_order_status
      - slot_was_set:
          - order_id: "123456"
      - user: |
          and [earbuds]{"entity": "product", "value": "wireless headphones"} from [#234567](order_id:234567)
      - active_loop: null
      - intent: greet
        entities:
          - order_id: "345678"
      - action: utter_greet
"""


def test_rasa_test_stories_strip_annotations_and_assert_them(tmp_path: Path) -> None:
    [case] = load_story_file(write(tmp_path, RASA_STORIES))
    assert case.style == "story"
    assert case.name == "check an order with annotations"
    assert kinds(case) == [
        ("user", "where is my order 123456"),
        ("intent", "check_order_status"),
        ("entity", ("order_id", ANY_VALUE)),  # no explicit value: the span must match
        ("action", "lookup_order"),
        ("action", "utter_order_status"),
        ("slot_was_set", ("order_id", "123456")),
        ("user", "and earbuds from #234567"),
        ("entity", ("product", "wireless headphones")),
        ("entity", ("order_id", "234567")),
        ("user", '/greet{"order_id": "345678"}'),
        ("intent", "greet"),
        ("action", "utter_greet"),
    ]
    assert (case.steps[0].line, case.steps[0].column) == (6, 15)


def test_both_formats_may_share_a_file(tmp_path: Path) -> None:
    text = "test_cases:\n  - test_case: a\n    steps: [{user: hi}]\nstories:\n  - story: b\n    steps: [{user: ho}]\n"
    assert [(c.name, c.style) for c in load_story_file(write(tmp_path, text))] == [("a", "e2e"), ("b", "story")]


def test_bad_annotation_json_points_at_the_user_step(tmp_path: Path) -> None:
    text = 'stories:\n  - story: a\n    steps:\n      - user: "see [x]{\\"entity\\": 1}"\n'
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_story_file(path)
    assert str(caught.value).startswith(f"{path}:4:15: entity annotation")


def test_unknown_story_step_key_lists_the_valid_ones(tmp_path: Path) -> None:
    path = write(tmp_path, "stories:\n  - story: a\n    steps:\n      - user: hi\n      - checkpoint: c1\n")
    with pytest.raises(ConfigError) as caught:
        load_story_file(path)
    assert f"{path}:5:9: unknown key 'checkpoint'; valid keys: user, intent, entities, action" in str(caught.value)


def test_plain_scalars_are_sent_as_written_not_as_yaml_1_1_values(tmp_path: Path) -> None:
    text = "test_cases:\n  - test_case: y\n    steps:\n      - user: yes\n      - user: No  # a comment\n      - user: 0123\n      - bot: on\n"
    [case] = load_story_file(write(tmp_path, text))
    assert [step.value for step in case.steps] == ["yes", "No", "0123", "on"]


def test_rasa_story_plain_scalars_too(tmp_path: Path) -> None:
    text = "stories:\n  - story: y\n    steps:\n      - user: yes\n        intent: affirm\n      - action: utter_ok\n      - action: action_listen\n"
    [case] = load_story_file(write(tmp_path, text))
    assert kinds(case) == [("user", "yes"), ("intent", "affirm"), ("action", "utter_ok")]


def test_rasa_pro_fixtures_become_slot_values_of_the_case(tmp_path: Path) -> None:
    text = """
fixtures:
  - shipped_order:
      - order_id: "123456"
      - logged_in: true
test_cases:
  - test_case: uses a fixture
    fixtures: [shipped_order]
    steps:
      - user: where is my order
  - test_case: unknown fixture
    fixtures: [nope]
    steps:
      - user: hi
"""
    path = write(tmp_path, text)
    with pytest.raises(ConfigError, match=r"cases.yml:12:16: unknown fixture 'nope'; known: shipped_order"):
        load_story_file(path)
    path.write_text(text.split("  - test_case: unknown fixture")[0], encoding="utf-8")
    [case] = load_story_file(path)
    assert case.fixtures == (("order_id", "123456"), ("logged_in", True))


def test_names_the_bot_does_not_have_are_config_problems_with_a_suggestion(tmp_path: Path) -> None:
    from dialog.config.flow_model import ActionStep, Flow
    from dialog.config.models import BotConfig, Domain, NLUData, ResponseVariation, Settings, Slot
    from dialog.testing.case_checks import check_cases

    config = BotConfig(
        root=tmp_path,
        domain=Domain(
            intents=("greet",),
            entities=("order_id",),
            slots={"order_id": Slot("order_id")},
            responses={"utter_greet": (ResponseVariation(text="hi"),)},
        ),
        nlu=NLUData(),
        flows={"greet": Flow("greet", (ActionStep("a", action="utter_greet"),))},
        settings=Settings(),
    )
    text = """
test_cases:
  - test_case: typos
    steps:
      - user: hi
      - intent: greeet
      - flow_started: greet
      - utter: utter_gret
      - slot_was_set: {orderid: "1"}
      - flow_completed: nonsense
      - user: again
      - utter: utter_default
      - slot_was_not_set: requested_slot
"""
    path = write(tmp_path, text)
    problems = [str(p) for p in check_cases(load_story_file(path), config)]
    assert problems == [
        f"{path}:6:17: test case 'typos': unknown intent 'greeet'; did you mean 'greet'?",
        f"{path}:8:16: test case 'typos': unknown response 'utter_gret'; did you mean 'utter_greet'?",
        f"{path}:9:24: test case 'typos': unknown slot 'orderid'; did you mean 'order_id'?",
        f"{path}:10:25: test case 'typos': unknown flow 'nonsense'",
    ]


def test_now_freezes_a_file_s_cases_and_a_case_may_set_its_own(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "now: 2030-05-06T10:00:00\n"
        "test_cases:\n"
        "  - test_case: file clock\n    steps:\n      - user: hi\n      - slot_was_set: {day: 2030-05-07}\n"
        "  - test_case: own clock\n    now: '2031-01-01T08:30:00+01:00'\n    steps:\n      - user: hi\n"
        "stories:\n  - story: rasa story\n    steps:\n      - user: hi\n",
    )
    cases = load_story_file(path)
    assert [case.now for case in cases] == ["2030-05-06T10:00:00", "2031-01-01T08:30:00+01:00", "2030-05-06T10:00:00"]
    assert kinds(cases[0])[1] == ("slot_was_set", ("day", "2030-05-07"))  # YAML's date, as a date slot holds it
    assert load_story_file(write(tmp_path, "test_cases:\n  - test_case: a\n    steps:\n      - user: hi\n", "b.yml"))[0].now is None


def test_a_now_that_is_no_moment_points_at_its_place(tmp_path: Path) -> None:
    path = write(tmp_path, "test_cases:\n  - test_case: a\n    now: next tuesday\n    steps:\n      - user: hi\n")
    with pytest.raises(ConfigError) as caught:
        load_story_file(path)
    assert f"{path}:3:10: 'now' must be an ISO date and time such as 2030-05-06T10:00:00, got 'next tuesday'" in str(caught.value)


def test_rasa_story_dates_and_yes_no_intents_read_as_yaml_1_2(tmp_path: Path) -> None:
    text = "stories:\n  - story: d\n    steps:\n      - user: 2030-05-06\n        intent: inform\n      - intent: no\n      - user: on\n        intent: yes\n"
    [case] = load_story_file(write(tmp_path, text))
    assert kinds(case) == [("user", "2030-05-06"), ("intent", "inform"), ("user", "/no"), ("intent", "no"), ("user", "on"), ("intent", "yes")]


def test_rasa_default_actions_forms_and_retrieval_responses_are_known_names(tmp_path: Path) -> None:
    from dialog.config.models import BotConfig, Domain, NLUData, ResponseVariation, Settings
    from dialog.testing.case_checks import check_cases

    config = BotConfig(
        root=tmp_path,
        domain=Domain(
            intents=("faq", "faq/ask_name"),
            responses={"utter_faq/ask_name": (ResponseVariation(text="Bot."),)},
            forms={"pizza_form": {"required_slots": []}},
        ),
        nlu=NLUData(),
        flows={},
        settings=Settings(),
    )
    steps = "".join(f"      - action: {name}\n" for name in ("action_deactivate_loop", "action_restart", "action_default_fallback", "pizza_form", "utter_faq", "action_nope"))
    path = write(tmp_path, f"stories:\n  - story: s\n    steps:\n      - intent: faq\n{steps}")
    assert [str(p) for p in check_cases(load_story_file(path), config)] == [f"{path}:10:17: test case 's': unknown action or response 'action_nope'; did you mean 'action_handoff'?"]


def test_an_intent_written_as_its_payload_is_that_intent(tmp_path: Path) -> None:
    text = "stories:\n  - story: r\n    steps:\n      - intent: /restart\n      - user: /greet\n        intent: /greet\n"
    [case] = load_story_file(write(tmp_path, text))
    assert kinds(case) == [("user", "/restart"), ("intent", "restart"), ("user", "/greet"), ("intent", "greet")]
