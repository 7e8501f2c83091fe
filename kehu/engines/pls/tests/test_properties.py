"""What must not change the results: the order of items or respondents, an item's units."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kehu.engines.pls import PathModel, estimate, prepare
from kehu.engines.pls.tests.helpers import MOBI_CONSTRUCTS, MOBI_PATHS, table

COLUMNS, X = table("mobi.csv")
MODEL = PathModel.build(MOBI_CONSTRUCTS, MOBI_PATHS)
SCHEMES = st.sampled_from(["path", "centroid", "factorial"])


def run(x, columns, model=MODEL, scheme="path", scaled=True):
    return estimate(prepare(x, columns, model), model, scheme=scheme, scaled=scaled, tol=1e-12)


def same(a, b, tol=1e-9):
    assert a.paths.keys() == b.paths.keys()
    for k in a.paths:
        assert a.paths[k] == pytest.approx(b.paths[k], abs=tol), k
    for c in a.r2:
        assert a.r2[c] == pytest.approx(b.r2[c], abs=tol), c
    for i in a.loadings:
        assert a.loadings[i] == pytest.approx(b.loadings[i], abs=tol), i
        assert a.weights[i] == pytest.approx(b.weights[i], abs=tol), i
    assert a.gof == pytest.approx(b.gof, abs=tol)


@settings(max_examples=25, deadline=None)
@given(st.randoms(use_true_random=False), SCHEMES, st.booleans())
def test_item_order_does_not_matter(rnd, scheme, scaled):
    columns = list(COLUMNS)
    rnd.shuffle(columns)
    x = X[:, [COLUMNS.index(c) for c in columns]]
    blocks = {c: rnd.sample(items, len(items)) for c, items in MOBI_CONSTRUCTS.items()}
    order = rnd.sample(list(blocks), len(blocks))
    model = PathModel.build({c: blocks[c] for c in order}, MOBI_PATHS)
    same(run(X, COLUMNS, scheme=scheme, scaled=scaled),
         run(x, columns, model, scheme=scheme, scaled=scaled))


@settings(max_examples=25, deadline=None)
@given(st.permutations(range(len(X))), SCHEMES, st.booleans())
def test_respondent_order_does_not_matter(order, scheme, scaled):
    same(run(X, COLUMNS, scheme=scheme, scaled=scaled),
         run(X[list(order)], COLUMNS, scheme=scheme, scaled=scaled))


@settings(max_examples=40, deadline=None)
@given(
    st.sampled_from(COLUMNS),
    st.floats(min_value=1e-3, max_value=1e3),
    st.floats(min_value=-1e4, max_value=1e4),
    SCHEMES,
)
def test_rescaling_an_item_leaves_standardised_results_unchanged(item, a, b, scheme):
    x = X.copy()
    j = COLUMNS.index(item)
    x[:, j] = a * x[:, j] + b
    same(run(X, COLUMNS, scheme=scheme), run(x, COLUMNS, scheme=scheme), tol=1e-7)


def test_unscaled_estimation_does_depend_on_item_units():
    x = X.copy()
    x[:, COLUMNS.index("IMAG1")] *= 10
    a, b = run(X, COLUMNS, scaled=False), run(x, COLUMNS, scaled=False)
    assert abs(a.weights["IMAG1"] - b.weights["IMAG1"]) > 0.05


@settings(max_examples=20, deadline=None)
@given(st.lists(st.sampled_from(sorted(MOBI_CONSTRUCTS)), unique=True, max_size=7))
def test_flipping_items_is_undone_by_the_sign_rule(reversed_blocks):
    """Reverse-coding whole blocks (11 − x): the sign rule turns each such construct so its
    loadings are positive again, so it now measures the reversed concept and exactly the
    paths touching it change sign."""
    x = X.copy()
    for c in reversed_blocks:
        for item in MOBI_CONSTRUCTS[c]:
            x[:, COLUMNS.index(item)] = 11 - x[:, COLUMNS.index(item)]
    a, b = run(X, COLUMNS), run(x, COLUMNS)
    for i in a.loadings:
        assert b.loadings[i] == pytest.approx(a.loadings[i], abs=1e-9)
    for (f, t), v in a.paths.items():
        sign = (-1) ** ((f in reversed_blocks) + (t in reversed_blocks))
        assert b.paths[(f, t)] == pytest.approx(sign * v, abs=1e-9)


def test_a_block_with_most_items_reversed_turns_to_positive_loadings():
    x = X.copy()
    for item in ("IMAG1", "IMAG2", "IMAG3"):
        x[:, COLUMNS.index(item)] = 11 - x[:, COLUMNS.index(item)]
    est = run(x, COLUMNS)
    signs = np.sign([est.loadings[i] for i in MOBI_CONSTRUCTS["Image"]])
    assert list(signs) == [1, 1, 1, -1, -1]
