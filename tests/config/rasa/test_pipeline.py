"""A Rasa config.yml pipeline runs as dialog's components, each translation said in a warning."""

from __future__ import annotations

RASA_DEFAULT_CONFIG = """\
recipe: default.v1
language: en
pipeline:
  - name: WhitespaceTokenizer
  - name: RegexFeaturizer
  - name: LexicalSyntacticFeaturizer
  - name: CountVectorsFeaturizer
    analyzer: char_wb
    min_ngram: 1
    max_ngram: 4
  - name: DIETClassifier
    epochs: 100
  - name: EntitySynonymMapper
  - name: ResponseSelector
    epochs: 100
  - name: FallbackClassifier
    threshold: 0.3
    ambiguity_threshold: 0.1
"""


def _pipeline(config) -> list[tuple[str, dict]]:
    return [(spec.name, dict(spec.options)) for spec in config.settings.pipeline]


def test_rasa_s_default_pipeline_becomes_dialog_s_components_in_their_order(bot) -> None:
    bot.write("config.yml", RASA_DEFAULT_CONFIG)
    config = bot.load()
    assert _pipeline(config) == [
        ("spacy_tokenizer", {}),
        ("regex_entities", {}),
        ("lookup_entities", {}),
        ("crf_entities", {}),
        ("synonyms", {}),
        ("sentence_embeddings", {}),
        ("sklearn_intent", {"threshold": 0.3}),
    ]
    assert config.settings.pipeline[-2].mark == ("bot/config.yml", 11, 5)  # made from the DIETClassifier entry
    assert config.settings.pipeline[-1].mark == ("bot/config.yml", 16, 5)  # its threshold from FallbackClassifier


def test_each_rasa_component_says_what_it_became(bot) -> None:
    bot.write("config.yml", RASA_DEFAULT_CONFIG)
    warnings = bot.load().warnings
    assert "bot/config.yml:4:11: config: Rasa component 'WhitespaceTokenizer' runs as spacy_tokenizer (spaCy's rule-based tokenizer)" in warnings
    assert (
        "bot/config.yml:7:11: config: Rasa component 'CountVectorsFeaturizer' is not needed: sklearn_intent computes its own "
        "TF-IDF word and character n-grams; Rasa-only options not used: analyzer, min_ngram, max_ngram"
    ) in warnings
    assert (
        "bot/config.yml:11:11: config: Rasa component 'DIETClassifier' runs as crf_entities + sentence_embeddings + sklearn_intent "
        "(a CRF for entities and a linear classifier on TF-IDF and sentence vectors for intents); Rasa-only options not used: epochs"
    ) in warnings
    assert (
        "bot/config.yml:14:11: config: Rasa component 'ResponseSelector' is not needed: the intent classifier learns each "
        "retrieval sub-intent (faq/ask_name) as an intent; Rasa-only options not used: epochs"
    ) in warnings
    assert (
        "bot/config.yml:16:11: config: Rasa component 'FallbackClassifier' is not needed: sklearn_intent's `threshold` does its job: "
        "below it, the intent is nlu_fallback; carried over: threshold -> sklearn_intent.threshold; "
        "Rasa-only options not used: ambiguity_threshold"
    ) in warnings


def test_dialog_components_named_beside_rasa_ones_appear_once_with_their_options(bot, tmp_path, monkeypatch) -> None:
    (tmp_path / "site" / "en_core_web_md").mkdir(parents=True)
    (tmp_path / "site" / "en_core_web_md" / "__init__.py").write_text("")  # an installed spaCy pipeline, as far as the config sees
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    bot.write(
        "config.yml",
        """\
        pipeline:
          - name: SpacyNLP
            model: en_core_web_md
          - name: SpacyTokenizer
          - name: sklearn_intent
            threshold: 0.5
          - name: CRFEntityExtractor
        """,
    )
    assert _pipeline(bot.load()) == [
        ("spacy_tokenizer", {"model": "en_core_web_md"}),
        ("crf_entities", {}),
        ("sklearn_intent", {"threshold": 0.5}),
    ]


def test_a_carried_option_out_of_range_is_an_error_at_the_rasa_entry(bot) -> None:
    bot.write("config.yml", "pipeline:\n  - name: WhitespaceTokenizer\n  - name: DIETClassifier\n  - name: FallbackClassifier\n    threshold: 1.5\n")
    problems = bot.problems()
    assert len(problems) == 1 and problems[0].startswith("bot/config.yml:4:5: ")  # the FallbackClassifier entry
    assert "threshold" in problems[0]


def test_a_pipeline_of_rasa_parts_that_do_nothing_here_runs_the_default_pipeline(bot) -> None:
    from dialog.config.defaults import DEFAULT_PIPELINE

    bot.write("config.yml", "pipeline:\n  - name: CountVectorsFeaturizer\n  - name: ResponseSelector\n")
    config = bot.load()
    assert [spec.name for spec in config.settings.pipeline] == [entry["name"] for entry in DEFAULT_PIPELINE]
    assert "bot/config.yml:2:3: config: no component of 'pipeline' runs here, so the default pipeline does" in config.warnings


def test_duckling_runs_without_a_server_and_keeps_its_options(bot) -> None:
    bot.write(
        "config.yml",
        """\
        pipeline:
          - name: WhitespaceTokenizer
          - name: DucklingEntityExtractor
            url: http://localhost:8000
            dimensions: [time, number]
            timezone: Europe/Berlin
            locale: en_GB
            timeout: 3
          - name: DIETClassifier
        """,
    )
    config = bot.load()
    assert [name for name, _ in _pipeline(config)] == ["spacy_tokenizer", "duckling_entities", "crf_entities", "sentence_embeddings", "sklearn_intent"]
    assert ("duckling_entities", {"dimensions": ["time", "number"], "timezone": "Europe/Berlin", "locale": "en_GB"}) in _pipeline(config)
    assert (
        "bot/config.yml:3:11: config: Rasa component 'DucklingEntityExtractor' runs as duckling_entities (dates, times, numbers, "
        "money, durations, e-mails and phone numbers in Duckling's format, with no Duckling server); carried over: "
        "dimensions -> duckling_entities.dimensions, timezone -> duckling_entities.timezone, locale -> duckling_entities.locale; "
        "Rasa-only options not used: url, timeout"
    ) in config.warnings


def test_a_spacy_pipeline_that_is_not_installed_falls_back_to_the_rule_based_tokenizer(bot) -> None:
    bot.write("config.yml", "pipeline:\n  - name: SpacyNLP\n    model: xx_not_installed_md\n  - name: SpacyTokenizer\n  - name: DIETClassifier\n")
    config = bot.load()
    assert _pipeline(config)[0] == ("spacy_tokenizer", {})
    assert (
        "bot/config.yml:2:11: config: Rasa component 'SpacyNLP' is not needed: spacy_tokenizer loads the spaCy model itself; "
        "spaCy pipeline 'xx_not_installed_md' is not installed, so spacy_tokenizer uses spaCy's rule-based tokenizer"
    ) in config.warnings


E2E_CONFIG = """\
language: en
pipeline:
  - name: WhitespaceTokenizer
  - name: CountVectorsFeaturizer
#  - name: DIETClassifier
policies:
- name: TEDPolicy
"""


def test_a_rasa_pipeline_without_an_intent_classifier_gets_one_with_a_warning(bot) -> None:
    # Rasa's e2ebot leaves DIET out: its TEDPolicy reads the text; flows here start on intents.
    bot.write("config.yml", E2E_CONFIG)
    config = bot.load()
    assert _pipeline(config) == [("spacy_tokenizer", {}), ("sentence_embeddings", {}), ("sklearn_intent", {})]
    assert (
        "bot/config.yml:3:3: config: the pipeline has no intent classifier that runs here (in Rasa, an end-to-end TEDPolicy or a custom "
        "component may classify); sentence_embeddings + sklearn_intent are added so the intents of the NLU data are learnt"
    ) in config.warnings


CUSTOM_CONFIG = """\
language: en
pipeline:
  - name: WhitespaceTokenizer
  - name: custom_components.selective_diet.SelectiveDIETClassifier
    epochs: 50
  - name: EntitySynonymMapper
"""


def test_a_custom_rasa_component_is_left_out_with_a_warning_not_an_error(bot) -> None:
    # RasaHQ/financial-demo names its own classes in the pipeline.
    bot.write("config.yml", CUSTOM_CONFIG)
    config = bot.load()
    assert (
        "bot/config.yml:4:11: config: custom Rasa component 'custom_components.selective_diet.SelectiveDIETClassifier' is left out: "
        "it is a Python class for Rasa's pipeline, which does not run here; dialog's own components do the NLU"
    ) in config.warnings
    assert [name for name, _ in _pipeline(config)] == ["spacy_tokenizer", "synonyms", "sentence_embeddings", "sklearn_intent"]


def test_a_dotted_name_that_is_no_class_is_still_an_unknown_component(bot) -> None:
    bot.write("config.yml", "pipeline:\n  - name: sklearn.intent\n")
    assert bot.problems()[0].startswith("bot/config.yml:2:11: unknown component 'sklearn.intent'")
