"""Rasa's credentials.yml: the socketio section's options, warnings and errors with positions."""

from __future__ import annotations

from pathlib import Path

import pytest

from dialog.channels.credentials import SocketIOOptions, read_credentials
from dialog.errors import ConfigError


def write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "credentials.yml").write_text(text, encoding="utf-8")
    return tmp_path


def test_no_file_means_rasas_defaults(tmp_path: Path) -> None:
    assert read_credentials(tmp_path) == (SocketIOOptions(), [])


def test_a_rasa_credentials_file_is_read(tmp_path: Path) -> None:
    options, warnings = read_credentials(write(tmp_path, """
rest:
socketio:
  user_message_evt: user_uttered
  bot_message_evt: bot_uttered
  session_persistence: true
  socketio_path: ws/
  metadata_key: customData
telegram:
  access_token: "x"
"""))
    assert options == SocketIOOptions("user_uttered", "bot_uttered", True, "/ws", "customData")
    assert len(warnings) == 1 and "credentials.yml:9:1: channel 'telegram' is not served" in warnings[0]


def test_jwt_options_are_ignored_with_a_warning(tmp_path: Path) -> None:
    options, warnings = read_credentials(write(tmp_path, "socketio:\n  jwt_key: abc\n"))
    assert options == SocketIOOptions()
    assert "socketio.jwt_key is ignored" in warnings[0] and "--auth-token" in warnings[0]


def test_wrong_options_say_where_and_why(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        read_credentials(write(tmp_path, "socketio:\n  session_persistence: maybe\n  bot_message_evt: 3\n  colour: red\n"))
    lines = str(caught.value).splitlines()
    assert lines[0].endswith("credentials.yml:2:24: socketio.session_persistence must be true or false")
    assert lines[1].endswith("credentials.yml:3:20: socketio.bot_message_evt must be a non-empty string")
    assert "credentials.yml:4:11: socketio: unknown option 'colour'; valid: user_message_evt" in lines[2]


def test_broken_yaml_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"credentials.yml:3:1: invalid YAML"):
        read_credentials(write(tmp_path, "socketio:\n  a: [\n"))
