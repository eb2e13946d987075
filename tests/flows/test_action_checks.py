"""dialog validate's import check of in-process actions: a Rasa form's validator is not
one, and a Rasa project's custom actions for an action server are a warning, as in Rasa."""

from __future__ import annotations

from pathlib import Path

import pytest

from dialog.config import load_bot
from dialog.errors import ActionError
from dialog.flows.action_checks import check_action_imports
from dialog.flows.action_runner import ActionRunner

DOMAIN = """\
intents: [buy]
slots:
  size: {type: text, mappings: [{type: from_text}]}
forms:
  pizza_form: {required_slots: [size]}
responses:
  utter_ask_size: [{text: Which size?}]
actions:
  - validate_pizza_form
  - action_order
"""
NO_SERVER = "action 'action_order' is a Rasa SDK custom action, but endpoints.yml names no action_endpoint"


def _checked(root: Path) -> tuple[list[str], list[str]]:
    (root / "domain.yml").write_text(DOMAIN)
    (root / "nlu.yml").write_text("nlu:\n- intent: buy\n  examples: '- a pizza'\n")
    errors, warnings = check_action_imports(load_bot(root))
    return [str(problem) for problem in errors], [str(problem) for problem in warnings]


def test_a_listed_action_without_an_actions_module_is_a_warning_that_names_the_action_server(tmp_path: Path) -> None:
    errors, warnings = _checked(tmp_path)
    assert errors == []
    assert len(warnings) == 1  # not validate_pizza_form: a form runs unvalidated without it
    assert warnings[0].startswith(f"{tmp_path / 'domain.yml'}:10:5: {NO_SERVER}")


def test_rasa_3_s_actions_package_of_rasa_sdk_classes_is_a_warning(tmp_path: Path) -> None:
    (tmp_path / "actions").mkdir()
    (tmp_path / "actions" / "__init__.py").write_text("")
    (tmp_path / "actions" / "actions.py").write_text("from rasa_sdk import Action\n")
    errors, warnings = _checked(tmp_path)
    assert errors == [] and len(warnings) == 1 and NO_SERVER in warnings[0]


def test_an_actions_module_that_needs_rasa_sdk_is_a_warning(tmp_path: Path) -> None:
    (tmp_path / "actions.py").write_text("from rasa_sdk import Action\n")
    errors, warnings = _checked(tmp_path)
    assert errors == [] and NO_SERVER in warnings[0]


def test_an_actions_module_of_functions_that_lacks_the_action_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "actions.py").write_text("def action_ordr(ctx):\n    return None\n")
    errors, warnings = _checked(tmp_path)
    assert errors == [f"{tmp_path / 'domain.yml'}:10:5: action 'action_order': actions.py in {tmp_path} has no function 'action_order'"]
    assert warnings == []


def test_rasa_sdk_s_knowledge_base_action_is_named_with_what_does_its_job_here(tmp_path: Path) -> None:
    # Rasa's knowledgebasebot: an ActionQueryKnowledgeBase subclass in actions/actions.py.
    (tmp_path / "actions").mkdir()
    (tmp_path / "actions" / "actions.py").write_text(
        "from rasa_sdk.knowledge_base.actions import ActionQueryKnowledgeBase\n\nclass ActionMyKB(ActionQueryKnowledgeBase):\n    pass\n"
    )
    errors, warnings = _checked(tmp_path)
    assert errors == []
    assert warnings[0].endswith(
        "rasa_sdk's ActionQueryKnowledgeBase runs only on the action server: dialog's own knowledge answers "
        "read Markdown or text documents in knowledge/ instead (README, 'Answers from documents')"
    )


def test_a_turn_that_needs_a_rasa_sdk_action_logs_the_same_reason(tmp_path: Path) -> None:
    (tmp_path / "domain.yml").write_text(DOMAIN)
    (tmp_path / "nlu.yml").write_text("nlu:\n- intent: buy\n  examples: '- a pizza'\n")
    config = load_bot(tmp_path)
    with pytest.raises(ActionError, match=NO_SERVER):
        ActionRunner(config.domain.actions, config.root).function("action_order")


def test_a_custom_action_that_overrides_a_rasa_default_action_is_named_as_not_called(tmp_path: Path) -> None:
    # Rasa's financial-demo lists its own action_session_start and action_restart.
    (tmp_path / "domain.yml").write_text(DOMAIN + "  - action_session_start\n  - action_restart\n")
    (tmp_path / "nlu.yml").write_text("nlu:\n- intent: buy\n  examples: '- a pizza'\n")
    (tmp_path / "endpoints.yml").write_text("action_endpoint:\n  url: http://localhost:5055/webhook\n")
    errors, warnings = check_action_imports(load_bot(tmp_path))
    assert errors == []
    assert [str(warning).split(": ", 1)[1] for warning in warnings] == [
        "action 'action_session_start' overrides Rasa's default action of that name, which is not called here: "
        "a new session starts with empty slots, after session_config's expiration time",
        "action 'action_restart' overrides Rasa's default action of that name, which is not called here: "
        "/restart (or a flow's action_restart step) clears the conversation",
    ]
