"""API shapes of the workforce app: forecasts, coverage, shifts and the roster."""

from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import Field


class ForecastIn(Schema):
    queue: str = Field(description="The queue's code.")
    start_date: dt.date = Field(description="First forecast day (local calendar).")
    days: int = Field(7, description="How many days to forecast (1–31).")
    interval_min: int = Field(30, description="15, 30 or 60.")
    history_weeks: int = Field(8, description="Full weeks of history to learn from (1–52).")
    target_sl: float = Field(0.8, description="Share answered within answer_s.")
    answer_s: float | None = Field(None, description="Answer time; the queue's when omitted.")
    shrinkage: float = Field(0.0, description="Unplanned shrinkage in [0, 1).")
    max_occupancy: float = Field(1.0, description="Occupancy cap in (0, 1].")


class IntervalOut(Schema):
    start: dt.datetime
    calls: float
    aht_s: float
    agents: int
    scheduled: int


class WeekErrorOut(Schema):
    weeks_ago: int
    actual: float
    forecast: float
    mape: float | None
    wape: float | None


class ForecastOut(Schema):
    id: int
    queue: str
    interval_min: int
    start_date: dt.date
    days: int
    mape: float | None
    wape: float | None
    backtest: list[WeekErrorOut]
    warnings: list[str]
    params: dict
    intervals: list[IntervalOut]


class CoverageRow(Schema):
    start: str
    productive: float
    required: int | None
    calls: float | None
    gap: float | None
    status: str


class CoverageOut(Schema):
    date: dt.date
    queue: str
    interval_min: int
    forecast_id: int | None
    intervals: list[CoverageRow]
    short_intervals: int
    over_intervals: int
    short_agent_hours: float
    message: str


class SlotSchema(Schema):
    kind: str = Field(description="break, meal, meeting_before or meeting_after.")
    start: dt.time
    duration_min: int


class ShiftIn(Schema):
    code: str
    name: str
    start: dt.time
    end: dt.time = Field(description="At or before start: the shift ends the next day.")
    slots: list[SlotSchema] = []


class ShiftOut(Schema):
    id: int
    code: str
    name: str
    start: dt.time
    end: dt.time
    crosses_midnight: bool
    slots: list[SlotSchema]


class ScheduleIn(Schema):
    agent: int = Field(description="The agent's user id.")
    date: dt.date
    shift: str | None = Field(None, description="A shift code; null with day_off for a day off.")
    day_off: bool = False
    replace: bool = Field(False, description="Change the agent's existing entry of that day.")


class ScheduleOut(Schema):
    agent: int
    agent_name: str
    date: dt.date
    shift: str | None
    day_off: bool
