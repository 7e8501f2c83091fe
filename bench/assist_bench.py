"""Benchmark of the assist engine on one core: model load, single-message latency, batch speed.

    python bench/assist_bench.py [--messages 2000] [--batch 5000] [--json FILE]

1. load     `import kehu.engines.assist` + `load_model()` in a fresh interpreter (cold), and
            reading the model files alone (warm imports).
2. single   `model.analyse(text)` over --messages varied messages (corpus rows, their
            traditional forms, joined pairs, a few long pastes) after 200 warm-up calls;
            p50, p95, p99 in ms.
3. batch    `model.analyse_many(texts)` and `analyse_many(texts, fast=True)` over --batch
            short messages; messages/s, with each path's accuracy on the held-out split.

Targets (issue 4): single ≤ 50 ms p95, batch ≥ 1,000 short messages/s, load ≤ 2 s.
BLAS threads are pinned to one before numpy is imported. Results: docs/assist.md.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import random  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import opencc  # noqa: E402

from kehu.engines.assist import evaluate, held_out_split, load_model, shipped_corpus  # noqa: E402
from kehu.engines.assist.model import AssistModel, resolve  # noqa: E402

COLD = (
    "import time; t = time.perf_counter(); "
    "from kehu.engines.assist import load_model; m = load_model(); "
    "m.analyse('停电了'); print(time.perf_counter() - t)"
)


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--messages", type=int, default=2000)
    p.add_argument("--batch", type=int, default=5000)
    p.add_argument("--json", default=None)
    return p.parse_args()


def varied(n: int, rng: random.Random) -> list[str]:
    texts = [r["text"] for r in shipped_corpus()]
    s2t = opencc.OpenCC("s2t")
    out: list[str] = []
    while len(out) < n:
        pick = rng.random()
        text = rng.choice(texts)
        if pick < 0.2:
            text = s2t.convert(text)
        elif pick < 0.35:
            text = text + "。" + rng.choice(texts)
        elif pick < 0.37:
            text = (text + "。") * 60  # a pasted e-mail thread, a few KB
        out.append(text)
    return out


def load_times() -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cold = [
        float(subprocess.run([sys.executable, "-c", COLD], env=env, check=True,
                             capture_output=True, text=True).stdout)
        for _ in range(3)
    ]
    start = time.perf_counter()
    AssistModel.from_files(resolve(None))
    return {"cold import + load + first analysis s": min(cold),
            "model files only s": time.perf_counter() - start}


def single(model: AssistModel, texts: list[str]) -> dict[str, float]:
    for text in texts[:200]:
        model.analyse(text)
    times = []
    for text in texts:
        start = time.perf_counter()
        model.analyse(text)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    q = statistics.quantiles(times, n=100)
    return {"n": len(times), "p50 ms": q[49], "p95 ms": q[94], "p99 ms": q[98],
            "max ms": times[-1]}


def batch(model: AssistModel, texts: list[str], fast: bool) -> float:
    start = time.perf_counter()
    model.analyse_many(texts, fast=fast)
    return len(texts) / (time.perf_counter() - start)


def main() -> None:
    args = parse_args()
    rng = random.Random(0)
    model = load_model()
    test = held_out_split(shipped_corpus(), seed=0)[1]
    short = [r["text"] for r in shipped_corpus()]
    short = (short * (args.batch // len(short) + 1))[: args.batch]
    results: dict[str, object] = {
        "model": model.version,
        "machine": f"{platform.processor() or platform.machine()}, Python {platform.python_version()}",
        "load": load_times(),
        "single": single(model, varied(args.messages, rng)),
        "batch": {
            "short messages": len(short),
            "mean length (chars)": round(sum(map(len, short)) / len(short), 1),
            "full messages/s": batch(model, short, fast=False),
            "fast messages/s": batch(model, short, fast=True),
            "full held-out accuracy": {k: round(v["accuracy"], 3)
                                       for k, v in evaluate(model, test).items()},
            "fast held-out accuracy": {k: round(v["accuracy"], 3)
                                       for k, v in evaluate(model, test, fast=True).items()},
        },
    }
    text = json.dumps(results, ensure_ascii=False, indent=2)
    print(text)
    if args.json:
        Path(args.json).write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
