"""endpoints.yml (Rasa's): the action_endpoint, ${ENV} values, and Rasa's other endpoints as warnings."""

from __future__ import annotations

import pytest

from dialog.config.models import ACTION_SERVER

RASA_DOMAIN_WITH_ACTIONS = """\
version: "3.1"
intents: [greet]
responses:
  utter_greet: [{text: hi}]
actions:
  - action_hello_world
  - utter_greet
"""


def test_rasa_listed_actions_run_on_the_action_server(bot) -> None:
    bot.write("domain.yml", RASA_DOMAIN_WITH_ACTIONS)
    bot.write("endpoints.yml", "action_endpoint:\n  url: http://localhost:5055/webhook\n")
    config = bot.load()
    assert dict(config.domain.actions) == {"action_hello_world": ACTION_SERVER}
    endpoint = config.settings.action_endpoint
    assert (endpoint.url, endpoint.token, endpoint.timeout_s, endpoint.mark) == ("http://localhost:5055/webhook", None, 10.0, ("bot/endpoints.yml", 2, 3))
    assert config.warnings == ()  # no "module actions.py does not exist": nothing runs in-process


def test_without_endpoints_yml_they_are_functions_in_actions_py(bot) -> None:
    bot.write("domain.yml", RASA_DOMAIN_WITH_ACTIONS)
    config = bot.load()
    assert dict(config.domain.actions) == {"action_hello_world": "actions:action_hello_world"}
    assert config.settings.action_endpoint is None


def test_module_function_actions_stay_in_process_beside_an_action_server(bot) -> None:
    bot.write("domain.yml", "intents: [greet]\nactions:\n  lookup: actions:lookup\n")
    bot.write("actions.py", "def lookup(ctx):\n    return {}\n")
    bot.write("endpoints.yml", "action_endpoint:\n  url: http://localhost:5055/webhook\n")
    assert dict(bot.load().domain.actions) == {"lookup": "actions:lookup"}


def test_values_may_name_environment_variables(bot, monkeypatch) -> None:
    monkeypatch.setenv("ACTIONS_HOST", "actions.internal")
    monkeypatch.setenv("ACTIONS_TOKEN", "t0k3n")
    bot.write(
        "endpoints.yml",
        """\
        action_endpoint:
          url: "https://${ACTIONS_HOST}/webhook"
          token: ${ACTIONS_TOKEN}
          token_name: auth
          headers:
            X-Api-Key: ${ACTIONS_TOKEN}
          timeout_s: 3
        """,
    )
    endpoint = bot.load().settings.action_endpoint
    assert (endpoint.url, endpoint.token, endpoint.token_name, dict(endpoint.headers), endpoint.timeout_s) == (
        "https://actions.internal/webhook", "t0k3n", "auth", {"X-Api-Key": "t0k3n"}, 3.0,
    )


def test_rasa_s_other_endpoints_are_warnings_that_say_where_their_job_is_done(bot) -> None:
    bot.write(
        "endpoints.yml",
        """\
        event_broker:
          type: pika
        lock_store:
          type: redis
        action_endpoint:
          url: http://localhost:5055/webhook
          cafile: ca.pem
        """,
    )
    assert bot.load().warnings == (
        "bot/endpoints.yml:1:1: 'event_broker' in endpoints file is accepted but ignored: there is no event broker; read "
        "conversations from the tracker store or /conversations/<id>/tracker",
        "bot/endpoints.yml:3:1: 'lock_store' in endpoints file is accepted but ignored: conversations are locked by their tracker store",
        "bot/endpoints.yml:7:3: 'cafile' in action_endpoint is accepted but ignored: the system's certificate store is used",
    )


@pytest.mark.parametrize(
    ("section", "url"),
    [
        ("type: redis\n  url: cache.internal\n  port: 6380\n  db: 2\n  password: ${REDIS_PASSWORD}", "redis://:p%40ss@cache.internal:6380/2"),
        ("type: redis\n  url: cache.internal\n  use_ssl: true", "rediss://cache.internal:6379/0"),
        (
            "type: SQL\n  dialect: postgresql\n  url: db.internal\n  db: rasa\n  username: bot\n  password: ${REDIS_PASSWORD}",
            "postgresql://bot:p%40ss@db.internal:5432/rasa",
        ),
        ("type: SQL\n  dialect: sqlite\n  db: conversations.db", "sqlite:///conversations.db"),
        ("type: InMemoryTrackerStore", "memory://"),
    ],
)
def test_a_rasa_tracker_store_becomes_the_store_url(bot, monkeypatch, section: str, url: str) -> None:
    monkeypatch.setenv("REDIS_PASSWORD", "p@ss")
    bot.write("endpoints.yml", "tracker_store:\n  " + section + "\n")
    assert bot.load().settings.tracker_store == url


def test_config_yml_s_tracker_store_wins_over_endpoints_yml(bot) -> None:
    bot.write("endpoints.yml", "tracker_store:\n  type: redis\n")
    bot.write("config.yml", "tracker_store: memory://\n")
    assert bot.load().settings.tracker_store == "memory://"


def test_an_unset_variable_in_the_tracker_store_names_that_section(bot, monkeypatch) -> None:
    monkeypatch.delenv("NO_SUCH_DIALECT", raising=False)
    bot.write("endpoints.yml", "tracker_store:\n  type: SQL\n  dialect: ${NO_SUCH_DIALECT}\n")
    assert bot.problems() == ["bot/endpoints.yml:3:12: tracker_store: environment variable NO_SUCH_DIALECT is not set"]


def test_an_unsupported_tracker_store_is_an_error(bot) -> None:
    bot.write("endpoints.yml", "tracker_store:\n  type: mongod\n  url: mongodb://localhost:27017\n")
    assert bot.problems() == [
        "bot/endpoints.yml:2:9: tracker_store: type 'mongod' is not supported here; use redis, SQL (postgresql or sqlite) or InMemoryTrackerStore"
    ]


def test_endpoint_problems_point_at_the_line(bot, monkeypatch) -> None:
    monkeypatch.delenv("NOT_SET_ANYWHERE", raising=False)
    bot.write(
        "endpoints.yml",
        """\
        action_endpoint:
          url: localhost:5055/webhook
          token: ${NOT_SET_ANYWHERE}
          retries: 3
          timeout_s: 0
        """,
    )
    assert bot.problems() == [
        "bot/endpoints.yml:2:8: action_endpoint: 'url' must start with http:// or https://, got 'localhost:5055/webhook'",
        "bot/endpoints.yml:3:10: action_endpoint: environment variable NOT_SET_ANYWHERE is not set",
        "bot/endpoints.yml:4:3: unknown key 'retries' in action_endpoint; valid keys: actions_module, basic_auth, cafile, headers, kwargs, "
        "timeout_s, token, token_name, url",
        "bot/endpoints.yml:5:14: action_endpoint: 'timeout_s' must be more than 0, got 0.0",
    ]


def test_a_header_must_be_text(bot) -> None:
    bot.write("endpoints.yml", "action_endpoint:\n  url: http://x/webhook\n  headers:\n    X-Key: {a: 1}\n")
    assert bot.problems() == ["bot/endpoints.yml:4:12: action_endpoint: header 'X-Key' must be a string, got a mapping"]


def test_an_action_endpoint_without_a_url(bot) -> None:
    bot.write("endpoints.yml", "action_endpoint:\n  token: abc\n")
    assert bot.problems() == ["bot/endpoints.yml:2:3: action_endpoint: missing required key 'url'"]


def test_a_section_rasa_does_not_know_is_a_warning_as_rasa_ignores_it_too(bot) -> None:
    # Rasa's helpdesk-assistant keeps its action server's settings in endpoints.yml.
    bot.write("endpoints.yml", "action_endpoint:\n  url: http://localhost:5055/webhook\nhelpdesk:\n  mode: local\naction_endpont: {}\n")
    config = bot.load()
    assert config.settings.action_endpoint is not None
    valid = "valid keys: action_endpoint, event_broker, lock_store, model_groups, models, nlg, tracker_store, vector_store, version"
    assert (
        "bot/endpoints.yml:3:1: unknown key 'helpdesk' in endpoints file (ignored, as Rasa ignores it: its action server may read it); " + valid
    ) in config.warnings
    assert (
        "bot/endpoints.yml:5:1: unknown key 'action_endpont' in endpoints file (did you mean 'action_endpoint'?) "
        "(ignored, as Rasa ignores it: its action server may read it); " + valid
    ) in config.warnings


def test_rasa_pro_s_in_process_actions_module_is_a_warning_and_no_endpoint(bot) -> None:  # type: ignore[no-untyped-def]
    bot.write("endpoints.yml", "action_endpoint:\n  actions_module: actions\n")
    config = bot.load()
    assert config.settings.action_endpoint is None
    assert any("'actions_module' (Rasa Pro running the Rasa SDK actions in its own process) is not supported here" in w for w in config.warnings)
