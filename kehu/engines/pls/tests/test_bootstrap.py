"""Bootstrap: reproducible from its seed, distinct resamples in every process."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kehu.engines.pls import ModelError, PathModel, bootstrap, estimate, prepare
from kehu.engines.pls.tests.helpers import MOBI_CONSTRUCTS, MOBI_PATHS, table

MODEL = PathModel.build(MOBI_CONSTRUCTS, MOBI_PATHS)
DATA = prepare(table("mobi.csv")[1], table("mobi.csv")[0], MODEL)


@settings(max_examples=10, deadline=None)
@given(st.integers(min_value=0, max_value=2**63))
def test_one_seed_gives_the_same_bootstrap_twice(seed):
    a = bootstrap(DATA, MODEL, resamples=30, seed=seed, processes=1)
    b = bootstrap(DATA, MODEL, resamples=30, seed=seed, processes=1)
    assert np.array_equal(a.draws, b.draws)
    assert a.paths == b.paths


def test_another_seed_gives_other_resamples():
    a = bootstrap(DATA, MODEL, resamples=30, seed=1, processes=1)
    b = bootstrap(DATA, MODEL, resamples=30, seed=2, processes=1)
    assert a.chunk_digests != b.chunk_digests
    assert not np.array_equal(a.draws, b.draws)


def test_two_processes_draw_distinct_resamples_and_match_one_process():
    two = bootstrap(DATA, MODEL, resamples=400, seed=7, processes=2)
    one = bootstrap(DATA, MODEL, resamples=400, seed=7, processes=1)
    assert two.processes == 2
    assert len(set(two.chunk_digests)) == len(two.chunk_digests) == 4
    # identical resamples would give identical rows of estimates
    assert len(np.unique(two.draws.round(12), axis=0)) == two.used == 400
    assert np.array_equal(two.draws, one.draws)


def test_standard_errors_and_percentile_intervals_come_from_the_draws():
    est = estimate(DATA, MODEL)
    b = bootstrap(DATA, MODEL, resamples=300, seed=3, processes=1)
    s = b.paths[("Image", "Expectation")]
    column = b.draws[:, 0]  # the first statistic is the first path
    assert s.se == pytest.approx(column.std(ddof=1))
    assert (s.ci_low, s.ci_high) == pytest.approx(tuple(np.percentile(column, [2.5, 97.5])))
    assert s.ci_low < est.paths[("Image", "Expectation")] < s.ci_high
    assert 0.02 < s.se < 0.15
    weak = b.paths[("Complaints", "Loyalty")]
    assert weak.ci_low < 0 < weak.ci_high  # the weak path's interval covers zero


def test_bootstrap_counts_must_be_sensible():
    with pytest.raises(ModelError, match="between 2 and"):
        bootstrap(DATA, MODEL, resamples=1)
    with pytest.raises(ModelError, match="processes"):
        bootstrap(DATA, MODEL, resamples=10, processes=0)
