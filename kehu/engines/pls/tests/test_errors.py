"""Bad models and bad data: one exception, a message naming the construct or item."""

import numpy as np
import pytest

from kehu.engines.pls import ModelError, PathModel, csi_report, prepare
from kehu.engines.pls.tests.helpers import MOBI_CONSTRUCTS, MOBI_PATHS, MOBI_SPEC, table

COLUMNS, X = table("mobi.csv")


def error(fn, *args, **kwargs) -> ModelError:
    with pytest.raises(ModelError) as caught:
        fn(*args, **kwargs)
    return caught.value


def test_a_cycle_is_named():
    e = error(PathModel.build, {"A": ["a"], "B": ["b"], "C": ["c"]},
              [["A", "B"], ["B", "C"], ["C", "A"]])
    assert e.code == "cycle" and "A → B → C → A" in str(e)


def test_a_construct_without_paths_is_named():
    e = error(PathModel.build, {**MOBI_CONSTRUCTS, "Trust": ["T1"]}, MOBI_PATHS)
    assert e.code == "unconnected" and "Trust" in str(e)


def test_a_model_in_two_separate_parts_is_refused():
    e = error(PathModel.build, {"A": ["a"], "B": ["b"], "C": ["c"], "D": ["d"]},
              [["A", "B"], ["C", "D"]])
    assert e.code == "unconnected" and "“C”" in str(e)


def test_paths_to_unknown_constructs_and_items_listed_twice():
    assert "Trust" in str(error(PathModel.build, MOBI_CONSTRUCTS, [["Image", "Trust"]]))
    e = error(PathModel.build, {"A": ["x", "y"], "B": ["y"]}, [["A", "B"]])
    assert e.code == "item_twice" and "“y”" in str(e)


def test_an_item_missing_from_the_data_is_named_with_its_construct():
    model = PathModel.build({**MOBI_CONSTRUCTS, "Value": ["PERV1", "PERV9"]}, MOBI_PATHS)
    e = error(prepare, X, COLUMNS, model)
    assert e.code == "item_missing" and "PERV9" in str(e) and "Value" in str(e)


def test_a_non_numeric_cell_is_named_by_item_and_row():
    model = PathModel.build(MOBI_CONSTRUCTS, MOBI_PATHS)
    cells = X.astype(object)
    cells[4, COLUMNS.index("CUSA2")] = "很满意"
    e = error(prepare, cells, COLUMNS, model)
    assert e.code == "not_numeric" and e.params == {"item": "CUSA2", "row": 5, "value": "很满意"}
    assert "CUSA2" in str(e) and "row 5" in str(e)


def test_a_constant_item_is_named():
    model = PathModel.build(MOBI_CONSTRUCTS, MOBI_PATHS)
    x = X.copy()
    x[:, COLUMNS.index("PERQ3")] = 7
    e = error(prepare, x, COLUMNS, model)
    assert e.code == "constant_item" and "PERQ3" in str(e) and "Quality" in str(e)


def test_fewer_respondents_than_parameters():
    model = PathModel.build(MOBI_CONSTRUCTS, MOBI_PATHS)
    e = error(prepare, X[:30], COLUMNS, model)
    assert e.code == "too_few_respondents" and "36 parameters" in str(e)


def test_a_single_item_block_has_no_reliability_but_is_estimated():
    out = csi_report(X, COLUMNS, MOBI_SPEC)
    assert out["reliability"]["Complaints"] == {
        "alpha": None, "rho_c": None, "ave": None, "note": "single_item",
    }
    assert any(r["code"] == "single_item" and r["construct"] == "Complaints"
               for r in out["readings"])
    assert out["r2"]["Complaints"] > 0.2


def test_non_convergence_gives_labelled_partial_results():
    out = csi_report(X, COLUMNS, MOBI_SPEC, max_iter=1)
    assert out["converged"] is False and out["iterations"] == 1
    assert out["readings"][0]["code"] == "not_converged"
    assert len(out["paths"]) == len(MOBI_PATHS)


def test_unknown_scheme_and_missing_method_name_the_option():
    assert error(csi_report, X, COLUMNS, MOBI_SPEC, scheme="magic").field == "scheme"
    assert error(csi_report, X, COLUMNS, MOBI_SPEC, missing="guess").field == "missing"


def test_the_target_must_be_a_construct_with_drivers():
    assert error(csi_report, X, COLUMNS, {**MOBI_SPEC, "target": "Nope"}).code == "bad_target"
    e = error(csi_report, X, COLUMNS, {**MOBI_SPEC, "target": "Image"})
    assert e.code == "target_without_drivers" and "Image" in str(e)


def test_a_bad_scale_is_refused():
    e = error(csi_report, X, COLUMNS, {**MOBI_SPEC, "scale": {"min": 10, "max": 1}})
    assert e.field == "scale"


def test_collinear_formative_items_are_named():
    x = np.column_stack([X, X[:, COLUMNS.index("PERV1")] * 2 + 1])
    spec = {**MOBI_SPEC, "constructs": {**MOBI_CONSTRUCTS, "Value": ["PERV1", "PERV2", "PERV3"]},
            "modes": {"Value": "B"}}
    e = error(csi_report, x, [*COLUMNS, "PERV3"], spec)
    assert e.code == "collinear_items" and "Value" in str(e)


def test_infinite_and_absurd_answers_are_named():
    model = PathModel.build(MOBI_CONSTRUCTS, MOBI_PATHS)
    for value in (np.inf, 1e308):
        x = X.copy()
        x[9, COLUMNS.index("CUEX2")] = value
        e = error(prepare, x, COLUMNS, model)
        assert e.code == "not_numeric" and e.params["item"] == "CUEX2" and e.params["row"] == 10


def test_a_bootstrap_on_a_tiny_sample_leaves_out_degenerate_resamples():
    spec = {"constructs": {"A": ["a1", "a2"], "B": ["b1"]}, "paths": [["A", "B"]],
            "target": "B", "scale": {"min": 1, "max": 4}}
    x = np.array([[1, 2, 3], [2, 1, 3], [3, 3, 1], [4, 1, 2], [2, 2, 2]], dtype=float)
    out = csi_report(x, ["a1", "a2", "b1"], spec, resamples=200, seed=1)
    assert 2 <= out["bootstrap"]["used"] < 200  # resamples with a constant item are dropped
    assert out["paths"][0]["se"] is not None
