"""Inputs out of range: one clear StaffingError naming the field, never a hang."""

from __future__ import annotations

import math

import pytest

from kehu.engines.erlang import StaffingError, Targets, measures, solve, solve_many

OK = {"interval_s": 1800, "target_sl": 0.8, "answer_s": 20}


@pytest.mark.parametrize(
    ("calls", "aht", "targets", "field"),
    [
        (100, 0, {}, "aht_s"),
        (100, -5, {}, "aht_s"),
        (-1, 180, {}, "calls"),
        (math.nan, 180, {}, "calls"),
        (100, math.inf, {}, "aht_s"),
        (100, 180, {"interval_s": 0}, "interval_s"),
        (100, 180, {"interval_s": -900}, "interval_s"),
        (100, 180, {"target_sl": 1.0}, "target_sl"),
        (100, 180, {"target_sl": 0.0}, "target_sl"),
        (100, 180, {"target_sl": 1.2}, "target_sl"),
        (100, 180, {"answer_s": -1}, "answer_s"),
        (100, 180, {"shrinkage": 1.0}, "shrinkage"),
        (100, 180, {"shrinkage": -0.1}, "shrinkage"),
        (100, 180, {"max_occupancy": 0}, "max_occupancy"),
        (100, 180, {"max_occupancy": 1.01}, "max_occupancy"),
        (100, 180, {"patience_s": 0}, "patience_s"),
        (100, 180, {"patience_s": -30}, "patience_s"),
        (100, 180, {"target_sl": None}, "target_sl"),
        (100, 180, {"target_asa_s": 0, "target_sl": None}, "target_asa_s"),
        (100, 180, {"target_asa_s": 20}, "target_asa_s"),
        (100, 180, {"target_asa_s": 20, "target_sl": None, "patience_s": 60}, "target_asa_s"),
        (10**9, 180, {}, "calls"),
        (10**9, 180, {"patience_s": 30}, "calls"),
    ],
)
def test_bad_input_is_refused_with_the_field_named(calls, aht, targets, field):
    with pytest.raises(StaffingError) as e:
        solve(calls, aht, Targets(**{**OK, **targets}))
    assert e.value.field == field
    assert e.value.message


def test_a_bad_interval_in_a_batch_is_located():
    with pytest.raises(StaffingError) as e:
        solve_many([100, 120, -3], [180, 180, 180], Targets(**OK))
    assert e.value.params["index"] == 2


def test_zero_calls_need_no_agents():
    s = solve(0, 180, Targets(**OK, shrinkage=0.3, patience_s=60))
    assert (s.agents, s.scheduled) == (0, 0)
    assert (s.service_level, s.prob_wait, s.asa_s, s.occupancy, s.prob_abandon) == (
        1.0,
        0.0,
        0.0,
        0.0,
        0.0,
    )


def test_no_agents_with_impatient_callers_answer_nobody():
    m = measures([0, 1], 100, 180, Targets(**OK, patience_s=60))
    assert (m.service_level[0], m.prob_wait[0], m.prob_abandon[0]) == (0.0, 1.0, 1.0)
    assert m.service_level[1] > 0
