"""The ECSI mobile-phone study (path scheme, standardised items), as a second data set."""

import pytest

from kehu.engines.pls import QUADRANTS, csi_report
from kehu.engines.pls.tests.helpers import MOBI_SPEC, table

# Path coefficients as printed for this example (semPLS / plspm, path weighting, standardised
# items), to three decimals.
PRINTED = {
    ("Image", "Expectation"): 0.505, ("Image", "Satisfaction"): 0.179,
    ("Image", "Loyalty"): 0.196, ("Expectation", "Quality"): 0.557,
    ("Expectation", "Value"): 0.050, ("Expectation", "Satisfaction"): 0.063,
    ("Quality", "Value"): 0.558, ("Quality", "Satisfaction"): 0.512,
    ("Value", "Satisfaction"): 0.195, ("Satisfaction", "Complaints"): 0.528,
    ("Satisfaction", "Loyalty"): 0.485, ("Complaints", "Loyalty"): 0.067,
}


@pytest.fixture(scope="module")
def out():
    columns, x = table("mobi.csv")
    return csi_report(x, columns, MOBI_SPEC)


def test_converges_with_every_path_positive(out):
    assert out["converged"] and out["scheme"] == "path" and out["scaled"] is True
    assert all(p["coef"] > 0 for p in out["paths"])


def test_path_coefficients_as_printed(out):
    got = {(p["from"], p["to"]): p["coef"] for p in out["paths"]}
    assert got == pytest.approx(PRINTED, abs=5e-4)


def test_satisfaction_is_explained_best(out):
    assert max(out["r2"], key=out["r2"].get) == "Satisfaction"
    assert 0.6 < out["r2"]["Satisfaction"] < 0.75


def test_report_has_the_issue_keys(out):
    for key in ("paths", "r2", "outer", "reliability", "gof", "total_effects", "importance",
                "performance", "index", "quadrants", "ranking"):
        assert key in out
    assert set(out["outer"][0]) >= {"construct", "item", "weight", "loading"}
    assert set(out["ranking"][0]) >= {"item", "score", "impact", "rank"}
    assert set(out["reliability"]["Image"]) >= {"alpha", "rho_c", "ave"}
    assert set(out["quadrants"].values()) <= set(QUADRANTS)
    assert out["index"] == out["performance"]["Satisfaction"]
    # every construct with a chain of paths into satisfaction is a driver
    assert set(out["importance"]) == {"Image", "Expectation", "Quality", "Value"}


def test_reliability_of_a_good_block(out):
    r = out["reliability"]["Satisfaction"]
    assert 0.7 < r["alpha"] < r["rho_c"] < 1 and 0.5 < r["ave"] < 1
