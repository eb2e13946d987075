"""endpoints.yml, Rasa's file: a Rasa SDK action server, and the tracker store.

With an ``action_endpoint``, the domain's actions listed Rasa-style (a bare name
under ``actions:``) run on that server, exactly as ``rasa run actions`` serves
them to Rasa; actions written as ``name: module:function`` stay in-process Python.
A Rasa ``tracker_store`` (redis, SQL on PostgreSQL or SQLite, in-memory) becomes the
store URL here, unless config.yml names one. Values may name environment variables as
``${NAME}`` (passwords stay out of the file), as in Rasa. Rasa's other endpoints have
their own settings here and are warnings, and so are sections Rasa does not know
(a project's own settings for its action server).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from types import MappingProxyType
from urllib.parse import quote

from dialog.config.files import Document
from dialog.config.models import ActionEndpoint
from dialog.config.schema import FileReport, Reporter, describe, suggest
from dialog.config.yaml_reader import LocatedMap, Mark

__all__ = ["Endpoints", "parse_endpoints", "store_url"]

_TOP_KEYS = ("action_endpoint", "tracker_store", "version")
_TOP_IGNORED = {
    "lock_store": "conversations are locked by their tracker store",
    "event_broker": "there is no event broker; read conversations from the tracker store or /conversations/<id>/tracker",
    "models": "models are trained and loaded from the bot folder",
    "nlg": "responses are rendered in-process from domain.yml",
    "model_groups": "Rasa Pro's LLM settings; dialog's free-form replies use the llm section of config.yml",
    "vector_store": "Rasa Pro's document search; dialog searches the bot's docs/ or knowledge/ folder itself",
}
_ENDPOINT_KEYS = ("headers", "timeout_s", "token", "token_name", "url")
_ENDPOINT_IGNORED = {
    "basic_auth": "use headers (Authorization) instead",
    "cafile": "the system's certificate store is used",
    "kwargs": "not used",
}
_VARIABLE = re.compile(r"\$\{([^}]+)\}")


@dataclass(frozen=True)
class Endpoints:
    action_endpoint: ActionEndpoint | None = None
    tracker_store: str | None = None  # as a store URL


def parse_endpoints(documents: list[Document], reporter: Reporter) -> Endpoints:
    endpoint = tracker_store = None
    for document in documents:
        report = reporter.file(document.path)
        data = report.mapping(document.data, (1, 1), "endpoints file")
        if data is None:
            continue
        custom = _custom_sections(data, report)
        report.keys(data, (*_TOP_KEYS, *custom), "endpoints file", ignored=_TOP_IGNORED)
        if data.get("action_endpoint") is not None:
            section = report.mapping(data["action_endpoint"], data.value_mark("action_endpoint"), "'action_endpoint'")
            if section is not None:
                endpoint = _parse_action_endpoint(section, report) or endpoint
        if data.get("tracker_store") is not None:
            section = report.mapping(data["tracker_store"], data.value_mark("tracker_store"), "'tracker_store'")
            if section is not None:
                tracker_store = store_url(section, report) or tracker_store
    return Endpoints(endpoint, tracker_store)


def _custom_sections(data: LocatedMap, report: FileReport) -> list[str]:
    """Sections Rasa does not know, each a warning: not an error in Rasa, whose action server
    may read them (``helpdesk: {mode: local}``). A near-miss of a known key is named."""
    known = sorted({*_TOP_KEYS, *_TOP_IGNORED})
    custom = [str(key) for key in data if key not in known]
    for key in custom:
        report.warn(
            data.key_mark(key),
            f"unknown key '{key}' in endpoints file{suggest(key, known)} (ignored, as Rasa ignores it: its action server may read it); "
            f"valid keys: {', '.join(known)}",
        )
    return custom


def _parse_action_endpoint(data: LocatedMap, report: FileReport) -> ActionEndpoint | None:
    """Every problem of the section is reported; None if there was one."""
    what = "action_endpoint"
    errors_before = len(report.reporter.problems)
    in_process = data.get("actions_module") is not None and "url" not in data
    report.keys(data, (*_ENDPOINT_KEYS, "actions_module"), what, ignored=_ENDPOINT_IGNORED, required=() if in_process else ("url",))
    if in_process:  # Rasa Pro 3.10+: the actions run inside Rasa's own process
        report.warn(
            data.key_mark("actions_module"),
            f"{what}: 'actions_module' (Rasa Pro running the Rasa SDK actions in its own process) is not supported here: "
            "run them with `rasa run actions` and give the server's 'url'; until then they do not run",
        )
        return None
    url = _expanded(report.typed(data, "url", str, what), data.value_mark("url"), report, what)
    if url is not None and not url.startswith(("http://", "https://")):
        report.error(data.value_mark("url"), f"{what}: 'url' must start with http:// or https://, got {url!r}")
    token = _expanded(report.typed(data, "token", str, what), data.value_mark("token"), report, what)
    headers = report.typed(data, "headers", dict, what) or {}
    header_values = {}
    for key, value in headers.items():
        if isinstance(value, (dict, list)) or value is None:
            report.error(headers.value_mark(key), f"{what}: header '{key}' must be a string, got {describe(value)}")
        else:
            header_values[str(key)] = _expanded(str(value), headers.value_mark(key), report, what) or ""
    timeout_s = report.typed(data, "timeout_s", float, what, 10.0)
    if timeout_s <= 0:
        report.error(data.value_mark("timeout_s"), f"{what}: 'timeout_s' must be more than 0, got {timeout_s}")
    if url is None or len(report.reporter.problems) > errors_before:
        return None
    return ActionEndpoint(
        url=url,
        token=token,
        token_name=report.typed(data, "token_name", str, what, "token"),
        headers=MappingProxyType(header_values),
        timeout_s=timeout_s,
        mark=(report.path, *data.mark),
    )


def _expanded(value: str | None, mark: Mark, report: FileReport, what: str) -> str | None:
    """``${NAME}`` replaced by the environment variable; a missing one is an error."""
    if value is None:
        return None
    missing = [name for name in _VARIABLE.findall(value) if name not in os.environ]
    if missing:
        report.error(mark, f"{what}: environment variable {', '.join(missing)} is not set")
        return None
    return _VARIABLE.sub(lambda match: os.environ[match.group(1)], value)


_STORE_KEYS = ("db", "dialect", "password", "port", "type", "url", "use_ssl", "username")
_STORE_IGNORED = {
    "key_prefix": "conversations are keyed by sender id",
    "record_exp": "conversations are kept until deleted",
    "login_db": "the store connects to `db` directly",
    "query": "put driver options in config.yml's tracker_store URL",
}


def store_url(data: LocatedMap, report: FileReport) -> str | None:
    """A Rasa ``tracker_store`` section as the store URL that does the same here."""
    what = "tracker_store"
    report.keys(data, _STORE_KEYS, what, ignored=_STORE_IGNORED)
    kind = str(report.typed(data, "type", str, what, "InMemoryTrackerStore")).lower()
    text = {key: _expanded(str(data[key]), data.value_mark(key), report, what) for key in _STORE_KEYS if data.get(key) is not None}
    if None in text.values():  # an unset ${VARIABLE}, reported
        return None
    if kind in ("inmemorytrackerstore", "memory"):
        return "memory://"
    if kind == "redis":
        scheme = "rediss" if str(text.get("use_ssl", "false")).lower() == "true" else "redis"
        password = f":{quote(text['password'], safe='')}@" if text.get("password") else ""
        return f"{scheme}://{password}{text.get('url', 'localhost')}:{text.get('port', '6379')}/{text.get('db', '0')}"
    if kind == "sql":
        dialect = text.get("dialect", "sqlite").split("+")[0]
        if dialect == "sqlite":
            return f"sqlite:///{text.get('db', 'rasa.db')}"
        if dialect == "postgresql":
            user = quote(text.get("username", ""), safe="")
            login = f"{user}:{quote(text['password'], safe='')}@" if text.get("password") else (f"{user}@" if user else "")
            return f"postgresql://{login}{text.get('url', 'localhost')}:{text.get('port', '5432')}/{text.get('db', 'rasa')}"
        report.error(data.value_mark("dialect"), f"{what}: SQL dialect '{dialect}' is not supported; use postgresql or sqlite")
        return None
    report.error(
        data.value_mark("type"),
        f"{what}: type '{data.get('type')}' is not supported here; use redis, SQL (postgresql or sqlite) or InMemoryTrackerStore",
    )
    return None
