"""Bootstrap: resample respondents with replacement, re-estimate, summarise the spread.

Resamples come in fixed chunks of CHUNK; chunk i draws from the i-th child of
`SeedSequence(seed)`, whichever process runs it. So one seed gives the same resamples with one
process or several, and no two chunks share a random stream (the flaw of workers that each
reseed the same generator and so draw identical resamples).

A resample is represented by how often it takes each respondent; its covariance matrix is then
a weighted sum of the respondents' outer products, one matrix product for a whole chunk, and
the whole chunk is estimated at once (see `algorithm`).
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np

from kehu.engines.pls import algorithm
from kehu.engines.pls.data import Prepared
from kehu.engines.pls.errors import ModelError
from kehu.engines.pls.estimate import check_options
from kehu.engines.pls.model import PathModel

CHUNK = 100
MAX_RESAMPLES = 100_000
# Resamples × respondents × items² from which a second process pays for its start-up: about
# a second of work in one process (1,000 resamples of 250 × 24 take ~0.1 s).
PARALLEL_WORK = 1_500_000_000
OUTER_PRODUCT_CELLS = 8_000_000  # n·p² above which a chunk's covariances are built one by one


@dataclass(frozen=True)
class Spread:
    """Bootstrap summary of one estimate."""

    mean: float
    se: float
    ci_low: float
    ci_high: float


@dataclass(frozen=True)
class Bootstrap:
    resamples: int  # requested
    used: int  # converged and finite
    seed: int
    level: float
    processes: int
    paths: dict[tuple[str, str], Spread]
    total_effects: dict[tuple[str, str], Spread]
    loadings: dict[str, Spread]
    weights: dict[str, Spread]
    r2: dict[str, Spread]
    draws: np.ndarray  # used × statistics, the raw bootstrap estimates
    chunk_digests: tuple[str, ...]  # a fingerprint of each chunk's resamples


@dataclass(frozen=True)
class _Job:
    x: np.ndarray
    model: PathModel
    scheme: str
    scaled: bool
    tol: float
    max_iter: int


def bootstrap(
    data: Prepared,
    model: PathModel,
    *,
    resamples: int,
    seed: int = 0,
    scheme: str = "path",
    scaled: bool = True,
    tol: float = 1e-6,
    max_iter: int = 100,
    level: float = 0.95,
    processes: int | None = None,
) -> Bootstrap:
    check_options(scheme, tol, max_iter)
    if not 2 <= resamples <= MAX_RESAMPLES:
        raise ModelError(
            f"The number of bootstrap resamples must be between 2 and {MAX_RESAMPLES}.",
            code="bad_resamples", field="bootstrap", value=resamples,
        )
    if not isinstance(seed, int | np.integer) or seed < 0:
        raise ModelError("The seed must be a whole number, 0 or more.", code="bad_seed",
                         field="seed")
    if not 0 < level < 1:
        raise ModelError("The confidence level must lie between 0 and 1.", code="bad_level",
                         field="level")
    x = data.x - data.x.mean(axis=0)  # centring first keeps the moment sums accurate
    job = _Job(x, model, scheme, scaled, tol, max_iter)
    streams = np.random.SeedSequence(seed).spawn(-(-resamples // CHUNK))
    sizes = [min(CHUNK, resamples - i * CHUNK) for i in range(len(streams))]
    work = resamples * x.shape[0] * x.shape[1] ** 2
    k = _processes(processes, work, len(streams))
    if k == 1:
        parts = [_chunk(job, s, m) for s, m in zip(streams, sizes, strict=True)]
    else:
        with ProcessPoolExecutor(k, mp_context=_context()) as pool:
            parts = list(pool.map(_chunk, [job] * len(sizes), streams, sizes))
    draws = np.concatenate([p[0] for p in parts])
    return _summarise(draws, model, resamples, seed, level, k, tuple(p[1] for p in parts))


def _processes(asked: int | None, work: int, chunks: int) -> int:
    if asked is None:
        asked = (os.cpu_count() or 1) if work >= PARALLEL_WORK else 1
    if asked < 1:
        raise ModelError("The number of processes must be at least 1.", code="bad_processes",
                         field="processes")
    return min(asked, chunks)


def _context() -> multiprocessing.context.BaseContext:
    # fork starts a worker in milliseconds; elsewhere the platform default is the safe choice.
    if "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


def _chunk(job: _Job, stream: np.random.SeedSequence, size: int) -> tuple[np.ndarray, str]:
    n = job.x.shape[0]
    rng = np.random.default_rng(stream)
    picks = rng.integers(0, n, size=(size, n))
    counts = np.bincount(
        (picks + n * np.arange(size)[:, None]).ravel(), minlength=size * n
    ).reshape(size, n).astype(float)
    fit = algorithm.fit(
        _covariances(job.x, counts), job.model, scheme=job.scheme, scaled=job.scaled,
        tol=job.tol, max_iter=job.max_iter,
    )
    stats = _statistics(fit, job.model)
    ok = fit.converged & np.isfinite(stats).all(axis=1)
    return stats[ok], hashlib.sha256(picks.tobytes()).hexdigest()[:16]


def _covariances(x: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Covariance matrix of each resample (rows of `counts`: times each respondent is drawn)."""
    n, p = x.shape
    f = counts / n
    mean = f @ x
    if n * p * p <= OUTER_PRODUCT_CELLS:
        second = (f @ (x[:, :, None] * x[:, None, :]).reshape(n, p * p)).reshape(-1, p, p)
    else:
        second = np.stack([(x * fi[:, None]).T @ x for fi in f])
    return second - mean[:, :, None] * mean[:, None, :]


def _statistics(fit: algorithm.Fit, model: PathModel) -> np.ndarray:
    """Per resample: path coefficients, total effects, loadings, weights, R² (fixed order)."""
    at = model.index
    paths = np.stack([fit.coefs[:, at(a), at(b)] for a, b in model.paths], axis=1)
    pairs = np.argwhere(model.reach)
    total = fit.total[:, pairs[:, 0], pairs[:, 1]]
    r2 = fit.r2[:, list(model.endogenous)]
    return np.concatenate([paths, total, fit.loadings, fit.weights, r2], axis=1)


def _summarise(
    draws: np.ndarray, model: PathModel, resamples: int, seed: int, level: float,
    processes: int, digests: tuple[str, ...],
) -> Bootstrap:
    if len(draws) < 2:
        raise ModelError(
            "Fewer than two bootstrap resamples could be estimated: the data are too few or "
            "too uniform for a bootstrap.", code="bootstrap_failed", field="bootstrap",
        )
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(draws, [tail, 100 - tail], axis=0)
    mean, se = draws.mean(axis=0), draws.std(axis=0, ddof=1)
    spreads = [Spread(*map(float, v)) for v in zip(mean, se, low, high, strict=True)]
    names = model.constructs
    keys: list[list] = [
        list(model.paths),
        [(names[j], names[k]) for j, k in np.argwhere(model.reach)],
        list(model.items),
        list(model.items),
        [names[k] for k in model.endogenous],
    ]
    groups, at = [], 0
    for ks in keys:
        groups.append(dict(zip(ks, spreads[at:at + len(ks)], strict=True)))
        at += len(ks)
    return Bootstrap(
        resamples=resamples, used=len(draws), seed=seed, level=level, processes=processes,
        paths=groups[0], total_effects=groups[1], loadings=groups[2], weights=groups[3],
        r2=groups[4], draws=draws, chunk_digests=digests,
    )
