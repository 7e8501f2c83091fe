"""Train the shipped model on the corpus' training split and print the held-out report.

    python -m kehu.engines.assist.build [--version assist-YYYY.MM.DD-N] [--no-save]

The report (markdown) has accuracy per field, confusion matrices, traditional-only rows
with and without `t2s` folding, the fast path, and a keyword-only baseline.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
from collections import Counter
from typing import Any

from kehu.engines.assist.cues import find_cues, supports
from kehu.engines.assist.model import FIELDS, MODELS_DIR
from kehu.engines.assist.text import prepare
from kehu.engines.assist.training import (
    accuracies,
    evaluate,
    held_out_split,
    score,
    shipped_corpus,
    train_model,
)

DEFAULTS = {"emotion": "calm", "type": "unknown", "kind": "other", "urgency": "low"}


def keyword_guess(text: str) -> dict[str, str]:
    """The baseline: each field takes the label most cues vote for, else the neutral one."""
    prep = prepare(text)
    found = find_cues(prep.folded, prep.shown)
    guess = dict(DEFAULTS)
    for name in FIELDS:
        votes: Counter[str] = Counter()
        for cue, phrases in found.items():
            for label in supports(cue).get(name, ())[:1]:
                votes[label] += len(phrases)
        if votes:
            guess[name] = votes.most_common(1)[0][0]
    return guess


def unseen_split(
    rows: list[dict[str, Any]], seed: int = 0, fraction: float = 0.25
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """A harder split: a quarter of the request pieces and behaviour cues never seen in training.

    Test rows are made only of held-out pieces; training rows only of the others (rows
    that mix both are left out), so the model cannot recognise a memorised sentence.
    """
    rng = random.Random(seed)
    pieces = sorted({r["piece"] for r in rows})
    cues = sorted({r["cue"] for r in rows if r["cue"]})
    held = set(rng.sample(pieces, round(len(pieces) * fraction)))
    held |= set(rng.sample(cues, round(len(cues) * fraction)))
    test = [r for r in rows if r["piece"] in held and (not r["cue"] or r["cue"] in held)]
    train = [r for r in rows if r["piece"] not in held and r["cue"] not in held]
    return train, test


def matrix(report: dict[str, Any]) -> str:
    codes = report["labels"]
    used = [k for k, _ in enumerate(codes)
            if sum(report["confusion"][k]) or sum(r[k] for r in report["confusion"])]
    head = "| truth \\ predicted | " + " | ".join(codes[k] for k in used) + " |"
    lines = [head, "|" + "---|" * (len(used) + 1)]
    for k in used:
        cells = " | ".join(str(report["confusion"][k][j]) for j in used)
        lines.append(f"| {codes[k]} | {cells} |")
    return "\n".join(lines)


def table(results: dict[str, dict[str, float]]) -> str:
    lines = ["| | " + " | ".join(FIELDS) + " |", "|---|" + "---|" * len(FIELDS)]
    for title, acc in results.items():
        cells = " | ".join(f"{100 * acc.get(f, 0):.1f} %" for f in FIELDS)
        lines.append(f"| {title} | {cells} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--version", default=f"assist-{dt.date.today():%Y.%m.%d}-1")
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args()

    rows = shipped_corpus()
    train, test = held_out_split(rows, seed=0)
    model = train_model(train, seed=0, version=args.version)
    report = evaluate(model, test)
    traditional = [r for r in test if r.get("script") == "traditional"]
    baseline = score(test, [keyword_guess(r["text"]) for r in test])
    results = {
        f"model, held-out ({len(test)} rows)": accuracies(report),
        "fast path, held-out": accuracies(evaluate(model, test, fast=True)),
        "keyword-only baseline, held-out": accuracies(baseline),
        f"model, traditional rows ({len(traditional)}), t2s folding":
            accuracies(evaluate(model, traditional)),
        "model, traditional rows, no folding":
            accuracies(evaluate(model, traditional, folding=False)),
    }
    hard_train, hard_test = unseen_split(rows)
    hard = train_model(hard_train, seed=0)
    results[f"model, unseen pieces ({len(hard_test)} rows, trained on {len(hard_train)})"] = (
        accuracies(evaluate(hard, hard_test))
    )
    results["keyword-only baseline, unseen pieces"] = accuracies(
        score(hard_test, [keyword_guess(r["text"]) for r in hard_test])
    )
    model.manifest.update(held_out=accuracies(report), held_out_size=len(test),
                          corpus="data/corpus.jsonl")
    print(f"# {model.version}: trained on {len(train)} rows, held out {len(test)} "
          f"(seed 0); unknown-type threshold {model.type_threshold}; "
          f"vocabulary {len(model.vocabulary)}\n")
    print(table(results) + "\n")
    for name in FIELDS:
        print(f"## {name}\n\n{matrix(report[name])}\n")
    if not args.no_save:
        print(f"saved {model.save(MODELS_DIR / model.version)}")


if __name__ == "__main__":
    main()
