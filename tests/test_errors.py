from __future__ import annotations

from dialog.errors import ChannelError, ComponentError, ConfigError, DialogError, Problem, TemplateError


def test_config_error_lists_every_problem_sorted_by_position() -> None:
    error = ConfigError([Problem("b.yml", 3, 1, "late"), Problem("a.yml", 9, 2, "x"), Problem("b.yml", 1, 5, "early")])
    assert str(error).splitlines() == ["a.yml:9:2: x", "b.yml:1:5: early", "b.yml:3:1: late"]
    assert (error.path, error.line, error.column) == ("a.yml", 9, 2)
    assert error.exit_code == 2


def test_config_error_from_a_plain_message_names_the_file() -> None:
    assert str(ConfigError("cannot read", path="x.yml")) == "x.yml: cannot read"


def test_every_error_is_a_dialog_error() -> None:
    assert isinstance(ComponentError("sklearn_intent", "bad"), DialogError)
    assert str(ComponentError("sklearn_intent", "bad")) == "component 'sklearn_intent': bad"
    assert str(TemplateError("utter_x", "undefined", "domain.yml")) == "domain.yml: response 'utter_x': undefined"
    assert ChannelError("too big", status=413).status == 413
