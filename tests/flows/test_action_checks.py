"""dialog validate's import check of in-process actions: a Rasa form's validator is not one."""

from __future__ import annotations

from pathlib import Path

from dialog.config import load_bot
from dialog.flows.action_checks import check_action_imports

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


def test_a_form_validator_is_not_imported_but_other_listed_actions_are(tmp_path: Path) -> None:
    (tmp_path / "domain.yml").write_text(DOMAIN)
    (tmp_path / "nlu.yml").write_text("nlu:\n- intent: buy\n  examples: '- a pizza'\n")
    problems = [str(problem) for problem in check_action_imports(load_bot(tmp_path))]
    assert problems == [f"{tmp_path / 'domain.yml'}: action 'action_order': no module actions.py in {tmp_path}"]
