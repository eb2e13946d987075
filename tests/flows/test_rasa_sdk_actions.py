"""A Rasa project's custom actions written for a Rasa SDK action server are told apart
from a missing function of a dialog bot."""

from __future__ import annotations

from pathlib import Path

from dialog.errors import ActionError
from dialog.flows.rasa_sdk_actions import rasa_sdk_error


def _import_error(missing: str) -> ActionError:
    error = ActionError("importing actions failed")
    error.__cause__ = ModuleNotFoundError(f"No module named '{missing}'", name=missing)
    return error


def test_an_action_with_no_actions_module_is_for_an_action_server(tmp_path: Path) -> None:
    found = rasa_sdk_error("action_hello", tmp_path, ActionError("no module actions.py"))
    assert found is not None and str(found).startswith("action 'action_hello' is a Rasa SDK custom action")
    assert "ActionQueryKnowledgeBase" not in str(found)


def test_an_actions_module_that_imports_rasa_sdk_is_for_an_action_server(tmp_path: Path) -> None:
    (tmp_path / "actions.py").write_text("from rasa_sdk import Action\n")
    assert rasa_sdk_error("action_hello", tmp_path, _import_error("rasa_sdk.events")) is not None


def test_a_dialog_actions_module_with_a_broken_import_or_missing_function_is_not(tmp_path: Path) -> None:
    (tmp_path / "actions.py").write_text("import requestz\n")
    assert rasa_sdk_error("action_hello", tmp_path, _import_error("requestz")) is None
    assert rasa_sdk_error("action_hello", tmp_path, ActionError("actions.py has no function 'action_hello'")) is None
