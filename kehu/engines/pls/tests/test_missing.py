"""Missing answers: listwise deletion or item means, and the report says which and how many."""

import numpy as np
import pytest

from kehu.engines.pls import PathModel, csi_report, estimate, prepare
from kehu.engines.pls.tests.helpers import MOBI_CONSTRUCTS, MOBI_PATHS, MOBI_SPEC, table

COLUMNS, X = table("mobi.csv")
MODEL = PathModel.build(MOBI_CONSTRUCTS, MOBI_PATHS)


def with_gaps():
    x = X.copy()
    x[[3, 10, 10, 50], [0, 5, 7, 20]] = np.nan
    return x


def test_listwise_deletion_drops_incomplete_respondents():
    out = csi_report(with_gaps(), COLUMNS, MOBI_SPEC, missing="listwise")
    assert out["n"] == 247
    assert out["missing"] == {"method": "listwise", "rows_dropped": 3, "cells_imputed": 0}
    kept = np.delete(X, [3, 10, 50], axis=0)
    same = estimate(prepare(kept, COLUMNS, MODEL), MODEL)
    assert out["paths"][0]["coef"] == pytest.approx(same.paths[("Image", "Expectation")])


def test_mean_imputation_fills_gaps_with_the_item_mean():
    x = with_gaps()
    out = csi_report(x, COLUMNS, MOBI_SPEC, missing="mean")
    assert out["n"] == 250
    assert out["missing"] == {"method": "mean", "rows_dropped": 0, "cells_imputed": 4}
    filled = np.where(np.isnan(x), np.nanmean(x, axis=0), x)
    same = estimate(prepare(filled, COLUMNS, MODEL), MODEL)
    assert out["paths"][0]["coef"] == pytest.approx(same.paths[("Image", "Expectation")])
    assert any(r["code"] == "cells_imputed" for r in out["readings"])


def test_blank_text_cells_count_as_missing():
    cells = X.astype(object)
    cells[0, 0] = " "
    cells[1, 1] = None
    assert prepare(cells, COLUMNS, MODEL).missing.rows_dropped == 2
