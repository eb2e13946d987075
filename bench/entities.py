"""Which trained entity extractor to ship: our CRF (crf_entities) or a spaCy ``ner`` component.

Both train on the same tokenized training split and are scored on the test split
by exact span + type match (micro precision, recall, F1). Data: the uniform JSONL
files of /work/shared/datasets (never copied into the repo)::

    nice -n 10 python -m bench.entities --data /work/shared/datasets --datasets snips hwu64

spaCy ner trains batch by batch until ``--ner-budget`` CPU seconds are spent, so
both extractors stay within the one-minute training target. Times are CPU seconds
of this process (``time.process_time``), because wall time on a shared machine
says more about the neighbours than about the extractor.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path
from typing import Iterable

from dialog.config.models import NLUData
from dialog.nlu.component import ComponentContext
from dialog.nlu.crf_entities import CRFEntityExtractor
from dialog.nlu.spacy_tokenizer import SpacyTokenizer
from dialog.types import Entity, ParseResult, TrainingExample

Span = tuple[int, int, str]


def read_jsonl(path: Path) -> list[TrainingExample]:
    examples = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            entities = tuple(Entity(e["entity"], e["value"], e["start"], e["end"]) for e in row.get("entities", ()))
            examples.append(TrainingExample(row["text"], row["intent"], entities))
    return examples


def scores(gold: list[set[Span]], predicted: list[set[Span]]) -> dict[str, float]:
    true_positives = sum(len(g & p) for g, p in zip(gold, predicted))
    n_pred = sum(len(p) for p in predicted)
    n_gold = sum(len(g) for g in gold)
    precision = true_positives / n_pred if n_pred else 0.0
    recall = true_positives / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def run_crf(train: list[TrainingExample], test: list[TrainingExample], options: dict) -> tuple[list[set[Span]], float, float]:
    context = ComponentContext()
    tokenizer = SpacyTokenizer.from_config({}, context)
    tokenizer.tokenize("warm up")
    crf = CRFEntityExtractor.from_config(options, context)
    started = time.process_time()
    processed = [tokenizer(ParseResult(e.text)) for e in train]
    crf.train(train, processed, NLUData(examples=tuple(train)))
    train_seconds = time.process_time() - started
    started = time.process_time()
    predicted = [{(e.start, e.end, e.entity) for e in crf(tokenizer(ParseResult(x.text))).entities} for x in test]
    parse_ms = (time.process_time() - started) / len(test) * 1000
    return predicted, train_seconds, parse_ms


def run_spacy_ner(train: list[TrainingExample], test: list[TrainingExample], budget: float, seed: int) -> tuple[list[set[Span]], float, float, int]:
    import spacy
    from spacy.training import Example
    from spacy.util import minibatch

    nlp = spacy.blank("en")
    nlp.add_pipe("ner")
    started = time.process_time()
    examples = [Example.from_dict(nlp.make_doc(x.text), {"entities": _aligned(nlp, x)}) for x in train]
    optimizer = nlp.initialize(lambda: examples)
    rng = random.Random(seed)
    epochs = 0
    while time.process_time() - started < budget:
        rng.shuffle(examples)
        for batch in minibatch(examples, size=64):
            nlp.update(batch, sgd=optimizer, drop=0.2)
            if time.process_time() - started >= budget:
                break
        epochs += 1
    train_seconds = time.process_time() - started
    started = time.process_time()
    predicted = [{(s.start_char, s.end_char, s.label_) for s in doc.ents} for doc in nlp.pipe(x.text for x in test)]
    parse_ms = (time.process_time() - started) / len(test) * 1000
    return predicted, train_seconds, parse_ms, epochs


def _aligned(nlp, example: TrainingExample) -> list[tuple[int, int, str]]:
    """Gold spans snapped to token boundaries, overlaps dropped (spaCy needs both)."""
    doc = nlp.make_doc(example.text)
    spans, taken = [], set()
    for e in example.entities:
        span = doc.char_span(e.start, e.end, label=e.entity, alignment_mode="expand")
        if span is None or taken & set(range(span.start, span.end)):
            continue
        taken |= set(range(span.start, span.end))
        spans.append((span.start_char, span.end_char, e.entity))
    return spans


def gold_spans(examples: Iterable[TrainingExample]) -> list[set[Span]]:
    return [{(e.start, e.end, e.entity) for e in x.entities} for x in examples]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("/work/shared/datasets"))
    parser.add_argument("--datasets", nargs="+", default=["snips", "hwu64"])
    parser.add_argument("--ner-budget", type=float, default=55.0, help="seconds of spaCy ner training")
    parser.add_argument("--max-iterations", type=int, default=50, help="CRF L-BFGS iterations")
    parser.add_argument("--min-feature-frequency", type=int, default=1)
    parser.add_argument("--skip-spacy", action="store_true")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--write", action="store_true", help="write the table into bench/RESULTS.md")
    args = parser.parse_args()
    rows = []
    for name in args.datasets:
        train = read_jsonl(args.data / name / "train.jsonl")
        test = read_jsonl(args.data / name / "test.jsonl")
        gold = gold_spans(test)
        options = {"max_iterations": args.max_iterations, "min_feature_frequency": args.min_feature_frequency}
        predicted, seconds, parse_ms = run_crf(train, test, options)
        rows.append((name, f"crf_entities ({args.max_iterations} it, minfreq {args.min_feature_frequency})", scores(gold, predicted), seconds, parse_ms))
        print(_row(rows[-1]), flush=True)
        if not args.skip_spacy:
            predicted, seconds, parse_ms, epochs = run_spacy_ner(train, test, args.ner_budget, args.seed)
            rows.append((name, f"spaCy ner ({epochs} epochs started)", scores(gold, predicted), seconds, parse_ms))
            print(_row(rows[-1]), flush=True)
    if args.write:
        from bench._results import write_section

        header = "| dataset | extractor | precision | recall | F1 | train CPU s | parse CPU ms |\n|---|---|---:|---:|---:|---:|---:|"
        body = "\n".join(_row(row) for row in rows)
        write_section(
            "entities",
            f"## Trained entity extractors (exact span + type, micro)\n\n`python -m bench.entities --write`"
            f" (train on train.jsonl, score on test.jsonl; parse = tokenizer + extractor per text)\n\n{header}\n{body}",
        )


def _row(row) -> str:
    name, extractor, s, seconds, parse_ms = row
    return f"| {name} | {extractor} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} | {seconds:.1f} | {parse_ms:.2f} |"


if __name__ == "__main__":
    main()
