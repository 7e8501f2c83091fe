"""The covariance-matrix shortcut agrees with the textbook algorithm run on respondents' data.

`textbook` below iterates on the data matrix itself (scores, inner proxies, regressions), as
the method is usually taught; the engine never forms scores. Agreement for every scheme and
both modes checks the shortcut, the path scheme's inner weights and Mode B.
"""

import numpy as np
import pytest

from kehu.engines.pls import PathModel, estimate, prepare
from kehu.engines.pls.tests.helpers import MOBI_CONSTRUCTS, MOBI_PATHS, table


def _standardise(v):
    return (v - v.mean(axis=0)) / v.std(axis=0)


def textbook(x, model, scheme, scaled, modes):
    x = x - x.mean(axis=0)
    if scaled:
        x = x / x.std(axis=0)
    blocks = [np.flatnonzero(model.block_of == k) for k in range(len(model.constructs))]
    adj = model.inner + model.inner.T
    w = [np.ones(len(b)) for b in blocks]
    for _ in range(500):
        y = _standardise(np.column_stack([x[:, b] @ wk for b, wk in zip(blocks, w, strict=True)]))
        r = np.corrcoef(y, rowvar=False)
        if scheme == "centroid":
            e = np.sign(r) * adj
        elif scheme == "factorial":
            e = r * adj
        else:
            e = r * model.inner.T
            for k, pred in enumerate(model.predecessors):
                if len(pred):
                    e[pred, k] = np.linalg.lstsq(y[:, pred], y[:, k], rcond=None)[0]
        z = y @ e
        new = []
        for k, b in enumerate(blocks):
            if modes[k] == "B":
                new.append(np.linalg.lstsq(x[:, b], z[:, k], rcond=None)[0])
            else:
                new.append(x[:, b].T @ z[:, k] / len(x))
        if max(np.abs(np.abs(a) - np.abs(c)).max() for a, c in zip(w, new, strict=True)) < 1e-12:
            break
        w = new
    y = _standardise(np.column_stack([x[:, b] @ wk for b, wk in zip(blocks, w, strict=True)]))
    paths = {}
    for k, pred in enumerate(model.predecessors):
        if len(pred):
            coef = np.linalg.lstsq(y[:, pred], y[:, k], rcond=None)[0]
            for j, c in zip(pred, coef, strict=True):
                paths[(model.constructs[j], model.constructs[k])] = c
    loadings = [np.corrcoef(x[:, i], y[:, model.block_of[i]])[0, 1] for i in range(x.shape[1])]
    return paths, np.array(loadings)


@pytest.mark.parametrize("scheme", ["path", "centroid", "factorial"])
@pytest.mark.parametrize("scaled", [True, False])
@pytest.mark.parametrize("formative", [(), ("Image", "Value")])
def test_engine_agrees_with_the_textbook_iteration(scheme, scaled, formative):
    modes = {c: "B" for c in formative}
    model = PathModel.build(MOBI_CONSTRUCTS, MOBI_PATHS, modes)
    columns, x = table("mobi.csv")
    data = prepare(x, columns, model)
    est = estimate(data, model, scheme=scheme, scaled=scaled, tol=1e-14, max_iter=500)
    paths, loadings = textbook(data.x, model, scheme, scaled, model.modes)
    assert est.converged
    for key, value in paths.items():
        assert est.paths[key] == pytest.approx(value, abs=1e-8), key
    ours = np.array([est.loadings[i] for i in model.items])
    # textbook signs are arbitrary; the engine turns every block so most loadings are positive
    signs = np.sign(loadings @ model.outer_design)[model.block_of]
    assert ours == pytest.approx(loadings * signs, abs=1e-8)


def test_schemes_differ_only_a_little_on_a_well_measured_model():
    model = PathModel.build(MOBI_CONSTRUCTS, MOBI_PATHS)
    columns, x = table("mobi.csv")
    data = prepare(x, columns, model)
    runs = [estimate(data, model, scheme=s) for s in ("path", "centroid", "factorial")]
    for key in runs[0].paths:
        values = [r.paths[key] for r in runs]
        assert max(values) - min(values) < 0.02, key
    assert len({r.paths[("Image", "Expectation")] for r in runs}) == 3  # yet not the same
