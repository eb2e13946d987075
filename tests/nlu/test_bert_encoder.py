"""BertEncoder: the same vectors as transformers' BertModel, in every precision."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")

from dialog.nlu.bert_encoder import PRECISIONS, BertEncoder, best_precision, padded_batches, supports  # noqa: E402

WORDS = ["where", "is", "my", "order", "parcel", "track", "hello", "there", "cancel", "it", "please", "##s", "?"]
TEXTS = ["where is my order ?", "hello", "track my parcels please", "cancel it"]


def _transformers_reference(folder: Path, texts: list[str]) -> torch.Tensor:
    from transformers import AutoModel, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
    model = AutoModel.from_pretrained(str(folder), local_files_only=True).eval()
    encoded = tokenizer(texts, padding=True, return_tensors="pt")
    with torch.inference_mode():
        hidden = model(**encoded).last_hidden_state
    mask = encoded["attention_mask"].unsqueeze(-1).float()
    return torch.nn.functional.normalize((hidden * mask).sum(1) / mask.sum(1), dim=1)


@pytest.fixture(scope="module")
def tiny_bert(tmp_path_factory) -> Path:
    """A randomly initialised 2-layer BERT saved the way HF saves one."""
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors
    from transformers import BertConfig, BertModel, PreTrainedTokenizerFast

    folder = tmp_path_factory.mktemp("tiny-bert")
    vocab = {token: index for index, token in enumerate(["[PAD]", "[UNK]", "[CLS]", "[SEP]", *WORDS])}
    tokenizer = Tokenizer(models.WordPiece(vocab, unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.BertNormalizer(lowercase=True)
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", special_tokens=[("[CLS]", vocab["[CLS]"]), ("[SEP]", vocab["[SEP]"])]
    )
    fast = PreTrainedTokenizerFast(tokenizer_object=tokenizer, pad_token="[PAD]", unk_token="[UNK]")
    fast.save_pretrained(str(folder))
    torch.manual_seed(0)
    config = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=2, num_attention_heads=4, intermediate_size=64)
    BertModel(config).eval().save_pretrained(str(folder))
    return folder


def test_float32_matches_transformers_exactly(tiny_bert) -> None:
    encoder = BertEncoder(tiny_bert, "float32")
    ids = encoder.token_ids(TEXTS)
    ours = encoder.embed_ids(ids)
    assert ours == pytest.approx(_transformers_reference(tiny_bert, TEXTS), abs=1e-5)
    alone = torch.cat([encoder.embed_ids([sequence]) for sequence in ids])
    assert alone == pytest.approx(ours, abs=1e-5)  # padding changes nothing in float32


@pytest.mark.parametrize("precision", ["int8", "bfloat16"])
def test_low_precisions_stay_close_to_float32(tiny_bert, precision) -> None:
    if precision == "int8" and "fbgemm" not in torch.backends.quantized.supported_engines:
        pytest.skip("int8 needs fbgemm (x86 CPUs)")
    reference = BertEncoder(tiny_bert, "float32")
    encoder = BertEncoder(tiny_bert, precision)
    for text in TEXTS:
        ids = encoder.token_ids([text])
        cosine = float((encoder.embed_ids(ids) * reference.embed_ids(ids)).sum())
        assert cosine > 0.98, (precision, text, cosine)


def test_supports_only_plain_bert_folders(tiny_bert, tmp_path) -> None:
    assert supports(tiny_bert)
    assert not supports(tmp_path)
    (tmp_path / "config.json").write_text(json.dumps({"model_type": "llama"}), encoding="utf-8")
    assert not supports(tmp_path)


def test_an_unknown_precision_is_refused(tiny_bert) -> None:
    with pytest.raises(ValueError, match="int8, bfloat16, float32"):
        BertEncoder(tiny_bert, "int4")
    assert best_precision() in PRECISIONS


def test_padded_batches_group_similar_lengths() -> None:
    batches = padded_batches([5, 1, 9, 2, 8], batch_size=2)
    assert batches == [[1, 3], [0, 4], [2]]


@pytest.mark.slow
def test_the_bundled_minilm_matches_transformers(tmp_path) -> None:
    from dialog.nlu.minilm_files import ensure_extracted

    folder = ensure_extracted(tmp_path / "minilm")
    texts = ["where is my parcel", "I want to cancel my order because it is late", "hi"]
    reference = _transformers_reference(folder, texts)
    assert BertEncoder(folder, "float32").embed_ids(BertEncoder(folder).token_ids(texts)) == pytest.approx(reference, abs=1e-5)
    for precision, least in (("bfloat16", 0.999), ("int8", 0.98)):
        encoder = BertEncoder(folder, precision)
        vectors = torch.cat([encoder.embed_ids([ids]) for ids in encoder.token_ids(texts)])
        assert (vectors * reference).sum(dim=1).min() > least, precision
