"""The whole CSI analysis as one JSON-ready object: what `kehu csi` prints and POST /api/csi returns."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from kehu.engines.pls.bootstrap import Bootstrap, Spread, bootstrap
from kehu.engines.pls.data import prepare
from kehu.engines.pls.errors import ModelError
from kehu.engines.pls.estimate import Estimate, estimate
from kehu.engines.pls.ipma import Ipma, ipma
from kehu.engines.pls.model import PathModel
from kehu.engines.pls.readings import readings

MODEL_KEYS = {"constructs", "paths", "target", "scale", "modes", "cuts"}


def csi_report(
    data: np.ndarray | Sequence[Sequence[Any]],
    columns: Sequence[str],
    spec: Mapping[str, Any],
    *,
    scheme: str = "path",
    scaled: bool = True,
    resamples: int = 0,
    seed: int = 0,
    missing: str = "listwise",
    processes: int | None = None,
    tol: float = 1e-6,
    max_iter: int = 100,
) -> dict[str, Any]:
    """Estimate `spec` (the MODEL.json dictionary) on `data` and lay out every result."""
    model, target = parse_spec(spec)
    prepared = prepare(data, columns, model, missing=missing)
    scale = _scale(spec.get("scale"), prepared.x)
    est = estimate(prepared, model, scheme=scheme, scaled=scaled, tol=tol, max_iter=max_iter)
    imp = ipma(est, target=target, scale=scale, cuts=_cuts(spec.get("cuts")))
    boot = None
    if resamples:
        boot = bootstrap(
            prepared, model, resamples=resamples, seed=seed, scheme=scheme, scaled=scaled,
            tol=tol, max_iter=max_iter, processes=processes,
        )
    out = layout(est, imp, boot, tol=tol, max_iter=max_iter)
    out["scale"] = {"min": scale[0], "max": scale[1], "inferred": spec.get("scale") is None}
    out["readings"] = readings(est, imp, boot, scale_inferred=spec.get("scale") is None)
    return clean(out)


def parse_spec(spec: Mapping[str, Any]) -> tuple[PathModel, str]:
    if not isinstance(spec, Mapping):
        raise ModelError("The model must be a JSON object.", code="bad_spec")
    unknown = sorted(set(spec) - MODEL_KEYS)
    if unknown:
        raise ModelError(
            f"Unknown key “{unknown[0]}” in the model; expected {', '.join(sorted(MODEL_KEYS))}.",
            code="unknown_key", key=unknown[0],
        )
    modes = spec.get("modes") or {}
    if not isinstance(modes, Mapping):
        raise ModelError("`modes` must map constructs to A or B.", code="bad_modes")
    model = PathModel.build(spec.get("constructs") or {}, spec.get("paths") or [], modes)
    target = spec.get("target")
    if not isinstance(target, str) or target not in model.constructs:
        raise ModelError(
            f"The target “{target}” is not one of the constructs.",
            code="bad_target", field="target", construct=str(target),
        )
    return model, target


def _scale(scale: Any, x: np.ndarray) -> tuple[float, float]:
    if scale is None:  # without a stated scale, the answers' own range stands in
        return float(np.nanmin(x)), float(np.nanmax(x))
    try:
        return float(scale["min"]), float(scale["max"])
    except (TypeError, KeyError, ValueError):
        raise ModelError(
            "`scale` must be an object with numbers `min` and `max`, e.g. {\"min\": 1, \"max\": 10}.",
            code="bad_scale", field="scale",
        ) from None


def _cuts(cuts: Any) -> tuple[float | None, float | None]:
    if cuts is None:
        return None, None
    try:
        i, p = cuts.get("importance"), cuts.get("performance")
        return (None if i is None else float(i)), (None if p is None else float(p))
    except (AttributeError, TypeError, ValueError):
        raise ModelError(
            "`cuts` must be an object with numbers `importance` and/or `performance`.",
            code="bad_cuts", field="cuts",
        ) from None


def _spread(s: Spread | None) -> dict[str, float]:
    return {} if s is None else {"se": s.se, "ci_low": s.ci_low, "ci_high": s.ci_high}


def layout(
    est: Estimate, imp: Ipma, boot: Bootstrap | None, *, tol: float, max_iter: int
) -> dict[str, Any]:
    model = est.model
    bp = boot.paths if boot else {}
    bt = boot.total_effects if boot else {}
    bl = boot.loadings if boot else {}
    return {
        "n": est.n,
        "missing": {"method": est.missing.method, "rows_dropped": est.missing.rows_dropped,
                    "cells_imputed": est.missing.cells_imputed},
        "scheme": est.scheme, "scaled": est.scaled, "converged": est.converged,
        "iterations": est.iterations, "tolerance": tol, "max_iter": max_iter,
        "paths": [{"from": a, "to": b, "coef": c, **_spread(bp.get((a, b)))}
                  for (a, b), c in est.paths.items()],
        "r2": est.r2,
        "outer": [
            {"construct": model.constructs[model.block_of[i]], "item": item,
             "mode": model.modes[model.block_of[i]], "weight": est.weights[item],
             "loading": est.loadings[item], **_spread(bl.get(item))}
            for i, item in enumerate(model.items)
        ],
        "reliability": {c: {"alpha": r.alpha, "rho_c": r.rho_c, "ave": r.ave,
                            **({"note": r.note} if r.note else {})}
                        for c, r in est.reliability.items()},
        "gof": est.gof,
        "target": imp.target,
        "total_effects": {c: est.total_effects[(c, imp.target)] for c in imp.importance},
        "total_effects_all": [{"from": a, "to": b, "effect": v, **_spread(bt.get((a, b)))}
                              for (a, b), v in est.total_effects.items()],
        "importance": imp.importance,
        "performance": imp.performance,
        "index": imp.index,
        "quadrants": imp.quadrants,
        "quadrant_cuts": {"importance": imp.cut_importance, "performance": imp.cut_performance},
        "item_weights": imp.item_weights,
        "ranking": [{"item": r.item, "construct": r.construct, "score": r.score,
                     "impact": r.impact, "rank": r.rank} for r in imp.ranking],
        "cross_loadings": est.cross_loadings,
        "lv_correlations": est.lv_corr,
        "htmt": est.htmt,
        "fornell_larcker": est.fornell_larcker,
        "bootstrap": None if boot is None else {
            "resamples": boot.resamples, "used": boot.used, "seed": boot.seed,
            "level": boot.level, "processes": boot.processes,
        },
    }


def clean(value: Any) -> Any:
    """Plain JSON: NaN and infinities (undefined quantities) become null, numpy types floats."""
    if isinstance(value, dict):
        return {str(k): clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean(v) for v in value]
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return float(value) if math.isfinite(value) else None
    return value
