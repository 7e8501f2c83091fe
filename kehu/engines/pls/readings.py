"""Plain-language readings of a CSI analysis.

Each reading is a code, its parameters and an English sentence; an application may render the
code in the user's language instead. Thresholds are the usual ones of the PLS literature
(Hair et al.): α and ρc at least 0.7, AVE at least 0.5, loadings at least 0.4, HTMT below 0.9.
"""

from __future__ import annotations

from typing import Any

from kehu.engines.pls.bootstrap import Bootstrap
from kehu.engines.pls.estimate import Estimate
from kehu.engines.pls.ipma import Ipma

MIN_ALPHA = 0.7
MIN_RHO = 0.7
MIN_AVE = 0.5
MIN_LOADING = 0.4
MAX_HTMT = 0.9

QUADRANT_ADVICE = {
    "advantage": "a strength: keep it up",
    "disadvantage": "a weakness that matters: improve it first",
    "unimportant": "of little consequence for now",
    "complex": "good but of little influence: check whether the effort is still needed",
}


def _r(code: str, text: str, **params: Any) -> dict[str, Any]:
    return {"code": code, "text": text, **params}


def readings(
    est: Estimate, imp: Ipma, boot: Bootstrap | None, *, scale_inferred: bool = False
) -> list[dict[str, Any]]:
    out = _estimation(est, scale_inferred) + _measurement(est) + _validity(est)
    out += _structure(est, boot) + _matrix(imp)
    return out


def _estimation(est: Estimate, scale_inferred: bool) -> list[dict[str, Any]]:
    out = []
    if not est.converged:
        out.append(_r("not_converged",
                      f"The estimation did not converge in {est.iterations} iterations: the "
                      "results are provisional.", value=est.iterations))
    m = est.missing
    if m.rows_dropped:
        out.append(_r("rows_dropped", f"{m.rows_dropped} respondents with missing answers were "
                      "left out (listwise deletion).", value=m.rows_dropped))
    if m.cells_imputed:
        out.append(_r("cells_imputed", f"{m.cells_imputed} missing answers were replaced by "
                      "the item's mean.", value=m.cells_imputed))
    if scale_inferred:
        out.append(_r("scale_inferred", "No answer scale was given: the lowest and highest "
                      "answers in the data stand in for it."))
    return out


def _measurement(est: Estimate) -> list[dict[str, Any]]:
    out = []
    for c, r in est.reliability.items():
        if r.note == "single_item":
            out.append(_r("single_item", f"“{c}” is measured by a single item: its reliability "
                          "cannot be assessed.", construct=c))
            continue
        if r.note == "formative":
            continue
        checks = (("low_alpha", "Cronbach's α", r.alpha, MIN_ALPHA),
                  ("low_rho_c", "composite reliability ρc", r.rho_c, MIN_RHO),
                  ("low_ave", "average variance extracted", r.ave, MIN_AVE))
        for code, label, value, floor in checks:
            if value is not None and value < floor:
                out.append(_r(code, f"“{c}”: {label} is {value:.2f}, below {floor}.",
                              construct=c, value=value, threshold=floor))
    model = est.model
    for i, item in enumerate(model.items):
        k = model.block_of[i]
        if model.modes[k] == "A" and est.loadings[item] < MIN_LOADING:
            out.append(_r("weak_item", f"Item “{item}” loads only {est.loadings[item]:.2f} on "
                          f"“{model.constructs[k]}”: consider dropping it.", item=item,
                          construct=model.constructs[k], value=est.loadings[item]))
    return out


def _validity(est: Estimate) -> list[dict[str, Any]]:
    out = []
    names = est.model.constructs
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            h = est.htmt[a][b]
            if h is not None and h >= MAX_HTMT:
                out.append(_r("high_htmt", f"“{a}” and “{b}” are hard to tell apart "
                              f"(HTMT {h:.2f} ≥ {MAX_HTMT}).", construct=a, other=b, value=h))
    return out


def _structure(est: Estimate, boot: Bootstrap | None) -> list[dict[str, Any]]:
    if boot is None:
        return []
    out = []
    for (a, b), s in boot.paths.items():
        sig = s.ci_low > 0 or s.ci_high < 0
        coef = est.paths[(a, b)]
        code, word = ("significant", "is") if sig else ("not_significant", "is not")
        out.append(_r(code, f"The path {a} → {b} ({coef:.3f}) {word} significant at the "
                      f"{boot.level:.0%} level.", construct=b, source=a, value=coef))
    return out


def _matrix(imp: Ipma) -> list[dict[str, Any]]:
    out = [_r("quadrant", f"“{c}” lies in the {q} quadrant: {QUADRANT_ADVICE[q]}.",
              construct=c, quadrant=q) for c, q in imp.quadrants.items()]
    if imp.negative_weights:
        out.append(_r("negative_weight", "Items with negative weights ("
                      + ", ".join(imp.negative_weights) + ") make the 0–100 scores hard to "
                      "read: check their coding.", items=list(imp.negative_weights)))
    if imp.ranking:
        top = imp.ranking[0]
        out.append(_r("first_priority", f"Improve “{top.item}” first: its score is "
                      f"{top.score:.1f} and one point more there adds {top.impact:.3f} to "
                      f"“{imp.target}”.", item=top.item, value=top.impact))
    return out
