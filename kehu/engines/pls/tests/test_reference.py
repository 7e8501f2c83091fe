"""The published plspm satisfaction study, reproduced (centroid scheme, items centred only)."""

import pytest

from kehu.engines.pls import PathModel, estimate, ipma, prepare
from kehu.engines.pls.tests.helpers import reference, satisfaction_spec, table

TOL = 1e-4


@pytest.fixture(scope="module")
def fitted():
    spec = satisfaction_spec()
    model = PathModel.build(spec["constructs"], spec["paths"])
    columns, x = table("satisfaction.csv")
    est = estimate(prepare(x, columns, model), model, scheme="centroid", scaled=False)
    return est, ipma(est, target="SAT", scale=(0, 10))


def test_path_coefficients_match_the_published_ones(fitted):
    est, _ = fitted
    for key, value in reference()["published"]["direct_effects"].items():
        assert est.paths[tuple(key.split("->"))] == pytest.approx(value, abs=TOL), key


def test_r_squared_matches(fitted):
    est, _ = fitted
    assert est.r2.keys() == reference()["published"]["r_squared"].keys()
    for c, value in reference()["published"]["r_squared"].items():
        assert est.r2[c] == pytest.approx(value, abs=TOL), c


def test_loadings_match(fitted):
    est, _ = fitted
    for item, value in reference()["published"]["outer_loadings"].items():
        assert est.loadings[item] == pytest.approx(value, abs=TOL), item


def test_gof_matches(fitted):
    est, _ = fitted
    assert est.gof == pytest.approx(reference()["published"]["gof"], abs=TOL)


def test_the_estimation_converges_within_plspm_iteration_cap(fitted):
    est, _ = fitted
    assert est.converged and 1 < est.iterations < 100


def test_ipma_matches_the_derived_values_to_their_printed_precision(fitted):
    est, imp = fitted
    drivers = dict(reference()["importance_performance_derived"]["drivers"])
    index = drivers.pop("SAT_index")
    assert imp.index == pytest.approx(index["performance"], abs=1e-4)
    assert imp.importance.keys() == drivers.keys()
    for c, v in drivers.items():
        assert imp.importance[c] == pytest.approx(v["importance"], abs=1e-6), c
        assert imp.performance[c] == pytest.approx(v["performance"], abs=1e-4), c
        assert est.total_effects[(c, "SAT")] == pytest.approx(v["total_effect_std"], abs=1e-6), c


def test_quadrants_split_the_drivers_at_their_means(fitted):
    _, imp = fitted
    # importance mean 0.546, performance mean 72.22 (values above)
    assert imp.quadrants == {
        "IMAG": "advantage", "EXPE": "complex", "QUAL": "unimportant", "VAL": "disadvantage",
    }


def test_ranking_puts_low_score_high_impact_items_first(fitted):
    _, imp = fitted
    gains = [r.impact * (100 - r.score) for r in imp.ranking]
    assert gains == sorted(gains, reverse=True)
    assert [r.rank for r in imp.ranking] == list(range(1, len(imp.ranking) + 1))
    # the target's own items are not drivers and are not ranked
    assert {r.construct for r in imp.ranking} == {"IMAG", "EXPE", "QUAL", "VAL"}
    assert imp.ranking[0].item == "val4"


def test_item_impacts_add_up_to_the_construct_importance(fitted):
    _, imp = fitted
    for c, importance in imp.importance.items():
        assert sum(r.impact for r in imp.ranking if r.construct == c) == pytest.approx(importance)
