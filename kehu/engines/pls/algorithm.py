"""Wold/Lohmöller PLS path modeling, computed on item covariance matrices, many at once.

Every step of the algorithm only needs the items' covariance matrix: the latent scores
Y = XW enter through W'SW, and a Mode A update X'Z/n equals S·W·E. Working on a stack of
matrices (B × p × p) lets one call estimate the full sample or a thousand bootstrap
resamples without a Python loop per resample, and makes 100,000 respondents cost one X'X.

The iteration follows R plspm (Sanchez, Trinchera & Russolillo) step for step, including its
stopping rule, so that published plspm results are reproduced to the last digit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kehu.engines.pls.model import PathModel

SCHEMES = ("path", "centroid", "factorial")


@dataclass(frozen=True)
class Fit:
    """Stacked estimates; the leading axis runs over covariance matrices (B)."""

    weights: np.ndarray  # B × p, on standardised items: Y = Σ w·z
    loadings: np.ndarray  # B × p, correlation of each item with its construct
    cross_loadings: np.ndarray  # B × p × L
    lv_corr: np.ndarray  # B × L × L
    coefs: np.ndarray  # B × L × L, [j, k] = path coefficient j → k
    r2: np.ndarray  # B × L, zero for exogenous constructs
    total: np.ndarray  # B × L × L, total effects j → k
    iterations: np.ndarray  # B
    converged: np.ndarray  # B, bool


def working_matrix(cov: np.ndarray, scaled: bool) -> np.ndarray:
    """Standardised items work on correlations; unscaled ones (only centred) on covariances."""
    if not scaled:
        return cov
    sd = np.sqrt(np.einsum("...ii->...i", cov))
    return cov / (sd[..., :, None] * sd[..., None, :])


def fit(
    cov: np.ndarray,
    model: PathModel,
    *,
    scheme: str = "path",
    scaled: bool = True,
    tol: float = 1e-6,
    max_iter: int = 100,
) -> Fit:
    """Estimate the model on each of the covariance matrices `cov` (B × p × p, or p × p)."""
    # A degenerate matrix (a bootstrap resample with a constant item) turns into NaN, which
    # marks that fit as failed; the arithmetic warnings on the way say nothing more.
    with np.errstate(divide="ignore", invalid="ignore"):
        s = working_matrix(np.asarray(cov, dtype=float).reshape(-1, *cov.shape[-2:]), scaled)
        w, iterations, converged = _outer_weights(s, model, scheme, tol, max_iter)
        cross, flip = _orient(s @ _spread(w, model), s, model)
        w = np.where(flip, -1.0, 1.0)[:, model.block_of] * w
        return _inner(s, w, cross, model, iterations, converged)


def _spread(w: np.ndarray, model: PathModel) -> np.ndarray:
    """B × p weights → B × p × L block-diagonal weight matrices."""
    return w[:, :, None] * model.outer_design[None]


def _scaled_products(s: np.ndarray, w: np.ndarray, model: PathModel) -> tuple[np.ndarray, ...]:
    """Block weights scaled to unit construct variance, as B × p × L matrices W, and S·W."""
    wm = _spread(w, model)
    sw = s @ wm
    scale = 1 / np.sqrt((wm * sw).sum(axis=1))  # var(Y_l) = w_l' S w_l
    return wm * scale[:, None, :], sw * scale[:, None, :]


def _normalise(s: np.ndarray, w: np.ndarray, model: PathModel) -> np.ndarray:
    """Scale each block's weights so that its construct has unit variance."""
    wm, _ = _scaled_products(s, w, model)
    return wm.sum(axis=2)


def _inner_weights(c: np.ndarray, model: PathModel, scheme: str) -> np.ndarray:
    adj = model.inner + model.inner.T
    if scheme == "centroid":
        return np.sign(c) * adj
    if scheme == "factorial":
        return c * adj
    e = c * model.inner.T  # successors k → j: their correlation with k
    for k, pred in enumerate(model.predecessors):
        if len(pred):  # predecessors j → k: their coefficients in the regression of k
            e[:, pred, k] = solve(c[:, pred[:, None], pred], c[:, pred, k])
    return e


def _step(s: np.ndarray, w: np.ndarray, model: PathModel, scheme: str) -> np.ndarray:
    """One round: outer scores → inner proxies → new (unnormalised) outer weights."""
    wm, sw = _scaled_products(s, w, model)
    c = np.swapaxes(wm, 1, 2) @ sw
    swe = sw @ _inner_weights(c, model, scheme)
    new = swe[:, np.arange(len(model.items)), model.block_of]  # Mode A: cov(item, proxy)
    for k, mode in enumerate(model.modes):
        if mode == "B":  # Mode B: multiple regression of the proxy on the block's items
            idx = np.flatnonzero(model.block_of == k)
            new[:, idx] = solve(s[:, idx[:, None], idx], swe[:, idx, k])
    return new


def _outer_weights(
    s: np.ndarray, model: PathModel, scheme: str, tol: float, max_iter: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Iterate until sum((|w_old| − |w_new|)²) < tol, each matrix on its own."""
    w = _normalise(s, np.ones((s.shape[0], len(model.items))), model)
    # Compare weights as they act on standardised items, so that the tolerance means the same
    # whatever the answer scale (with standardised items this is exactly plspm's rule).
    sd = np.sqrt(np.einsum("bii->bi", s))
    iterations = np.zeros(s.shape[0], dtype=int)
    done = np.zeros(s.shape[0], dtype=bool)
    active = np.arange(s.shape[0])
    for it in range(1, max_iter + 1):
        new = _step(s[active], w[active], model, scheme)
        diff = (((np.abs(w[active]) - np.abs(new)) * sd[active]) ** 2).sum(axis=1)
        w[active] = new
        iterations[active] = it
        done[active[diff < tol]] = True
        active = active[~((diff < tol) | ~np.isfinite(diff))]  # a failed matrix stops too
        if not len(active):
            break
    converged = np.zeros(s.shape[0], dtype=bool)
    converged[done] = True
    converged &= np.isfinite(w).all(axis=1)
    return _normalise(s, w, model), iterations, converged


def _orient(sw: np.ndarray, s: np.ndarray, model: PathModel) -> tuple[np.ndarray, np.ndarray]:
    """Cross-loadings, and which blocks to flip so that most of their loadings are positive.

    A construct's sign is arbitrary in PLS; the usual convention turns it so that the
    majority of its items load positively (ties: the sum of the loadings decides).
    """
    sd = np.sqrt(np.einsum("bii->bi", s))
    cross = sw / sd[:, :, None]
    own = cross[:, np.arange(len(model.items)), model.block_of]
    votes = np.sign(own) @ model.outer_design
    mass = own @ model.outer_design
    flip = (votes < 0) | ((votes == 0) & (mass < 0))
    return cross * np.where(flip, -1.0, 1.0)[:, None, :], flip


def _inner(
    s: np.ndarray,
    w: np.ndarray,
    cross: np.ndarray,
    model: PathModel,
    iterations: np.ndarray,
    converged: np.ndarray,
) -> Fit:
    wm = _spread(w, model)
    c = np.swapaxes(wm, 1, 2) @ (s @ wm)
    n_lv = len(model.constructs)
    coefs = np.zeros((s.shape[0], n_lv, n_lv))
    r2 = np.zeros((s.shape[0], n_lv))
    for k, pred in enumerate(model.predecessors):
        if len(pred):  # ordinary least squares of each endogenous construct on its drivers
            b = solve(c[:, pred[:, None], pred], c[:, pred, k])
            coefs[:, pred, k] = b
            r2[:, k] = (b * c[:, pred, k]).sum(axis=1)
    sd = np.sqrt(np.einsum("bii->bi", s))
    return Fit(
        weights=w * sd,
        loadings=cross[:, np.arange(len(model.items)), model.block_of],
        cross_loadings=cross,
        lv_corr=c,
        coefs=coefs,
        r2=r2,
        total=total_effects(coefs),
        iterations=iterations,
        converged=converged,
    )


def solve(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Batched a⁻¹b; a singular system (a degenerate resample) gives NaN, not an exception."""
    try:
        return np.linalg.solve(a, b[..., None])[..., 0]
    except np.linalg.LinAlgError:
        out = np.full(b.shape, np.nan)
        for i in range(a.shape[0]):
            try:
                out[i] = np.linalg.solve(a[i], b[i])
            except np.linalg.LinAlgError:
                pass
        return out


def total_effects(coefs: np.ndarray) -> np.ndarray:
    """Direct plus every indirect chain: B + B² + … = (I − B)⁻¹ − I for an acyclic model."""
    total = coefs.copy()
    step = coefs
    for _ in range(coefs.shape[-1]):  # an acyclic chain has fewer links than constructs
        step = step @ coefs
        total = total + step
    return total
