"""Rasa's ``credentials.yml`` in a bot folder: the ``socketio:`` and ``rest:`` sections.

``socketio:`` sets the Socket.IO channel's event names and options, as Rasa reads
them; ``rest:`` (which takes no options) is accepted. Other channels (telegram,
slack...) are not served here, and a warning names them. Wrong types are a
``ConfigError`` at ``file:line:col``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dialog.config.yaml_reader import LocatedMap, load_yaml
from dialog.errors import ConfigError, Problem

__all__ = ["CREDENTIALS_FILE", "SocketIOOptions", "read_credentials"]

CREDENTIALS_FILE = "credentials.yml"


@dataclass(frozen=True)
class SocketIOOptions:
    """Rasa's ``socketio`` channel options, with Rasa's defaults."""

    user_message_evt: str = "user_uttered"
    bot_message_evt: str = "bot_uttered"
    session_persistence: bool = False
    socketio_path: str = "/socket.io"
    metadata_key: str = "metadata"


_STRING_KEYS = ("user_message_evt", "bot_message_evt", "socketio_path", "metadata_key")
# Rasa options that change nothing here, with why
_IGNORED = {
    "jwt_key": "use --auth-token; its token is checked on connect",
    "jwt_method": "use --auth-token; its token is checked on connect",
}


def read_credentials(root: Path) -> tuple[SocketIOOptions, list[str]]:
    """The Socket.IO options of the bot in ``root`` and the warnings about its credentials.yml."""
    path = root / CREDENTIALS_FILE
    if not path.is_file():
        return SocketIOOptions(), []
    data = load_yaml(path)
    if data is None:
        return SocketIOOptions(), []
    if not isinstance(data, dict):
        raise ConfigError(Problem(str(path), 1, 1, "credentials.yml must be a mapping of channel names to options"))
    warnings = [
        f"{path}:{_line(data, name)}: channel '{name}' is not served by dialog (socketio and rest are); ignored"
        for name in data
        if name not in ("socketio", "rest", "rasa")
    ]
    section = data.get("socketio")
    if section is None:
        return SocketIOOptions(), warnings
    if not isinstance(section, dict):
        line, column = data.value_mark("socketio") if isinstance(data, LocatedMap) else (0, 0)
        raise ConfigError(Problem(str(path), line, column, "socketio: must be a mapping of options"))
    values: dict[str, Any] = {}
    problems: list[Problem] = []
    for key, value in section.items():
        line, column = section.value_mark(key) if isinstance(section, LocatedMap) else (0, 0)
        if key in _STRING_KEYS:
            if not isinstance(value, str) or not value.strip():
                problems.append(Problem(str(path), line, column, f"socketio.{key} must be a non-empty string"))
            else:
                values[key] = value.strip()
        elif key == "session_persistence":
            if not isinstance(value, bool):
                problems.append(Problem(str(path), line, column, "socketio.session_persistence must be true or false"))
            else:
                values[key] = value
        elif key in _IGNORED:
            warnings.append(f"{path}:{line}:{column}: socketio.{key} is ignored: {_IGNORED[key]}")
        else:
            valid = ", ".join((*_STRING_KEYS, "session_persistence"))
            problems.append(Problem(str(path), line, column, f"socketio: unknown option '{key}'; valid: {valid}"))
    if problems:
        raise ConfigError(problems)
    if "socketio_path" in values and not values["socketio_path"].startswith("/"):
        values["socketio_path"] = "/" + values["socketio_path"]
    if "socketio_path" in values:
        values["socketio_path"] = values["socketio_path"].rstrip("/") or "/socket.io"
    return SocketIOOptions(**values), warnings


def _line(data: Any, key: str) -> str:
    if isinstance(data, LocatedMap):
        line, column = data.key_mark(key)
        return f"{line}:{column}"
    return "0:0"
