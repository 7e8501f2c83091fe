"""Properties that hold for any load: more agents never hurt; the answer is the fewest."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from kehu.engines.erlang import Targets, measures, solve

calls = st.floats(min_value=0.5, max_value=3000)
aht = st.floats(min_value=10, max_value=1200)
answer = st.floats(min_value=0, max_value=120)
patience = st.one_of(st.none(), st.floats(min_value=5, max_value=1800))
target = st.floats(min_value=0.05, max_value=0.99)


@settings(max_examples=60, deadline=None)
@given(calls, aht, answer, patience)
def test_more_agents_never_lower_the_service_level(n_calls, aht_s, answer_s, patience_s):
    t = Targets(interval_s=1800, answer_s=answer_s, patience_s=patience_s)
    load = n_calls / 1800 * aht_s
    agents = np.arange(1, int(load * 1.5) + 30)
    sl = measures(agents, n_calls, aht_s, t).service_level
    assert np.all(np.diff(sl) >= -1e-12)
    assert np.all((sl >= 0) & (sl <= 1))


@settings(max_examples=60, deadline=None)
@given(calls, aht, answer, patience, target, st.floats(min_value=0.5, max_value=1.0))
def test_the_answer_meets_the_target_and_one_fewer_does_not(
    n_calls, aht_s, answer_s, patience_s, sl, max_occ
):
    t = Targets(
        interval_s=1800,
        answer_s=answer_s,
        target_sl=sl,
        max_occupancy=max_occ,
        patience_s=patience_s,
    )
    s = solve(n_calls, aht_s, t)
    assert s.service_level >= sl - 1e-12
    assert s.agents >= s.load_erlangs / max_occ - 1e-9
    fewer = measures([s.agents - 1], n_calls, aht_s, t).service_level[0] if s.agents > 1 else 0.0
    if s.binding == "service_level":
        assert fewer < sl
    else:
        assert s.binding == "occupancy"
        assert s.agents - 1 < s.load_erlangs / max_occ


@settings(max_examples=40, deadline=None)
@given(calls, aht, st.floats(min_value=1, max_value=300))
def test_an_asa_target_is_met_by_the_fewest_agents(n_calls, aht_s, asa):
    t = Targets(interval_s=1800, target_sl=None, target_asa_s=asa)
    s = solve(n_calls, aht_s, t)
    assert s.asa_s <= asa + 1e-9
    if s.agents > 1:
        assert measures([s.agents - 1], n_calls, aht_s, t).asa_s[0] > asa


@settings(max_examples=40, deadline=None)
@given(calls, aht, st.floats(min_value=0, max_value=0.9))
def test_scheduled_covers_shrinkage(n_calls, aht_s, shrinkage):
    s = solve(n_calls, aht_s, Targets(interval_s=1800, shrinkage=shrinkage))
    assert s.scheduled * (1 - shrinkage) >= s.agents - 1e-9
    assert (s.scheduled - 1) * (1 - shrinkage) < s.agents
