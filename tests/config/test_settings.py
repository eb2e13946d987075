"""config.yml: defaults, pipeline specs checked against the component registry, LLM and server settings."""

from __future__ import annotations

import pytest

from dialog.config.defaults import DEFAULT_PIPELINE
from dialog.registry import component_names


def test_missing_config_means_defaults(bot) -> None:
    settings = bot.load().settings
    assert [(spec.name, dict(spec.options)) for spec in settings.pipeline] == [
        (entry["name"], {k: v for k, v in entry.items() if k != "name"}) for entry in DEFAULT_PIPELINE
    ]
    assert settings.llm.provider == "transformers"
    assert settings.language == "en"
    assert settings.tracker_store == "sqlite:///.dialog/conversations.db"
    assert (settings.trigger_threshold, settings.digression_threshold) == (0.5, 0.8)


def test_empty_pipeline_means_the_default_pipeline(bot) -> None:
    bot.write("config.yml", "language: en\npipeline:\n")
    assert [spec.name for spec in bot.load().settings.pipeline] == [entry["name"] for entry in DEFAULT_PIPELINE]


def test_every_key(bot, tmp_path) -> None:
    (tmp_path / "bot" / "model").mkdir()
    bot.write(
        "config.yml",
        """\
        recipe: default.v1
        assistant_id: my-bot
        language: de
        pipeline:
          - name: spacy_tokenizer
          - name: sklearn_intent
            threshold: 0.3
        policies:
          - name: RulePolicy
        llm:
          provider: transformers
          model: model
          max_new_tokens: 40
          timeout_s: 2.5
          temperature: 0
          history_turns: 2
        tracker_store: redis://localhost:6379/0
        trigger_threshold: 0.7
        digression_threshold: 0.9
        cancel_intents: [stop]
        max_message_chars: 500
        max_body_bytes: 1000
        callback_url: http://localhost:5034/bot
        cors_origins: "*"
        """,
    )
    config = bot.load()
    settings = config.settings
    assert settings.language == "de"
    assert [(spec.name, dict(spec.options), spec.mark) for spec in settings.pipeline] == [
        ("spacy_tokenizer", {}, ("bot/config.yml", 5, 5)),
        ("sklearn_intent", {"threshold": 0.3}, ("bot/config.yml", 6, 5)),
    ]
    assert (settings.llm.model, settings.llm.max_new_tokens, settings.llm.timeout_s) == ("model", 40, 2.5)
    assert (settings.llm.temperature, settings.llm.history_turns) == (0.0, 2)
    assert settings.tracker_store == "redis://localhost:6379/0"
    assert settings.trigger_threshold == 0.7
    assert settings.digression_threshold == 0.9
    assert settings.cancel_intents == ("stop",)
    assert (settings.max_message_chars, settings.max_body_bytes) == (500, 1000)
    assert settings.callback_url == "http://localhost:5034/bot"
    assert settings.cors_origins == ("*",)
    assert dict(settings.extra) == {"recipe": "default.v1", "assistant_id": "my-bot", "policies": [{"name": "RulePolicy"}]}
    assert settings.path == "bot/config.yml"
    assert config.warnings == (
        "bot/config.yml:1:1: 'recipe' in config is accepted but ignored: there is one recipe",
        "bot/config.yml:2:1: 'assistant_id' in config is accepted but ignored: not used",
        "bot/config.yml:8:1: 'policies' in config is accepted but ignored: dialogue is run by flows, not policies",
    )


@pytest.mark.parametrize(
    ("config", "problem"),
    [
        (
            "pipeline:\n  - name: spacy_tokeniser\n",
            f"bot/config.yml:2:11: unknown component 'spacy_tokeniser' (did you mean 'spacy_tokenizer'?); valid names: {', '.join(component_names())}",
        ),
        (
            "pipeline:\n  - threshold: 0.3\n",
            f"bot/config.yml:2:5: each pipeline entry needs a 'name'; valid names: {', '.join(component_names())}",
        ),
        (
            "pipeline:\n  - name: sklearn_intent\n    threshold: high\n",
            "bot/config.yml:2:5: component 'sklearn_intent': option 'threshold' must be a number, got a string ('high')",
        ),
        (
            "pipeline:\n  - name: spacy_tokenizer\n    lemmas: 'no'\n  - name: sklearn_intent\n    char_ngrams: [2]\n",
            "bot/config.yml:2:5: component 'spacy_tokenizer': option 'lemmas' must be true or false, got a string ('no')",
        ),
        (
            "pipeline:\n  - name: sklearn_intent\n    char_ngrams: [2]\n",
            "bot/config.yml:2:5: component 'sklearn_intent': option 'char_ngrams' must be a list of 2 (an integer, an integer), got a list",
        ),
        (
            "pipeline:\n  - name: crf_entities\n    max_iterations: 2.5\n  - name: sklearn_intent\n",
            "bot/config.yml:2:5: component 'crf_entities': option 'max_iterations' must be an integer, got a number (2.5)",
        ),
        (
            "pipeline:\n  - name: spacy_tokenizer\n    model: 5\n  - name: sklearn_intent\n",
            "bot/config.yml:2:5: component 'spacy_tokenizer': option 'model' must be a string or null, got an integer (5)",
        ),
        (
            "llm:\n  provider: gpt\n",
            "bot/config.yml:2:13: llm: unknown provider 'gpt'; valid providers: fake, openai, transformers",
        ),
        (
            "llm:\n  provider: transformers\n  model: ./no/such/model\n",
            "bot/config.yml:3:10: llm: model folder './no/such/model' does not exist (looked in the current folder and bot); "
            "use 'bundled:smollm2-135m' or a local Hugging Face model folder",
        ),
        (
            "llm:\n  max_tokens: 10\n",
            "bot/config.yml:2:3: unknown key 'max_tokens' in llm (did you mean 'max_new_tokens'?); valid keys: api_key_env, "
            "base_url, history_turns, max_new_tokens, model, options, provider, temperature, timeout_s",
        ),
        (
            "llm:\n  timeout_s: 0\n",
            "bot/config.yml:2:14: llm: 'timeout_s' must be more than 0, got 0.0",
        ),
        (
            "llm:\n  max_new_tokens: many\n",
            "bot/config.yml:2:19: llm: 'max_new_tokens' must be an integer, got a string ('many')",
        ),
        (
            "tracker_store: mongodb://localhost\n",
            "bot/config.yml:1:16: config: 'tracker_store' must be a URL with one of the schemes memory, postgresql, redis, sqlite "
            "(e.g. sqlite:///.dialog/conversations.db), got 'mongodb://localhost'",
        ),
        (
            "trigger_threshold: 1.5\n",
            "bot/config.yml:1:20: config: 'trigger_threshold' must be between 0 and 1, got 1.5",
        ),
        (
            "trigger_threshold: 0.6\ndigression_threshold: 0.5\n",
            "bot/config.yml:2:23: config: 'digression_threshold' must be between 'trigger_threshold' (0.6) and 1, got 0.5",
        ),
        (
            "digression_threshold: high\n",
            "bot/config.yml:1:23: config: 'digression_threshold' must be a number, got a string ('high')",
        ),
        (
            "max_body_bytes: -1\n",
            "bot/config.yml:1:17: config: 'max_body_bytes' must be a positive integer, got -1",
        ),
        (
            "languag: en\n",
            "bot/config.yml:1:1: unknown key 'languag' in config (did you mean 'language'?); valid keys: assistant_id, "
            "callback_url, cancel_intents, cors_origins, digression_threshold, inspector, knowledge, language, llm, max_body_bytes, max_message_chars, pipeline, policies, "
            "recipe, tracker_store, trigger_threshold, version",
        ),
        (
            "cancel_intents: {stop: 1}\n",
            "bot/config.yml:1:17: config: 'cancel_intents' must be a name or a list of names, got a mapping",
        ),
    ],
)
def test_config_problem(bot, config: str, problem: str) -> None:
    bot.write("config.yml", config)
    assert problem in bot.problems()


def test_component_options_are_checked_against_the_component_config(bot) -> None:
    from dialog.config.component_options import config_keys
    from dialog.registry import resolve_component

    valid = config_keys(resolve_component("sklearn_intent").Config)
    bot.write("config.yml", "pipeline:\n  - name: sklearn_intent\n    treshold: 0.3\n")
    assert bot.problems() == [
        f"bot/config.yml:3:5: component 'sklearn_intent': unknown option 'treshold' (did you mean 'threshold'?); "
        f"valid options: {', '.join(valid)}"
    ]


def test_bundled_and_remote_models_are_not_paths(bot) -> None:
    bot.write("config.yml", "llm:\n  provider: openai\n  model: llama3\n  base_url: http://127.0.0.1:8000/v1\n  api_key_env: KEY\n")
    llm = bot.load().settings.llm
    assert (llm.provider, llm.model, llm.base_url, llm.api_key_env) == ("openai", "llama3", "http://127.0.0.1:8000/v1", "KEY")


def test_a_top_level_config_key_rasa_would_ignore_is_a_warning(bot) -> None:  # type: ignore[no-untyped-def]
    bot.write("config.yml", "language: en\nsession_config:\n  session_expiration_time: 60\n")
    assert any("unknown key 'session_config' in config is ignored, as Rasa does" in w for w in bot.load().warnings)
