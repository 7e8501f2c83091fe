"""Time the Erlang staffing engine and the `kehu staffing` command.

    python bench/staffing_bench.py [--queues 50] [--intervals 96] [--repeat 7]

Measures (best and median of --repeat runs, wall time in this process):

    4,800 solves   96 fifteen-minute intervals × 50 queues, Erlang C, 80% in 20 s, 85% cap,
                   30% shrinkage, loads drawn from a realistic day curve (a morning and an
                   afternoon peak) scaled per queue from 2 to ~900 Erlangs at the peak
    same, Erlang A the same loads with a mean patience of 120 s
    1,000 agents   one Erlang C solve whose answer is just over 1,000 agents
    CLI start-up   `python -m kehu.cli staffing … --json` as a fresh process (median of 5)

The contract (issue 6): 4,800 Erlang C solves ≤ 200 ms; a 1,000-agent solve exact and finite.
Not part of the test suite; see docs/benchmarks.md for results.
"""

from __future__ import annotations

import argparse
import math
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kehu.engines.erlang import Targets, solve, solve_many  # noqa: E402

TARGET_MS = 200.0


def day_loads(queues: int, intervals: int, seed: int = 6) -> tuple[np.ndarray, np.ndarray]:
    """Calls and AHT per (queue, interval): a two-peak day, queues of very different sizes."""
    rng = np.random.default_rng(seed)
    hours = np.arange(intervals) * 24 / intervals
    curve = (
        0.05 + np.exp(-(((hours - 10.5) / 1.6) ** 2)) + 0.8 * np.exp(-(((hours - 15) / 1.8) ** 2))
    )
    peak_erlangs = np.exp(rng.uniform(np.log(2), np.log(900), queues))
    aht = rng.uniform(120, 420, (queues, 1)) * rng.uniform(0.9, 1.1, (queues, intervals))
    interval_s = 24 * 3600 / intervals
    erlangs = peak_erlangs[:, None] * curve[None, :] * rng.uniform(0.85, 1.15, (queues, intervals))
    calls = np.round(erlangs * interval_s / aht)
    return calls.ravel(), aht.ravel()


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return min(times), statistics.median(times)


def cli_startup(repeat: int = 5) -> float:
    cmd = [
        sys.executable,
        "-m",
        "kehu.cli",
        "staffing",
        "--calls",
        "100",
        "--interval-min",
        "30",
        "--aht",
        "180",
        "--target-sl",
        "0.8",
        "--answer-s",
        "20",
        "--json",
    ]
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--queues", type=int, default=50)
    p.add_argument("--intervals", type=int, default=96)
    p.add_argument("--repeat", type=int, default=7)
    args = p.parse_args()

    calls, aht = day_loads(args.queues, args.intervals)
    n = len(calls)
    interval_s = 24 * 3600 / args.intervals
    c_targets = Targets(
        interval_s=interval_s, target_sl=0.8, answer_s=20, max_occupancy=0.85, shrinkage=0.3
    )
    a_targets = Targets(**{**c_targets.__dict__, "patience_s": 120.0})
    plan = solve_many(calls, aht, c_targets)
    big_targets = Targets(interval_s=1800, target_sl=0.8, answer_s=20)  # 1,000 Erlangs
    big = solve(18_000, 100, big_targets)
    assert big.agents > 1000 and all(
        math.isfinite(v) for v in (big.service_level, big.asa_s, big.prob_wait)
    )

    rows = [
        (
            f"{n:,} solves, Erlang C",
            *timed(lambda: solve_many(calls, aht, c_targets), args.repeat),
            TARGET_MS,
        ),
        (
            f"{n:,} solves, Erlang A",
            *timed(lambda: solve_many(calls, aht, a_targets), args.repeat),
            None,
        ),
        (
            f"1 solve, {big.agents:,} agents",
            *timed(lambda: solve(18_000, 100, big_targets), args.repeat),
            None,
        ),
    ]
    cli = cli_startup()
    print(
        f"# staffing bench · {platform.python_implementation()} {platform.python_version()} · "
        f"numpy {np.__version__} · {platform.machine()}"
    )
    loads = plan.measures.load_erlangs
    print(
        f"# loads: {loads.min():.1f}–{loads.max():.1f} Erlangs, "
        f"agents {plan.agents.min()}–{plan.agents.max()} per interval"
    )
    print(f"{'case':<28} {'best ms':>9} {'median ms':>10} {'target ms':>10}")
    for name, best, median, target in rows:
        mark = "" if target is None else (" ok" if median <= target else " SLOW")
        shown = "" if target is None else f"{target:.0f}"
        print(f"{name:<28} {best:>9.1f} {median:>10.1f} {shown:>10}{mark}")
    print(f"{'CLI start-up (median of 5)':<28} {'':>9} {cli:>10.0f}")
    print(
        f"# 1,000-agent check: {big.agents} agents, SL {big.service_level:.6f}, "
        f"P(wait) {big.prob_wait:.6f}, ASA {big.asa_s:.3f} s"
    )


if __name__ == "__main__":
    main()
