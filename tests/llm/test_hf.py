"""HFGenerator with a tiny random Llama built in tmp_path: loading, streaming, queueing, closing.

No real model here (those tests are ``slow``); this checks the threading and error paths fast.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from dialog.errors import LLMError
from dialog.llm.base import ChatMessage
from dialog.llm.hf import HFGenerator
from dialog.llm.loader import resolve_source

PROMPT = [ChatMessage("system", "You are a shop assistant."), ChatMessage("user", "where is my order?")]
TEMPLATE = (
    "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}"
    "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import torch
    from tokenizers import ByteLevelBPETokenizer
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    folder = tmp_path_factory.mktemp("tiny-llama")
    bpe = ByteLevelBPETokenizer()
    corpus = ["where is my order", "your order has shipped", "hello how can I help you today"] * 20
    bpe.train_from_iterator(corpus, vocab_size=300, special_tokens=["<|endoftext|>", "<|im_start|>", "<|im_end|>"])
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=bpe, bos_token="<|im_start|>", eos_token="<|im_end|>", unk_token="<|endoftext|>"
    )
    tokenizer.chat_template = TEMPLATE
    tokenizer.save_pretrained(folder)
    torch.manual_seed(0)
    config = LlamaConfig(
        vocab_size=len(tokenizer), hidden_size=32, intermediate_size=64, num_hidden_layers=2,
        num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=256, tie_word_embeddings=True,
        bos_token_id=1, eos_token_id=2,
    )
    LlamaForCausalLM(config).save_pretrained(folder)
    return folder


def _generator(folder: Path, **kwargs: object) -> HFGenerator:
    return HFGenerator(resolve_source(str(folder)), **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize("dtype", ["int8", "bf16", "fp32"])
def test_streams_pieces_that_make_the_reply(tiny_model: Path, dtype: str) -> None:
    generator = _generator(tiny_model, dtype=dtype)

    async def run() -> tuple[list[str], str, int, int]:
        generator.start_loading()
        stream = generator.stream(PROMPT, 12)
        pieces = [piece async for piece in stream]
        whole = await generator.generate(PROMPT, 12)
        await generator.close()
        return pieces, whole.text, stream.prompt_tokens, stream.completion_tokens

    pieces, text, prompt_tokens, completion_tokens = asyncio.run(run())
    assert "".join(pieces) == text  # greedy and seeded: the same prompt gives the same reply
    assert prompt_tokens > 5 and 0 <= completion_tokens <= 12
    assert generator.details()["dtype"] == dtype


def test_concurrent_replies_queue_on_one_model(tiny_model: Path) -> None:
    generator = _generator(tiny_model)

    async def run() -> list[str]:
        replies = await asyncio.gather(*(generator.generate(PROMPT, 8) for _ in range(3)))
        await generator.close()
        return [reply.text for reply in replies]

    texts = asyncio.run(run())
    assert texts[0] == texts[1] == texts[2]
    assert generator._executor is not None and generator._executor._max_workers == 1


def test_a_closed_generator_refuses_politely(tiny_model: Path) -> None:
    generator = _generator(tiny_model)

    async def run() -> None:
        await generator.generate(PROMPT, 2)
        await generator.close()
        await generator.generate(PROMPT, 2)

    with pytest.raises(LLMError, match="is closed"):
        asyncio.run(run())


def test_unreadable_weights_fail_loading_with_llm_error(tmp_path: Path, tiny_model: Path) -> None:
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "config.json").write_text((tiny_model / "config.json").read_text(), encoding="utf-8")
    (broken / "model.safetensors").write_bytes(b"not a safetensors file")
    generator = _generator(broken)
    with pytest.raises(LLMError, match="cannot load language model 'broken'"):
        asyncio.run(generator.generate(PROMPT, 2))
    assert generator.load_error and "broken" in generator.load_error and not generator.ready


def test_int8_weights_are_cached_and_reused(tiny_model: Path, tmp_path: Path) -> None:
    def reply() -> tuple[str, dict[str, object]]:
        generator = _generator(tiny_model, cache_dir=tmp_path)

        async def run() -> str:
            text = (await generator.generate(PROMPT, 8)).text
            await generator.close()
            return text

        text = asyncio.run(run())
        return text, generator.details()

    first, _ = reply()
    (cache,) = tmp_path.iterdir()
    assert (cache / "int8.safetensors").is_file()
    second, details = reply()
    assert second == first and details["dtype"] == "int8"
    (cache / "int8.safetensors").write_bytes(b"garbage")  # a broken cache costs time, never the reply
    third, _ = reply()
    assert third == first


PREFIX = [
    ChatMessage("system", "You are a shop assistant."),
    ChatMessage("user", "hello"),
    ChatMessage("assistant", "hello how can I help you today"),
]


def _greedy(generator: HFGenerator, prompts: list[list[ChatMessage]], warm: list[ChatMessage] | None) -> list[str]:
    async def run() -> list[str]:
        generator.start_loading()
        if warm is not None:
            warming = generator.warm_prefix(warm)
            assert warming is not None
            await asyncio.wrap_future(warming)
        replies = [(await generator.generate(prompt, 16)).text for prompt in prompts]
        await generator.close()
        return replies

    return asyncio.run(run())


@pytest.mark.parametrize("dtype", ["fp32", "int8"])
def test_a_cached_prompt_prefix_gives_the_same_greedy_replies(tiny_model: Path, dtype: str) -> None:
    prompts = [[*PREFIX, ChatMessage("user", text)] for text in ("where is my order?", "your order has shipped", "hi")]
    plain = _greedy(_generator(tiny_model, dtype=dtype, temperature=0.0), prompts, None)
    generator = _generator(tiny_model, dtype=dtype, temperature=0.0)
    cached = _greedy(generator, prompts, PREFIX)
    assert cached == plain and any(cached)


def test_the_prefix_cache_is_used_only_when_the_tokens_match(tiny_model: Path) -> None:
    generator = _generator(tiny_model, dtype="fp32", temperature=0.0)

    async def run() -> None:
        generator.start_loading()
        warming = generator.warm_prefix(PREFIX)
        assert warming is not None
        await asyncio.wrap_future(warming)

    asyncio.run(run())
    loaded = generator._loaded
    assert loaded is not None and generator._prefix is not None
    matching = generator._encode(loaded, [*PREFIX, ChatMessage("user", "hi")])
    rest, past = generator._split(matching)
    assert past is not None and past.length == len(generator._prefix[0]) and rest.shape[1] == matching.shape[1] - past.length
    other = generator._encode(loaded, [ChatMessage("system", "Another bot."), ChatMessage("user", "hi")])
    rest, past = generator._split(other)
    assert past is None and rest is other
    asyncio.run(generator.close())
