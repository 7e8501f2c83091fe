"""Importance-performance map analysis (IPMA) and the item improvement ranking.

Performance, the ACSI way: each item's standardised weight is divided by the item's standard
deviation (an unstandardised weight), the weights of a block are normalised to sum to 1, and
the construct's score is that weighted mean of the raw answers, rescaled from the answer scale
[min, max] to 0–100.

Importance (Ringle & Sarstedt 2016): the inner model re-estimated by least squares on the
0–100 construct scores; a driver's unstandardised total effect on the target then reads "one
point more in the driver gives this many points in the target".

The strategy matrix splits the drivers at the mean importance and mean performance (or given
cut points) into the four regions of the Chinese satisfaction literature: advantage (优势区),
disadvantage (劣势区), unimportant (无关紧要区) and complex (复杂区).

The ranking goes item by item: score 0–100, impact = the item's normalised weight × its
construct's importance (target points per item point), and a rank by the expected gain of
closing the item's gap to 100, impact × (100 − score), largest first: low score and high
impact come first, and between two items the one that can still give more comes first.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kehu.engines.pls import algorithm
from kehu.engines.pls.errors import ModelError
from kehu.engines.pls.estimate import Estimate

QUADRANTS = ("advantage", "disadvantage", "unimportant", "complex")


@dataclass(frozen=True)
class RankedItem:
    item: str
    construct: str
    score: float
    impact: float
    rank: int


@dataclass(frozen=True)
class Ipma:
    target: str
    scale: tuple[float, float]
    item_weights: dict[str, float]  # normalised unstandardised weights, sum 1 per block
    performance: dict[str, float]  # every construct, 0–100
    importance: dict[str, float]  # drivers of the target
    cut_importance: float
    cut_performance: float
    quadrants: dict[str, str]
    ranking: list[RankedItem]
    negative_weights: tuple[str, ...]  # items whose normalised weight is below zero

    @property
    def index(self) -> float:
        return self.performance[self.target]


def ipma(
    est: Estimate,
    *,
    target: str,
    scale: tuple[float, float],
    cuts: tuple[float | None, float | None] = (None, None),
) -> Ipma:
    model = est.model
    t = model.index(target)
    drivers = [j for j in range(len(model.constructs)) if model.reach[j, t]]
    if not drivers:
        raise ModelError(
            f"The target “{target}” has no drivers: no path leads into it.",
            code="target_without_drivers", field="target", construct=target,
        )
    lo, hi = _scale(scale)
    w = _normalised_weights(est)
    odm = model.outer_design
    performance = 100 * ((w * est.item_means) @ odm - lo) / (hi - lo)
    wm = w[:, None] * odm * (100 / (hi - lo))
    total = _unstandardised_total(wm.T @ est.item_cov @ wm, model)
    names = model.constructs
    importance = {names[j]: float(total[j, t]) for j in drivers}
    perf = {c: float(v) for c, v in zip(names, performance, strict=True)}
    cut_i = float(np.mean(list(importance.values()))) if cuts[0] is None else float(cuts[0])
    cut_p = float(np.mean([perf[names[j]] for j in drivers])) if cuts[1] is None else float(cuts[1])
    return Ipma(
        target=target, scale=(lo, hi),
        item_weights=dict(zip(model.items, map(float, w), strict=True)),
        performance=perf, importance=importance, cut_importance=cut_i, cut_performance=cut_p,
        quadrants={c: quadrant(v, perf[c], cut_i, cut_p) for c, v in importance.items()},
        ranking=_ranking(est, w, importance, lo, hi),
        negative_weights=tuple(i for i, v in zip(model.items, w, strict=True) if v < 0),
    )


def quadrant(importance: float, performance: float, cut_i: float, cut_p: float) -> str:
    """High means at or above the cut point."""
    if importance >= cut_i:
        return "advantage" if performance >= cut_p else "disadvantage"
    return "complex" if performance >= cut_p else "unimportant"


def _scale(scale: tuple[float, float]) -> tuple[float, float]:
    lo, hi = (float(v) for v in scale)
    if not (np.isfinite(lo) and np.isfinite(hi)) or hi <= lo:
        raise ModelError(
            f"The answer scale must have min below max, not {lo:g}–{hi:g}.",
            code="bad_scale", field="scale",
        )
    return lo, hi


def _normalised_weights(est: Estimate) -> np.ndarray:
    model = est.model
    raw = np.array([est.weights[i] for i in model.items]) / np.sqrt(np.diag(est.item_cov))
    sums = raw @ model.outer_design
    return raw / sums[model.block_of]


def _unstandardised_total(cov: np.ndarray, model) -> np.ndarray:  # noqa: ANN001
    """OLS of each endogenous construct's 0–100 score on its drivers' scores."""
    n_lv = len(model.constructs)
    coefs = np.zeros((n_lv, n_lv))
    for k, pred in enumerate(model.predecessors):
        if len(pred):
            coefs[pred, k] = np.linalg.lstsq(cov[np.ix_(pred, pred)], cov[pred, k], rcond=None)[0]
    return algorithm.total_effects(coefs[None])[0]


def _ranking(
    est: Estimate, w: np.ndarray, importance: dict[str, float], lo: float, hi: float
) -> list[RankedItem]:
    model = est.model
    rows = []
    for i, item in enumerate(model.items):
        construct = model.constructs[model.block_of[i]]
        if construct in importance:
            score = float(100 * (est.item_means[i] - lo) / (hi - lo))
            rows.append((item, construct, score, float(w[i] * importance[construct])))
    rows.sort(key=lambda r: -r[3] * (100 - r[2]))
    return [RankedItem(*r, rank=n) for n, r in enumerate(rows, start=1)]
