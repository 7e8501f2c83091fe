"""Measurement quality: reliability, convergent and discriminant validity, goodness of fit."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kehu.engines.pls.model import PathModel


@dataclass(frozen=True)
class Reliability:
    """None where the measure is not defined, with `note` saying why."""

    alpha: float | None
    rho_c: float | None
    ave: float | None
    note: str = ""


def reliability(corr: np.ndarray, loadings: np.ndarray, model: PathModel) -> dict[str, Reliability]:
    """Cronbach's α on standardised items; ρc (Dillon–Goldstein) and AVE from the loadings."""
    out = {}
    for k, c in enumerate(model.constructs):
        idx = np.flatnonzero(model.block_of == k)
        if len(idx) < 2:
            out[c] = Reliability(None, None, None, "single_item")
            continue
        lam = loadings[idx]
        r = corr[np.ix_(idx, idx)]
        q = len(idx)
        mean_r = (r.sum() - q) / (q * (q - 1))
        alpha = q * mean_r / (1 + (q - 1) * mean_r)
        rho = lam.sum() ** 2 / (lam.sum() ** 2 + (1 - lam**2).sum())
        note = "formative" if model.modes[k] == "B" else ""
        out[c] = Reliability(float(alpha), float(rho), float((lam**2).mean()), note)
    return out


def htmt(corr: np.ndarray, model: PathModel) -> dict[str, dict[str, float | None]]:
    """Heterotrait–monotrait ratio (Henseler, Ringle & Sarstedt 2015), absolute correlations.

    Undefined (None) next to a single-item block: it has no within-block correlation.
    """
    a = np.abs(corr)
    blocks = [np.flatnonzero(model.block_of == k) for k in range(len(model.constructs))]
    mono = [
        (a[np.ix_(b, b)].sum() - len(b)) / (len(b) * (len(b) - 1)) if len(b) > 1 else None
        for b in blocks
    ]
    out: dict[str, dict[str, float | None]] = {c: {} for c in model.constructs}
    for i, ci in enumerate(model.constructs):
        for j, cj in enumerate(model.constructs):
            if i == j:
                continue
            mi, mj = mono[i], mono[j]
            out[ci][cj] = (
                None if mi is None or mj is None
                else float(a[np.ix_(blocks[i], blocks[j])].mean() / np.sqrt(mi * mj))
            )
    return out


def fornell_larcker(
    lv_corr: np.ndarray, rel: dict[str, Reliability], model: PathModel
) -> dict[str, dict[str, float | None]]:
    """√AVE on the diagonal, construct correlations elsewhere."""
    out: dict[str, dict[str, float | None]] = {}
    for i, ci in enumerate(model.constructs):
        ave = rel[ci].ave
        out[ci] = {
            cj: (None if ave is None else float(np.sqrt(ave))) if i == j else float(lv_corr[i, j])
            for j, cj in enumerate(model.constructs)
        }
    return out


def gof(loadings: np.ndarray, r2: np.ndarray, model: PathModel) -> float:
    """Tenenhaus' GoF as R plspm computes it.

    √(mean communality × mean R²): the communality mean runs over the items of blocks with
    more than one item (so each block weighs by its size), the R² mean over endogenous
    constructs.
    """
    sizes = np.bincount(model.block_of)
    multi = sizes[model.block_of] > 1
    communality = float((loadings[multi] ** 2).mean()) if multi.any() else float("nan")
    return float(np.sqrt(communality * r2[list(model.endogenous)].mean()))
