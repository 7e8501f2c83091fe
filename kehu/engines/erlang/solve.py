"""Staffing solvers: the fewest agents meeting a service-level (or ASA) target and an
occupancy cap, then the agents to schedule once shrinkage is allowed for.

Conventions (see docs/staffing.md):

* offered load = calls ÷ interval × AHT, in Erlangs;
* required agents = the fewest meeting BOTH the target and the occupancy cap
  (agents ≥ load ÷ max occupancy);
* scheduled = ceil(agents ÷ (1 − shrinkage));
* Erlang A (when patience is given): the service level is over all offered calls, an abandoned
  call counting as not answered in time;
* zero calls need zero agents (service level 1, nobody waits).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from kehu.engines.erlang.errors import StaffingError
from kehu.engines.erlang.queues import Array, Measures, erlang_a, erlang_c

# A sanity cap: no single queue in an interval is planned beyond this many agents, so an
# absurd load answers with an error at once instead of a long search.
MAX_AGENTS = 100_000
# Shields ceil() from float noise such as 14 / 0.7 = 20.000000000000004.
_EPS = 1e-9


@dataclass(frozen=True)
class Targets:
    """What every interval of a plan shares."""

    interval_s: float
    answer_s: float = 20.0
    target_sl: float | None = 0.8
    target_asa_s: float | None = None
    shrinkage: float = 0.0
    max_occupancy: float = 1.0
    patience_s: float | None = None

    @property
    def model(self) -> str:
        return "erlang_c" if self.patience_s is None else "erlang_a"


@dataclass(frozen=True)
class Staffing:
    """The answer for one interval; times in seconds, probabilities in [0, 1]."""

    agents: int
    scheduled: int
    load_erlangs: float
    service_level: float
    prob_wait: float
    asa_s: float
    occupancy: float
    prob_abandon: float | None
    binding: str
    model: str


def _fail(field: str, code: str, message: str, **params: object) -> StaffingError:
    return StaffingError(message, code=code, field=field, **params)


def _finite(value: float, field: str) -> float:
    if value is None or not math.isfinite(value):
        raise _fail(field, "not_a_number", f"{field} must be a finite number.")
    return float(value)


def check_targets(t: Targets) -> None:
    """Raise StaffingError naming the first input out of range."""
    if _finite(t.interval_s, "interval_s") <= 0:
        raise _fail("interval_s", "interval", "The interval must be longer than zero.")
    if _finite(t.answer_s, "answer_s") < 0:
        raise _fail("answer_s", "answer", "The answer time cannot be negative.")
    if t.target_sl is None and t.target_asa_s is None:
        raise _fail("target_sl", "no_target", "Give a service-level target or an ASA target.")
    if t.target_sl is not None and t.target_asa_s is not None:
        raise _fail(
            "target_asa_s", "two_targets", "Give a service-level target or an ASA target, not both."
        )
    if t.target_sl is not None and not 0 < _finite(t.target_sl, "target_sl") < 1:
        raise _fail(
            "target_sl", "target_sl", "The service-level target must lie strictly between 0 and 1."
        )
    if t.target_asa_s is not None and _finite(t.target_asa_s, "target_asa_s") <= 0:
        raise _fail("target_asa_s", "target_asa", "The ASA target must be longer than zero.")
    if t.target_asa_s is not None and t.patience_s is not None:
        # With abandonment the ASA of answered calls can fall as agents are removed (more
        # callers give up before they would have waited long), so "fewest agents" is ill-posed.
        raise _fail(
            "target_asa_s",
            "asa_with_patience",
            "An ASA target needs Erlang C: with a patience, use a service-level target.",
        )
    if not 0 <= _finite(t.shrinkage, "shrinkage") < 1:
        raise _fail("shrinkage", "shrinkage", "Shrinkage must be at least 0 and below 1.")
    if not 0 < _finite(t.max_occupancy, "max_occupancy") <= 1:
        raise _fail(
            "max_occupancy", "max_occupancy", "The maximum occupancy must be above 0 and at most 1."
        )
    if t.patience_s is not None and _finite(t.patience_s, "patience_s") <= 0:
        raise _fail("patience_s", "patience", "The mean patience must be longer than zero.")


def _check_volumes(calls: Array, aht_s: Array) -> None:
    if not np.all(np.isfinite(calls)):
        raise _fail("calls", "not_a_number", "calls must be a finite number.")
    if not np.all(np.isfinite(aht_s)):
        raise _fail("aht_s", "not_a_number", "aht_s must be a finite number.")
    if np.any(calls < 0):
        raise _fail(
            "calls",
            "calls",
            "The number of calls cannot be negative.",
            index=int(np.argmax(calls < 0)),
        )
    if np.any(aht_s <= 0):
        raise _fail(
            "aht_s",
            "aht",
            "The average handling time must be longer than zero.",
            index=int(np.argmax(aht_s <= 0)),
        )


def measures(
    agents: Sequence[float] | Array | float,
    calls: Sequence[float] | Array | float,
    aht_s: Sequence[float] | Array | float,
    t: Targets,
) -> Measures:
    """Service level, wait, ASA and occupancy of given staffing (vectorised)."""
    calls_a, aht_a = (
        np.atleast_1d(np.asarray(calls, float)),
        np.atleast_1d(np.asarray(aht_s, float)),
    )
    n = np.atleast_1d(np.asarray(agents, float))
    load = calls_a / t.interval_s * aht_a
    if t.patience_s is None:
        return erlang_c(n, load, t.answer_s, aht_a)
    m = erlang_a(np.maximum(n, 1.0), load, t.answer_s, aht_a, t.patience_s)
    if np.all(n >= 1):
        return m
    # Nobody on the phones: every caller waits and, being impatient, hangs up.
    none = n < 1
    return Measures(
        agents=n,
        load_erlangs=m.load_erlangs,
        prob_wait=np.where(none, 1.0, m.prob_wait),
        service_level=np.where(none, 0.0, m.service_level),
        asa_s=np.where(none, 0.0, m.asa_s),
        occupancy=np.where(none, 0.0, m.occupancy),
        prob_abandon=np.where(none, 1.0, m.prob_abandon),  # type: ignore[arg-type]
    )


def _meets(n: Array, load: Array, aht: Array, t: Targets) -> Array:
    if t.patience_s is None:
        m = erlang_c(n, load, t.answer_s, aht)
    else:
        m = erlang_a(n, load, t.answer_s, aht, t.patience_s)
    if t.target_sl is not None:
        return m.service_level >= t.target_sl - 1e-12
    return m.asa_s <= t.target_asa_s + 1e-9  # type: ignore[operator]


def _fewest_meeting(load: Array, aht: Array, t: Targets) -> Array:
    """The fewest agents meeting the target alone: gallop up from a floor, then bisect."""
    floor = np.floor(load) + 1 if t.patience_s is None else np.ones_like(load)
    lo = floor - 1  # known not to meet (or the floor itself is the answer)
    hi = floor + np.ceil(np.sqrt(load)) + 1
    hi = np.minimum(hi, MAX_AGENTS)
    ok = _meets(hi, load, aht, t)
    while not ok.all():
        bad = ~ok
        if np.any(hi[bad] >= MAX_AGENTS):
            raise _fail(
                "calls",
                "too_much_load",
                f"This load needs more than {MAX_AGENTS:,} agents in one interval.",
                max_agents=MAX_AGENTS,
                load=float(load[bad].max()),
            )
        lo[bad] = hi[bad]
        hi[bad] = np.minimum(floor[bad] + 2 * (hi[bad] - floor[bad]) + 1, MAX_AGENTS)
        ok[bad] = _meets(hi[bad], load[bad], aht[bad], t)
    # Invariant: hi meets, lo does not (or lo < floor); bisect the gap.
    while True:
        gap = hi - lo > 1
        if not gap.any():
            return hi
        mid = np.floor((lo[gap] + hi[gap]) / 2)
        ok_mid = _meets(mid, load[gap], aht[gap], t)
        hi[gap] = np.where(ok_mid, mid, hi[gap])
        lo[gap] = np.where(ok_mid, lo[gap], mid)


@dataclass(frozen=True)
class Plan:
    """Column form of many answers (what the benchmark and the batch API use)."""

    agents: Array
    scheduled: Array
    binding: list[str]
    measures: Measures
    model: str

    def rows(self) -> list[Staffing]:
        m = self.measures
        return [
            Staffing(
                agents=int(self.agents[i]),
                scheduled=int(self.scheduled[i]),
                load_erlangs=float(m.load_erlangs[i]),
                service_level=float(m.service_level[i]),
                prob_wait=float(m.prob_wait[i]),
                asa_s=float(m.asa_s[i]),
                occupancy=float(m.occupancy[i]),
                prob_abandon=None if m.prob_abandon is None else float(m.prob_abandon[i]),
                binding=self.binding[i],
                model=self.model,
            )
            for i in range(len(self.agents))
        ]


def solve_many(
    calls: Sequence[float] | Array, aht_s: Sequence[float] | Array | float, t: Targets
) -> Plan:
    """Staff every interval at once; `calls` and `aht_s` are per interval (or aht_s shared)."""
    check_targets(t)
    calls_a = np.atleast_1d(np.asarray(calls, float))
    aht_a = np.broadcast_to(np.asarray(aht_s, float), calls_a.shape).astype(float)
    _check_volumes(calls_a, aht_a)
    load = calls_a / t.interval_s * aht_a
    if np.any(load / t.max_occupancy > MAX_AGENTS):
        raise _fail(
            "calls",
            "too_much_load",
            f"This load needs more than {MAX_AGENTS:,} agents in one interval.",
            max_agents=MAX_AGENTS,
            load=float(load.max()),
        )
    busy = load > 0
    target_n = np.zeros_like(load)
    if busy.any():
        target_n[busy] = _fewest_meeting(load[busy], aht_a[busy], t)
    cap_n = np.ceil(load / t.max_occupancy - _EPS)
    agents = np.maximum(target_n, cap_n)
    scheduled = np.ceil(agents / (1.0 - t.shrinkage) - _EPS)
    target_name = "service_level" if t.target_sl is not None else "asa"
    binding = ["occupancy" if c > s else target_name for c, s in zip(cap_n, target_n, strict=True)]
    m = _with_idle(measures(agents[busy], calls_a[busy], aht_a[busy], t), busy, t)
    return Plan(
        agents=agents.astype(int),
        scheduled=scheduled.astype(int),
        binding=binding,
        measures=m,
        model=t.model,
    )


def _with_idle(m: Measures, busy: Array, t: Targets) -> Measures:
    """Spread the busy intervals' measures back over all intervals; one without calls has
    nobody waiting, the service level met (1.0) and nobody busy."""

    def spread(values: Array, idle_value: float) -> Array:
        out = np.full(busy.shape, idle_value)
        out[busy] = values
        return out

    return Measures(
        agents=spread(m.agents, 0.0),
        load_erlangs=spread(m.load_erlangs, 0.0),
        prob_wait=spread(m.prob_wait, 0.0),
        service_level=spread(m.service_level, 1.0),
        asa_s=spread(m.asa_s, 0.0),
        occupancy=spread(m.occupancy, 0.0),
        prob_abandon=None if t.patience_s is None else spread(m.prob_abandon, 0.0),  # type: ignore[arg-type]
    )


def solve(calls: float, aht_s: float, t: Targets) -> Staffing:
    """Staff one interval."""
    return solve_many([calls], [aht_s], t).rows()[0]
