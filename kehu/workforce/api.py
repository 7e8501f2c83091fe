"""JSON API of the workforce app. Handlers parse, call one service, respond."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from kehu.contact.models import Queue
from kehu.core.errors import InvalidInput
from kehu.core.schemas import Message
from kehu.workforce import coverage as coverage_mod
from kehu.workforce.access import require_planner
from kehu.workforce.models import Forecast, Shift
from kehu.workforce.presenters import forecast_dict, schedule_for, shift_dict
from kehu.workforce.schemas import (
    CoverageOut,
    ForecastIn,
    ForecastOut,
    ScheduleIn,
    ScheduleOut,
    ShiftIn,
    ShiftOut,
)
from kehu.workforce.services.forecasts import forecast_build
from kehu.workforce.services.rosters import SlotIn, schedule_set, shift_save

router = Router(tags=["Workforce planning"])

ERRORS = {400: Message, 403: Message, 404: Message, 409: Message, 422: Message}


def queue_by_code(code: str) -> Queue:
    queue = Queue.objects.filter(code=code.strip()).first()
    if queue is None:
        raise InvalidInput(_("No queue has the code %(code)s.") % {"code": code}, field="queue")
    return queue


@router.post("/workforce/forecast", response={200: ForecastOut, **ERRORS})
def forecast_create(request: HttpRequest, body: ForecastIn) -> dict[str, Any]:
    """Forecast calls, AHT and required agents per interval from the queue's history."""
    require_planner(request.user)
    forecast = forecast_build(
        queue=queue_by_code(body.queue), start_date=body.start_date, days=body.days,
        interval_min=body.interval_min, history_weeks=body.history_weeks, by=request.user,
        target_sl=body.target_sl, answer_s=body.answer_s, shrinkage=body.shrinkage,
        max_occupancy=body.max_occupancy,
    )
    return forecast_dict(forecast)


@router.get("/workforce/forecast/{forecast_id}", response={200: ForecastOut, **ERRORS})
def forecast_get(request: HttpRequest, forecast_id: int) -> dict[str, Any]:
    require_planner(request.user)
    return forecast_dict(get_object_or_404(Forecast.objects.select_related("queue"), pk=forecast_id))


@router.get("/workforce/coverage", response={200: CoverageOut, **ERRORS})
def coverage_get(
    request: HttpRequest, date: dt.date, queue: str, interval: int = 30
) -> dict[str, Any]:
    """Scheduled productive agents vs required agents per interval of a day."""
    require_planner(request.user)
    return coverage_mod.coverage(queue=queue_by_code(queue), day=date, interval_min=interval)


@router.get("/workforce/shifts", response={200: list[ShiftOut], **ERRORS})
def shifts_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [shift_dict(s) for s in Shift.objects.filter(active=True).prefetch_related("slots")]


@router.post("/workforce/shifts", response={200: ShiftOut, **ERRORS})
def shifts_create(request: HttpRequest, body: ShiftIn) -> dict[str, Any]:
    """A shift template with its breaks and meetings (non-productive slots)."""
    shift = shift_save(
        code=body.code, name=body.name, start=body.start, end=body.end, by=request.user,
        slots=[SlotIn(kind=s.kind, start=s.start, duration_min=s.duration_min)
               for s in body.slots],
    )
    return shift_dict(shift)


class WeekQuery(Schema):
    start: dt.date
    days: int = 7


@router.get("/workforce/schedule", response={200: list[ScheduleOut], **ERRORS})
def schedule_get(request: HttpRequest, query: Query[WeekQuery]) -> list[dict[str, Any]]:
    """Roster entries from `start` for `days` days: all agents for planners, one's own
    for everyone else."""
    if not 1 <= query.days <= 62:
        raise InvalidInput(_("Ask for 1 to 62 days."), field="days")
    return schedule_for(request.user, query.start, query.days)


@router.post("/workforce/schedule", response={200: ScheduleOut, **ERRORS})
def schedule_post(request: HttpRequest, body: ScheduleIn) -> dict[str, Any]:
    """Put an agent on a shift (or a day off) for a day; a second shift is refused (409)
    unless `replace` is true."""
    require_planner(request.user)
    agent = get_user_model().objects.filter(pk=body.agent).first()
    if agent is None:
        raise InvalidInput(_("No such agent."), field="agent")
    shift = None
    if body.shift:
        shift = Shift.objects.filter(code=body.shift).first()
        if shift is None:
            raise InvalidInput(_("No shift has the code %(code)s.") % {"code": body.shift},
                               field="shift")
    elif not body.day_off:
        raise InvalidInput(_("Give a shift code, or day_off: true."), field="shift")
    entry = schedule_set(agent=agent, day=body.date, shift=shift, by=request.user,
                         replace=body.replace)
    return {"agent": agent.pk, "agent_name": str(agent), "date": entry.date,
            "shift": entry.shift.code if entry.shift else None, "day_off": entry.day_off}

