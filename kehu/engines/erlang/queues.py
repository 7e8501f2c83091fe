"""Erlang C (M/M/n) and Erlang A (M/M/n+M) performance measures, vectorised over intervals.

Everything is computed from two regularised incomplete gamma functions in log space, so
results stay exact and finite for 100,000 agents and loads of thousands of Erlangs: no
factorial, power or recursion over agents is ever formed.

Notation: ``n`` agents, offered load ``a = λ·AHT`` Erlangs, ``T`` the answer time.
For Erlang A, patience is exponential with mean ``P``; ``x = n·P/AHT`` and ``y = a·P/AHT``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import special

Array = np.ndarray

# Below this a regularised gamma value is recomputed by its series: scipy flushes very small
# values to zero, and their logarithms are what the formulas need.
_TINY = 1e-250
_SERIES_LIMIT = 1_000_000


@dataclass(frozen=True)
class Measures:
    """Measures of given staffing, one entry per interval (seconds for times)."""

    agents: Array
    load_erlangs: Array
    prob_wait: Array
    service_level: Array
    asa_s: Array
    occupancy: Array
    prob_abandon: Array | None


def _log_series(
    first_log: Array, ratio: Callable[[int], Array], steps: Array | None = None
) -> Array:
    """log Σ_k t_k where t_0 = 1 and t_{k} = t_{k-1}·ratio(k); the ratios fall below one.

    Only used for the far tails, where the ratios are well below one, so it converges in a
    few hundred to a few thousand steps; ``steps`` caps the number of terms (a finite sum).
    """
    total = np.ones_like(first_log)
    term = np.ones_like(first_log)
    active = np.ones(first_log.shape, dtype=bool)
    k = 0
    while active.any() and k < _SERIES_LIMIT:
        k += 1
        term = np.where(active, term * ratio(k), 0.0)
        if steps is not None:
            term = np.where(k <= steps, term, 0.0)
        total = total + term
        active = term > 1e-17 * total
    return first_log + np.log(total)


def log_gammainc(s: Array, z: Array) -> Array:
    """log P(s, z), the regularised lower incomplete gamma function, for s > 0, z ≥ 0."""
    s, z = np.broadcast_arrays(np.asarray(s, float), np.asarray(z, float))
    with np.errstate(divide="ignore"):
        out = np.log(special.gammainc(s, z))
    small = (out < np.log(_TINY)) & (z > 0)
    if small.any():
        ss, zz = s[small], z[small]
        # P(s, z) = z^s e^-z / Γ(s+1) · Σ_k z^k / ((s+1)…(s+k)); small only when z ≪ s.
        first = ss * np.log(zz) - zz - special.gammaln(ss + 1)
        out[small] = _log_series(first, lambda k: zz / (ss + k))
    return out


def log_poisson_cdf_below(n: Array, a: Array) -> Array:
    """log P(Poisson(a) ≤ n − 1) for integer n ≥ 1, a > 0 (scipy's gammaincc(n, a))."""
    n, a = np.broadcast_arrays(np.asarray(n, float), np.asarray(a, float))
    with np.errstate(divide="ignore"):
        out = np.log(special.gammaincc(n, a))
    small = out < np.log(_TINY)
    if small.any():
        nn, aa = n[small], a[small]
        # Σ_{k<n} pmf(k) = pmf(n−1)·Σ_i Π_{m=1..i} (n−m)/a; small only when a ≫ n.
        first = log_poisson_pmf(nn - 1, aa)
        out[small] = _log_series(first, lambda i: np.maximum(nn - i, 0.0) / aa, steps=nn - 1)
    return out


def log_poisson_pmf(n: Array, a: Array) -> Array:
    return n * np.log(a) - a - special.gammaln(n + 1)


def _log_r(n: Array, a: Array) -> Array:
    """log(1/B − 1) where B is Erlang B: P(Poisson ≤ n−1) / P(Poisson = n)."""
    return log_poisson_cdf_below(n, a) - log_poisson_pmf(n, a)


def _exp(x: Array) -> Array:
    with np.errstate(over="ignore"):
        return np.exp(x)


def erlang_c(agents: Array, load: Array, answer_s: Array, aht_s: Array) -> Measures:
    """Erlang C measures; with agents ≤ load the queue grows without bound (all wait, SL 0)."""
    n, a, t, h = np.broadcast_arrays(
        *(np.asarray(v, float) for v in (agents, load, answer_s, aht_s))
    )
    stable = n > a
    ns, as_ = np.where(stable, n, 2.0), np.where(stable, a, 1.0)  # placeholders keep logs finite
    rho = as_ / ns
    # C = B / (1 − ρ(1 − B)) = 1 / (1 + r(1 − ρ)) with r = 1/B − 1.
    with np.errstate(over="ignore", invalid="ignore"):
        c = 1.0 / (1.0 + _exp(_log_r(ns, as_)) * (1.0 - rho))
        c = np.where(np.isfinite(c), c, 0.0)
    gap = ns - as_
    sl = 1.0 - c * np.exp(-gap * t / h)
    asa = c * h / gap
    prob_wait = np.where(stable, c, 1.0)
    return Measures(
        agents=n,
        load_erlangs=a,
        prob_wait=prob_wait,
        service_level=np.where(stable, np.clip(sl, 0.0, 1.0), 0.0),
        asa_s=np.where(stable, asa, np.inf),
        occupancy=np.where(stable, rho, np.minimum(a / np.maximum(n, 1.0), 1.0)),
        prob_abandon=None,
    )


def _dlog_gammainc_ds(s: Array, y: Array) -> Array:
    """∂/∂s log P(s, y) by a Richardson-extrapolated central difference (s > 0)."""
    h = 1e-3 * np.maximum(1.0, np.sqrt(s))
    h = np.minimum(h, 0.25 * s)

    def central(step: Array) -> Array:
        return (log_gammainc(s + step, y) - log_gammainc(s - step, y)) / (2 * step)

    return (4 * central(h / 2) - central(h)) / 3


def erlang_a(
    agents: Array, load: Array, answer_s: Array, aht_s: Array, patience_s: Array
) -> Measures:
    """Erlang A (Palm's M/M/n+M) measures; the service level counts every offered call and an
    abandoned call as not answered in time; ASA is the mean wait of answered calls."""
    n, a, t, h, p = np.broadcast_arrays(
        *(np.asarray(v, float) for v in (agents, load, answer_s, aht_s, patience_s))
    )
    x = n * p / h
    y = a * p / h
    log_p_x = log_gammainc(x, y)
    log_p_x1 = log_gammainc(x + 1, y)
    # A = Σ_j y^j / ((x+1)…(x+j)): the queue states' weight relative to "n busy, none waiting".
    log_a = y - x * np.log(y) + special.gammaln(x + 1) + log_p_x
    prob_wait = 1.0 / (1.0 + _exp(_log_r(n, a) - log_a))
    served_given_wait = np.clip((x / y) * np.exp(log_p_x1 - log_p_x), 0.0, 1.0)
    # Served within T: the offered wait V is below both T and the patience.
    y_t = y * np.exp(-t / p)
    late = np.exp(log_gammainc(x + 1, y_t) - log_p_x1)
    in_time_given_wait = served_given_wait * (1.0 - np.clip(late, 0.0, 1.0))
    service_level = 1.0 - prob_wait + prob_wait * in_time_given_wait
    prob_abandon = prob_wait * (1.0 - served_given_wait)
    # E[θV | served, waited] = E[−ln U], U with density ∝ u^x e^{−yu} on (0, 1).
    mean_s = np.log(y) - special.digamma(x + 1) - _dlog_gammainc_ds(x + 1, y)
    answered = 1.0 - prob_abandon
    asa = prob_wait * served_given_wait * np.maximum(mean_s, 0.0) * p / answered
    return Measures(
        agents=n,
        load_erlangs=a,
        prob_wait=prob_wait,
        service_level=np.clip(service_level, 0.0, 1.0),
        asa_s=asa,
        occupancy=a * answered / n,
        prob_abandon=prob_abandon,
    )
