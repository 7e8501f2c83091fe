"""API shapes of the contact center app: staffing requests and answers."""

from __future__ import annotations

from typing import Any

from ninja import Schema
from pydantic import Field

from kehu.contact.staffing import DEFAULT_ANSWER_S, MAX_INTERVALS, Params


class _Shared(Schema):
    """What every interval of a request shares (defaults: 80% in 20 s, no shrinkage, no cap)."""

    interval_min: float = Field(30, description="Interval length in minutes.")
    target_sl: float | None = Field(
        None,
        description="Share answered within answer_s, e.g. 0.8; "
        "0.8 when neither target_sl nor target_asa_s is given.",
    )
    answer_s: float = Field(DEFAULT_ANSWER_S, description="Service-level answer time in seconds.")
    target_asa_s: float | None = Field(
        None, description="Alternative target: average speed of answer in seconds (Erlang C only)."
    )
    shrinkage: float = Field(0, description="Share of paid time off the phones, in [0, 1).")
    max_occupancy: float = Field(1, description="Occupancy cap in (0, 1]; 1 means no cap.")
    patience_s: float | None = Field(
        None, description="Mean caller patience in seconds: switches to Erlang A (abandonment)."
    )

    def params(self) -> Params:
        return Params(
            interval_min=self.interval_min,
            target_sl=self.target_sl,
            answer_s=self.answer_s,
            target_asa_s=self.target_asa_s,
            shrinkage=self.shrinkage,
            max_occupancy=self.max_occupancy,
            patience_s=self.patience_s,
        )


class StaffingIn(_Shared):
    calls: float = Field(description="Calls offered in the interval.")
    aht_s: float = Field(description="Average handling time in seconds.")


class _Result(Schema):
    agents: int = Field(description="Agents needed on the phones (before shrinkage).")
    scheduled: int = Field(description="Agents to schedule: ceil(agents ÷ (1 − shrinkage)).")
    service_level: float
    prob_wait: float
    asa_s: float
    occupancy: float
    load_erlangs: float
    model: str = Field(description="erlang_c, or erlang_a when patience_s is given.")
    prob_abandon: float | None = Field(description="Erlang A only.")
    binding: str = Field(description="What set the agents: service_level, asa or occupancy.")


class StaffingOut(_Result):
    calls: float
    aht_s: float
    interval_min: float
    target_sl: float | None
    answer_s: float
    target_asa_s: float | None
    shrinkage: float
    max_occupancy: float
    patience_s: float | None


class IntervalIn(Schema):
    start: str = Field(description="Interval start, HH:MM.")
    calls: float
    aht_s: float | None = Field(None, description="Defaults to the request's aht_s.")


class DayIn(_Shared):
    intervals: list[IntervalIn] = Field(max_length=MAX_INTERVALS)
    aht_s: float | None = Field(None, description="AHT for intervals that give none.")


class IntervalOut(_Result):
    start: str
    calls: float
    aht_s: float


class DayOut(Schema):
    intervals: list[IntervalOut]
    peak_agents: int
    peak_scheduled: int
    agent_hours: float
    scheduled_hours: float
    model: str
    interval_min: float
    target_sl: float | None
    answer_s: float
    target_asa_s: float | None
    shrinkage: float
    max_occupancy: float
    patience_s: float | None


class CtiProblem(Schema):
    id: str
    message: str


class CtiReport(Schema):
    accepted: int
    duplicates: int
    problems: list[CtiProblem]


# --- wallboard and interval reports -------------------------------------------------------------

class WallboardQueue(Schema):
    code: str | None
    name: str | None
    service_level_s: int
    abandon_rule: str
    offered: int
    answered: int
    abandoned: int
    short_abandoned: int
    waiting: int
    longest_wait_s: float | None
    service_level: float | None
    answer_rate: float | None
    abandon_rate: float | None
    asa_s: float | None
    aht_s: float | None
    tiles: dict[str, str]


class WallboardAgent(Schema):
    username: str
    name: str
    state: str
    reason: str
    since: str | None


class WallboardOut(Schema):
    as_of: str
    since: str
    queue: str | None
    offered: int
    answered: int
    abandoned: int
    short_abandoned: int
    waiting: int
    longest_wait_s: float | None
    service_level: float | None = Field(description="Answered within T ÷ (answered + counted abandons).")
    answer_rate: float | None
    abandon_rate: float | None
    asa_s: float | None
    aht_s: float | None
    occupancy: float | None
    logged_in_s: float
    tiles: dict[str, str]
    agents_by_state: dict[str, Any]
    agents: list[WallboardAgent]
    queues: list[WallboardQueue]


class ReportRowOut(Schema):
    start: str | None
    key: int | None
    label: str
    offered: int
    answered: int
    abandoned: int
    short_abandoned: int
    service_level: float | None
    answer_rate: float | None
    abandon_rate: float | None
    asa_s: float | None
    aht_s: float | None
    occupancy: float | None


class ReportOut(Schema):
    start: str
    end: str
    interval: int | str
    by: str
    time_zone: str
    rows: list[ReportRowOut]
    totals: list[ReportRowOut]
    intervals: list[ReportRowOut]
    total: ReportRowOut
