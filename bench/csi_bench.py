"""Time the CSI engine (kehu.engines.pls) side by side with plspm 0.5.7, and check both.

    .venv/bin/pip install plspm==0.5.7      # the project's `bench` extra
    .venv/bin/python bench/csi_bench.py [--plspm-bootstrap 20] [--no-plspm]

Cases: one estimation on the ECSI mobile-phone data (250 respondents × 24 items, path scheme,
standardised items), 1,000 bootstrap resamples on it, and one estimation on 100,000
synthetic respondents drawn from the model fitted to that data. Contracts: ≤ 10 ms, ≤ 2 s on
2 cores, ≤ 1 s. plspm's bootstrap is run with N resamples (default 20) and its time scaled by
1000/N, marked "extrapolated". The bootstrap uses both cores: run on a quiet machine.

Also checked: both programs against the published satisfaction study and against each other on
the mobile data, and whether plspm's parallel bootstrap workers draw identical resamples.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kehu.engines.pls import PathModel, bootstrap, estimate, prepare  # noqa: E402
from kehu.engines.pls.tests.helpers import (  # noqa: E402
    MOBI_CONSTRUCTS,
    MOBI_PATHS,
    reference,
    table,
)
from kehu.engines.pls.tests.test_mobi import PRINTED  # noqa: E402

LIMITS = {"estimate_250": 0.010, "bootstrap_1000": 2.0, "estimate_100k": 1.0}


def best_of(fn, repeat: int) -> float:
    """Median wall time of `repeat` runs (seconds)."""
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def synthetic(n: int, seed: int = 11) -> np.ndarray:
    """Respondents from the mobi model: standardised constructs chained by its path
    coefficients, items = loading × construct + noise, mapped to a 1–10 answer scale."""
    model = PathModel.build(MOBI_CONSTRUCTS, MOBI_PATHS)
    cols, x = table("mobi.csv")
    est = estimate(prepare(x, cols, model), model)
    rng = np.random.default_rng(seed)
    lv = np.zeros((n, len(model.constructs)))
    for k in np.argsort([len(_ancestors(model, k)) for k in range(len(model.constructs))]):
        pred = model.predecessors[k]
        signal = sum(est.paths[(model.constructs[j], model.constructs[k])] * lv[:, j]
                     for j in pred) if len(pred) else 0.0
        r2 = est.r2.get(model.constructs[k], 0.0)
        lv[:, k] = signal + rng.standard_normal(n) * np.sqrt(1 - r2)
        lv[:, k] /= lv[:, k].std()
    items = []
    for i, item in enumerate(model.items):
        lam = est.loadings[item]
        z = lam * lv[:, model.block_of[i]] + rng.standard_normal(n) * np.sqrt(1 - lam**2)
        items.append(np.clip(np.rint(7 + 1.6 * z), 1, 10))
    return np.column_stack(items)


def _ancestors(model: PathModel, k: int) -> set[int]:
    out: set[int] = set()
    todo = list(model.predecessors[k])
    while todo:
        j = int(todo.pop())
        if j not in out:
            out.add(j)
            todo.extend(model.predecessors[j])
    return out


# --- plspm -----------------------------------------------------------------------------


def plspm_setup(frame, constructs, paths, scaled: bool):
    import pandas as pd
    import plspm.config as c
    from plspm.mode import Mode

    names = list(constructs)
    path = pd.DataFrame(0, index=names, columns=names)
    for f, t in paths:
        path.loc[t, f] = 1
    config = c.Config(path, scaled=scaled)
    for lv, items in constructs.items():
        config.add_lv(lv, Mode.A, *[c.MV(i) for i in items])
    return config


def plspm_run(frame, config, scheme: str, boot: int = 0, processes: int = 2):
    from plspm.plspm import Plspm
    from plspm.scheme import Scheme

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return Plspm(frame, config, getattr(Scheme, scheme.upper()), bootstrap=bool(boot),
                     bootstrap_iterations=boot or 100, processes=processes)


def plspm_paths(result, paths) -> dict[tuple[str, str], float]:
    pc = result.path_coefficients()
    return {(f, t): float(pc.loc[t, f]) for f, t in paths}


# --- the run -----------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--plspm-bootstrap", type=int, default=20, metavar="N",
                        help="plspm bootstrap resamples to time (scaled to 1,000; default 20)")
    parser.add_argument("--no-plspm", action="store_true", help="time only our engine")
    parser.add_argument("--respondents", type=int, default=100_000)
    args = parser.parse_args()

    cols, x = table("mobi.csv")
    model = PathModel.build(MOBI_CONSTRUCTS, MOBI_PATHS)
    big = synthetic(args.respondents)
    item_names = list(model.items)
    ours: dict[str, float] = {}
    ours["estimate_250"] = best_of(lambda: estimate(prepare(x, cols, model), model), 200)
    data = prepare(x, cols, model)
    for k in (1, 2):
        ours[f"bootstrap_1000_p{k}"] = best_of(
            lambda k=k: bootstrap(data, model, resamples=1000, seed=1, processes=k), 3)
    ours["bootstrap_1000"] = min(ours["bootstrap_1000_p1"], ours["bootstrap_1000_p2"])
    ours["estimate_100k"] = best_of(lambda: estimate(prepare(big, item_names, model), model), 5)

    theirs: dict[str, str] = {}
    notes: list[str] = []
    if not args.no_plspm:
        theirs, notes = compare_with_plspm(args, cols, x, big, item_names, model)

    print(f"\nCSI engine benchmark (mobi 250×24, path scheme, standardised; "
          f"{args.respondents:,} synthetic respondents)\n")
    print(f"{'case':<34}{'kehu':>12}{'plspm 0.5.7':>26}{'limit':>10}  ok")
    rows = [
        ("one estimation, 250×24", "estimate_250"),
        ("1,000 bootstraps (1 process)", "bootstrap_1000_p1"),
        ("1,000 bootstraps (2 processes)", "bootstrap_1000_p2"),
        (f"one estimation, {args.respondents:,}×24", "estimate_100k"),
    ]
    for label, key in rows:
        limit = LIMITS.get(key, LIMITS["bootstrap_1000"] if key.startswith("boot") else None)
        ok = "yes" if limit is None or ours[key] <= limit else "NO"
        print(f"{label:<34}{_fmt(ours[key]):>12}{theirs.get(key, '—'):>26}"
              f"{_fmt(limit) if limit else '':>10}  {ok}")
    for n in notes:
        print(f"- {n}")


def _fmt(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms" if seconds < 1 else f"{seconds:.2f} s"


def compare_with_plspm(args, cols, x, big, item_names, model):
    import pandas as pd

    notes, theirs = [], {}
    frame = pd.DataFrame(x, columns=cols)
    config = plspm_setup(frame, MOBI_CONSTRUCTS, MOBI_PATHS, scaled=True)
    theirs["estimate_250"] = _fmt(best_of(lambda: plspm_run(frame, config, "path"), 5))
    ref = plspm_run(frame, config, "path")
    est = estimate(prepare(x, cols, model), model)
    diff = max(abs(v - est.paths[k]) for k, v in plspm_paths(ref, MOBI_PATHS).items())
    unscaled = estimate(prepare(x, cols, model), model, scaled=False)
    diff_u = max(abs(v - unscaled.paths[k]) for k, v in plspm_paths(ref, MOBI_PATHS).items())
    notes.append(f"mobi, path scheme, scaled=True: largest path difference kehu vs plspm "
                 f"{diff:.1e}; plspm vs kehu *unscaled* {diff_u:.1e} — plspm divides every item "
                 "by one pooled SD, so its default 'standardised' run is an unscaled one")
    printed = max(abs(est.paths[k] - v) for k, v in PRINTED.items())
    printed_p = max(abs(plspm_paths(ref, MOBI_PATHS)[k] - v) for k, v in PRINTED.items())
    notes.append(f"mobi vs the printed coefficients (3 decimals): kehu {printed:.1e}, "
                 f"plspm {printed_p:.1e}")

    n_boot = max(10, args.plspm_bootstrap)
    n_boot += n_boot % 2
    spent, rows = _plspm_bootstrap(frame, config, n_boot)
    theirs["bootstrap_1000_p2"] = f"{_fmt(spent * 1000 / n_boot)} (extrap. ×{1000 // n_boot})"
    notes.append(_duplicates(rows))

    big_frame = pd.DataFrame(big, columns=item_names)
    big_config = plspm_setup(big_frame, MOBI_CONSTRUCTS, MOBI_PATHS, scaled=True)
    theirs["estimate_100k"] = _fmt(best_of(lambda: plspm_run(big_frame, big_config, "path"), 1))
    notes.extend(_satisfaction_check())
    return theirs, notes


def _plspm_bootstrap(frame, config, n_boot: int):
    """Time plspm's bootstrap (less its first estimation) and keep its raw path estimates,
    which it otherwise only summarises."""
    import plspm.bootstrap as pb

    raw = []
    original = pb._create_summary

    def keep(data, original_values):
        raw.append(data)
        return original(data, original_values)

    pb._create_summary = keep
    try:
        t = time.perf_counter()
        plspm_run(frame, config, "path", boot=n_boot, processes=2)
        spent = time.perf_counter() - t
    finally:
        pb._create_summary = original
    spent -= best_of(lambda: plspm_run(frame, config, "path"), 1)
    return spent, raw[3]  # weights, r², total effects, paths, loadings


def _duplicates(paths) -> str:
    unique = len(paths.round(12).drop_duplicates())
    verdict = ("CONFIRMED: its workers repeat each other's resamples"
               if unique <= len(paths) // 2 else "refuted: the resamples are distinct")
    return (f"plspm bootstrap, 2 processes, {len(paths)} resamples: {unique} distinct rows of "
            f"path estimates — {verdict}")


def _satisfaction_check() -> list[str]:
    import pandas as pd

    ref = reference()
    m = ref["model"]
    published = {tuple(k.split("->")): v for k, v in ref["published"]["direct_effects"].items()}
    cols, x = table("satisfaction.csv")
    frame = pd.DataFrame(x, columns=cols)
    out = []
    for scaled in (False, True):
        config = plspm_setup(frame, m["constructs"], m["paths"], scaled=scaled)
        got = plspm_paths(plspm_run(frame, config, "centroid"), m["paths"])
        worst = max(abs(got[k] - v) for k, v in published.items())
        out.append(f"plspm on the published satisfaction study (centroid, scaled={scaled}; "
                   f"published: scaled=False): largest path deviation {worst:.1e}")
    model = PathModel.build(m["constructs"], m["paths"])
    est = estimate(prepare(x, cols, model), model, scheme="centroid", scaled=False)
    worst = max(abs(est.paths[k] - v) for k, v in published.items())
    out.append(f"kehu on the same (centroid, scaled=False): largest path deviation {worst:.1e}")
    return out


if __name__ == "__main__":
    main()
