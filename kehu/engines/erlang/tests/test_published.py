"""Erlang C against published worked examples; Erlang A against the birth–death chain."""

from __future__ import annotations

import math

import pytest

from kehu.engines.erlang import Targets, measures, solve
from kehu.engines.erlang.tests.ctmc import erlang_a_chain, erlang_c_chain

CCH = Targets(interval_s=1800, target_sl=0.8, answer_s=20, max_occupancy=0.85, shrinkage=0.3)


def test_call_centre_helper_worked_example():
    """Call Centre Helper, "How to Calculate the Number of Agents Needed (Erlang C)",
    as given in /work/shared/data/README.md: 100 calls in 30 minutes, AHT 180 s, 80% in 20 s,
    maximum occupancy 85%, shrinkage 30% → 14 agents, 20 scheduled; P(wait) 0.174132,
    service level 0.888350, occupancy 0.714286."""
    s = solve(100, 180, CCH)
    assert (s.agents, s.scheduled) == (14, 20)
    assert s.load_erlangs == pytest.approx(10.0)
    assert s.prob_wait == pytest.approx(0.174132, abs=1e-6)
    assert s.service_level == pytest.approx(0.888350, abs=1e-6)
    assert s.occupancy == pytest.approx(0.714286, abs=1e-6)
    assert s.binding == "service_level"
    assert s.model == "erlang_c"


def test_call_centre_helper_service_level_per_agent_count():
    """The same article's table: 11/12/13/14 agents give 38.96/64.02/79.56/88.84% in 20 s."""
    m = measures([11, 12, 13, 14], 100, 180, CCH)
    assert list(m.service_level) == pytest.approx([0.3896, 0.6402, 0.7956, 0.8884], abs=5e-5)


def _erlang_c_direct(n: int, a: float) -> float:
    """The textbook sum, in exact rational-ish floats: fine for small n."""
    top = a**n / math.factorial(n) * n / (n - a)
    return top / (sum(a**k / math.factorial(k) for k in range(n)) + top)


def test_step_by_step_erlang_c_example():
    """ "The Erlang-C Formula" step-by-step example (erlang.co.uk, widely reproduced): 360 calls
    per half hour, average call 4 minutes, 55 agents, answer target 15 s. The copy we could read
    gives the inputs and the method (traffic 48 Erlangs, occupancy 48/55) but not its printed
    results, so they are checked here against the textbook sum and the birth–death chain."""
    t = Targets(interval_s=1800, target_sl=0.8, answer_s=15)
    m = measures([55], 360, 240, t)
    assert m.load_erlangs[0] == pytest.approx(48.0)
    assert m.occupancy[0] == pytest.approx(0.8727, abs=1e-4)
    c = _erlang_c_direct(55, 48.0)
    assert m.prob_wait[0] == pytest.approx(c, rel=1e-12)
    assert m.prob_wait[0] == pytest.approx(0.2387, abs=1e-4)
    assert m.asa_s[0] == pytest.approx(c * 240 / 7, rel=1e-12)  # ≈ 8.2 s
    assert m.service_level[0] == pytest.approx(1 - c * math.exp(-7 * 15 / 240), rel=1e-12)
    ref = erlang_c_chain(55, 360, 1800, 240, 15)
    assert m.service_level[0] == pytest.approx(ref.service_level, abs=1e-9)
    assert m.asa_s[0] == pytest.approx(ref.asa_s, rel=1e-8)


@pytest.mark.parametrize(
    ("agents", "calls", "aht", "patience", "answer"),
    [
        (14, 100, 180, 120, 20),  # the Call Centre Helper load with callers who give up
        (5, 100, 180, 60, 20),  # badly understaffed: half the callers abandon
        (60, 1000, 200, 300, 30),  # overloaded: the queue is held in check only by abandons
        (20, 60, 600, 45, 20),  # impatient callers, long calls
    ],
)
def test_erlang_a_matches_the_birth_death_chain(agents, calls, aht, patience, answer):
    t = Targets(interval_s=1800, target_sl=0.8, answer_s=answer, patience_s=patience)
    m = measures([agents], calls, aht, t)
    ref = erlang_a_chain(agents, calls, 1800, aht, answer, patience)
    assert m.prob_wait[0] == pytest.approx(ref.prob_wait, abs=1e-9)
    assert m.service_level[0] == pytest.approx(ref.service_level, abs=1e-9)
    assert m.prob_abandon[0] == pytest.approx(ref.prob_abandon, abs=1e-9)
    assert m.asa_s[0] == pytest.approx(ref.asa_s, rel=1e-7)


def test_erlang_a_with_very_patient_callers_is_erlang_c():
    c = solve(100, 180, CCH)
    a = solve(100, 180, Targets(**{**CCH.__dict__, "patience_s": 1e7}))
    assert a.agents == c.agents
    assert a.service_level == pytest.approx(c.service_level, abs=1e-5)
    assert a.prob_abandon == pytest.approx(0.0, abs=1e-5)


def test_abandonment_lets_fewer_agents_meet_the_same_target():
    """Callers who hang up shorten the queue for the others (and count as missed)."""
    a = solve(100, 180, Targets(interval_s=1800, target_sl=0.8, answer_s=20, patience_s=60))
    c = solve(100, 180, Targets(interval_s=1800, target_sl=0.8, answer_s=20))
    assert a.agents < c.agents
    assert a.service_level >= 0.8
    assert 0 < a.prob_abandon < 0.2
