"""Plain dicts of forecasts, shifts and roster entries, shared by the API and the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from kehu.workforce.access import can_plan
from kehu.workforce.models import Forecast, ScheduleEntry, Shift


def forecast_dict(forecast: Forecast, *, intervals: bool = True) -> dict[str, Any]:
    return {
        "id": forecast.pk,
        "queue": forecast.queue.code,
        "interval_min": forecast.interval_min,
        "start_date": forecast.start_date,
        "days": forecast.days,
        "mape": forecast.mape,
        "wape": forecast.wape,
        "backtest": forecast.backtest,
        "warnings": forecast.params.get("warnings", []),
        "params": forecast.params,
        "intervals": list(
            forecast.intervals.values("start", "calls", "aht_s", "agents", "scheduled")
        ) if intervals else [],
    }


def shift_dict(shift: Shift) -> dict[str, Any]:
    return {
        "id": shift.pk,
        "code": shift.code,
        "name": shift.name,
        "start": shift.start,
        "end": shift.end,
        "crosses_midnight": shift.crosses_midnight(),
        "slots": [
            {"kind": s.kind, "start": s.start, "duration_min": s.duration_min}
            for s in shift.slots.all()
        ],
    }


def schedule_for(user: Any, start: dt.date, days: int) -> list[dict[str, Any]]:
    """Roster entries in [start, start + days): everyone's for planners, else one's own."""
    qs = ScheduleEntry.objects.filter(
        date__gte=start, date__lt=start + dt.timedelta(days=days)
    ).select_related("agent", "shift").order_by("date", "agent_id")
    if not can_plan(user):
        qs = qs.filter(agent=user)
    return [
        {"agent": e.agent_id, "agent_name": str(e.agent), "date": e.date,
         "shift": e.shift.code if e.shift else None, "day_off": e.day_off}
        for e in qs
    ]
