"""Thousands of Erlangs: exact, finite, and the same as the brute-force chain."""

from __future__ import annotations

import math

import numpy as np
import pytest

from kehu.engines.erlang import MAX_AGENTS, StaffingError, Targets, measures, solve
from kehu.engines.erlang.tests.ctmc import erlang_a_chain, erlang_c_chain


def test_a_thousand_agents_erlang_c_matches_the_chain():
    # 980 Erlangs: 17,640 calls of 100 s in 30 minutes.
    t = Targets(interval_s=1800, target_sl=0.8, answer_s=20)
    m = measures([1000], 17_640, 100, t)
    ref = erlang_c_chain(1000, 17_640, 1800, 100, 20)
    assert m.load_erlangs[0] == pytest.approx(980.0)
    assert m.prob_wait[0] == pytest.approx(ref.prob_wait, abs=1e-9)
    assert m.service_level[0] == pytest.approx(ref.service_level, abs=1e-9)
    assert m.asa_s[0] == pytest.approx(ref.asa_s, rel=1e-7)


def test_a_thousand_agents_erlang_a_matches_the_chain():
    t = Targets(interval_s=1800, target_sl=0.8, answer_s=20, patience_s=120)
    m = measures([1000], 18_000, 100, t)
    ref = erlang_a_chain(1000, 18_000, 1800, 100, 20, 120)
    assert m.prob_wait[0] == pytest.approx(ref.prob_wait, abs=1e-9)
    assert m.service_level[0] == pytest.approx(ref.service_level, abs=1e-9)
    assert m.prob_abandon[0] == pytest.approx(ref.prob_abandon, abs=1e-9)


def test_solving_for_about_a_thousand_agents_is_exact_and_finite():
    t = Targets(interval_s=1800, target_sl=0.8, answer_s=20)
    s = solve(18_000, 100, t)  # 1,000 Erlangs
    assert 1000 < s.agents < 1100
    assert all(math.isfinite(v) for v in (s.service_level, s.prob_wait, s.asa_s, s.occupancy))
    assert s.service_level >= 0.8
    assert measures([s.agents - 1], 18_000, 100, t).service_level[0] < 0.8


def test_ten_thousand_erlangs_still_solve():
    s = solve(360_000, 100, Targets(interval_s=1800, target_sl=0.9, answer_s=10))
    assert 20_000 < s.agents < 20_300
    assert 0.9 <= s.service_level < 1


def test_very_patient_callers_far_above_the_load_stay_finite():
    """Patience a thousand times the AHT with ample staff: the gamma tails underflow in plain
    floats; the engine's log-space series must still give Erlang C's answer."""
    t = Targets(interval_s=1800, target_sl=0.8, answer_s=20, patience_s=180_000)
    a = measures([100], 850, 180, t)
    c = measures([100], 850, 180, Targets(interval_s=1800, target_sl=0.8, answer_s=20))
    assert np.isfinite(a.service_level[0]) and np.isfinite(a.asa_s[0])
    assert a.prob_wait[0] == pytest.approx(c.prob_wait[0], rel=1e-3)
    assert a.service_level[0] == pytest.approx(c.service_level[0], abs=1e-3)


def test_hugely_overloaded_erlang_a_is_finite():
    t = Targets(interval_s=1800, target_sl=0.8, answer_s=20, patience_s=2)
    m = measures([100], 100_000, 180, t)
    assert m.prob_wait[0] == pytest.approx(1.0)
    assert m.prob_abandon[0] == pytest.approx(0.99, abs=1e-6)  # 100 agents carry 1% of the calls
    assert np.isfinite(m.asa_s[0])


def test_a_load_beyond_the_agent_cap_is_refused_at_once():
    with pytest.raises(StaffingError) as e:
        solve(2_000_000, 100, Targets(interval_s=1800))
    assert e.value.field == "calls"
    assert e.value.code == "too_much_load"
    assert e.value.params["max_agents"] == MAX_AGENTS
