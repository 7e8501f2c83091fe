"""One PLS estimation on a prepared data set, with everything an analyst reads from it."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kehu.engines.pls import algorithm, quality
from kehu.engines.pls.algorithm import SCHEMES
from kehu.engines.pls.data import MissingReport, Prepared
from kehu.engines.pls.errors import ModelError
from kehu.engines.pls.model import PathModel


@dataclass(frozen=True)
class Estimate:
    model: PathModel
    scheme: str
    scaled: bool
    n: int
    missing: MissingReport
    iterations: int
    converged: bool
    weights: dict[str, float]  # item → outer weight on the standardised item
    loadings: dict[str, float]
    cross_loadings: dict[str, dict[str, float]]  # item → construct → correlation
    paths: dict[tuple[str, str], float]
    r2: dict[str, float]  # endogenous constructs only
    total_effects: dict[tuple[str, str], float]  # every pair linked by a chain of paths
    lv_corr: dict[str, dict[str, float]]
    reliability: dict[str, quality.Reliability]
    htmt: dict[str, dict[str, float | None]]
    fornell_larcker: dict[str, dict[str, float | None]]
    gof: float
    item_means: np.ndarray  # raw answers, model item order
    item_cov: np.ndarray  # raw answers, divided by n


def covariance(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Item means and covariance matrix (divided by n, as in plspm)."""
    mean = x.mean(axis=0)
    centred = x - mean
    return mean, centred.T @ centred / x.shape[0]


def check_options(scheme: str, tol: float, max_iter: int) -> None:
    if scheme not in SCHEMES:
        raise ModelError(
            f"The weighting scheme must be one of {', '.join(SCHEMES)}, not {scheme!r}.",
            code="bad_scheme", field="scheme", value=str(scheme),
        )
    if not tol > 0 or max_iter < 1:
        raise ModelError(
            "The tolerance must be positive and the iteration cap at least 1.",
            code="bad_tolerance", field="tol",
        )


def estimate(
    data: Prepared,
    model: PathModel,
    *,
    scheme: str = "path",
    scaled: bool = True,
    tol: float = 1e-6,
    max_iter: int = 100,
) -> Estimate:
    check_options(scheme, tol, max_iter)
    mean, cov = covariance(data.x)
    corr = algorithm.working_matrix(cov, scaled=True)
    _check_formative(corr, model)
    f = algorithm.fit(cov, model, scheme=scheme, scaled=scaled, tol=tol, max_iter=max_iter)
    _check_finite(f, model)
    loadings = f.loadings[0]
    rel = quality.reliability(corr, loadings, model)
    lv = f.lv_corr[0]
    names, items = model.constructs, model.items
    return Estimate(
        model=model, scheme=scheme, scaled=scaled, n=data.n, missing=data.missing,
        iterations=int(f.iterations[0]), converged=bool(f.converged[0]),
        weights=dict(zip(items, map(float, f.weights[0]), strict=True)),
        loadings=dict(zip(items, map(float, loadings), strict=True)),
        cross_loadings={
            i: dict(zip(names, map(float, row), strict=True))
            for i, row in zip(items, f.cross_loadings[0], strict=True)
        },
        paths={(a, b): float(f.coefs[0, model.index(a), model.index(b)]) for a, b in model.paths},
        r2={names[k]: float(f.r2[0, k]) for k in model.endogenous},
        total_effects={
            (names[j], names[k]): float(f.total[0, j, k]) for j, k in np.argwhere(model.reach)
        },
        lv_corr={
            a: dict(zip(names, map(float, row), strict=True))
            for a, row in zip(names, lv, strict=True)
        },
        reliability=rel,
        htmt=quality.htmt(corr, model),
        fornell_larcker=quality.fornell_larcker(lv, rel, model),
        gof=quality.gof(loadings, f.r2[0], model),
        item_means=mean,
        item_cov=cov,
    )


def _check_formative(corr: np.ndarray, model: PathModel) -> None:
    """Mode B regresses on a block's items: they must not be linear combinations of each other."""
    for k, mode in enumerate(model.modes):
        idx = np.flatnonzero(model.block_of == k)
        if mode == "B" and len(idx) > 1:
            eig = np.linalg.eigvalsh(corr[np.ix_(idx, idx)])
            if eig[0] < 1e-10 * eig[-1]:
                raise _collinear(model.constructs[k])


def _collinear(construct: str) -> ModelError:
    return ModelError(
        f"The weights of construct “{construct}” cannot be estimated: some of its items are "
        "exact linear combinations of others.",
        code="collinear_items", construct=construct,
    )


def _check_finite(f: algorithm.Fit, model: PathModel) -> None:
    """Collinear constructs or items leave the least-squares steps without a solution."""
    bad_w = ~np.isfinite(f.weights[0])
    if bad_w.any():
        raise _collinear(model.constructs[int(model.block_of[np.flatnonzero(bad_w)[0]])])
    bad_r = ~np.isfinite(f.r2[0])
    if bad_r.any():
        k = int(np.flatnonzero(bad_r)[0])
        raise ModelError(
            f"The paths into “{model.constructs[k]}” cannot be estimated: its drivers are "
            "perfectly correlated with each other.",
            code="collinear_constructs", construct=model.constructs[k],
        )
