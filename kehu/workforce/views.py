"""Pages of workforce planning: the forecast, the roster with its coverage, shift templates."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from kehu.accounts.models import Role
from kehu.contact.models import Queue
from kehu.core.errors import ServiceError
from kehu.workforce import coverage as coverage_mod
from kehu.workforce.access import can_plan
from kehu.workforce.forms import ForecastForm, ShiftForm
from kehu.workforce.history import interval_history
from kehu.workforce.models import Forecast, IntervalLength, ScheduleEntry, Shift
from kehu.workforce.presenters import shift_dict
from kehu.workforce.services.forecasts import forecast_build
from kehu.workforce.services.rosters import schedule_clear, schedule_set, shift_save


def _forbidden(request: HttpRequest) -> HttpResponse:
    return render(request, "workforce/forbidden.html", status=403)


def _locale() -> str:
    return "ZH" if (get_language() or "").startswith("zh") else "EN"


def _forecast_chart(forecast: Forecast, rows: list[Any]) -> dict[str, Any]:
    """History (two weeks before the forecast, and any actual calls inside it) vs forecast."""
    first = forecast.start_date - dt.timedelta(days=14)
    last = min(forecast.end_date, timezone.localdate() + dt.timedelta(days=1))
    history = interval_history(queue=forecast.queue, first_day=first, days=(last - first).days,
                               interval_min=forecast.interval_min)
    step = forecast.interval_min

    def stamp(day: dt.date, slot: int) -> str:
        t = dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=slot * step)
        return t.strftime("%Y-%m-%d %H:%M")

    actual = [
        [stamp(first + dt.timedelta(days=d), s), float(history.offered[d, s])]
        for d in range(history.offered.shape[0]) for s in range(history.offered.shape[1])
    ]
    local = [timezone.localtime(r.start).strftime("%Y-%m-%d %H:%M") for r in rows]
    return {
        "locale": _locale(),
        "actual": actual,
        "forecast": [[t, round(r.calls, 2)] for t, r in zip(local, rows, strict=True)],
        "required": [[t, r.scheduled] for t, r in zip(local, rows, strict=True)],
        "text": {"actual": _("Actual calls"), "forecast": _("Forecast calls"),
                 "required": _("Required agents")},
    }


@login_required
def forecast_page(request: HttpRequest) -> HttpResponse:
    """Build a forecast of a queue; see history vs forecast, agents and the backtest error."""
    if not can_plan(request.user):
        return _forbidden(request)
    form = ForecastForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                forecast = forecast_build(by=request.user, **form.service_args())
                return redirect(f"{reverse('workforce:forecast')}?id={forecast.pk}")
            except ServiceError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        status = 422
    forecast = None
    wanted = request.GET.get("id", "")
    if wanted.isdigit():
        forecast = Forecast.objects.select_related("queue").filter(pk=int(wanted)).first()
    context: dict[str, Any] = {
        "form": form, "forecast": forecast, "has_queues": Queue.objects.exists(),
        "recent": Forecast.objects.select_related("queue").order_by("-id")[:10],
    }
    if forecast is not None:
        rows = list(forecast.intervals.all())
        context["chart"] = _forecast_chart(forecast, rows)
        context["peak"] = max((r.scheduled for r in rows), default=0)
        context["total_calls"] = sum(r.calls for r in rows)
    return render(request, "workforce/forecast.html", context, status=status)


# --- the roster ------------------------------------------------------------------------------

def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _agents(user: Any) -> list[Any]:
    if can_plan(user):
        return list(get_user_model().objects.filter(role=Role.AGENT, is_active=True)
                    .order_by("display_name", "username"))
    return [user]


def _cell(agent_id: int, day: dt.date) -> str:
    return f"cell-{agent_id}-{day.isoformat()}"


def _value(entry: ScheduleEntry | None) -> str:
    if entry is None:
        return ""
    return "off" if entry.shift_id is None else str(entry.shift_id)


def _save_grid(request: HttpRequest, agents: list[Any], days: list[dt.date],
               current: dict[tuple[int, dt.date], ScheduleEntry]) -> tuple[int, list[str]]:
    """Apply the changed cells at once: every change, or none when one is refused."""
    shifts = {str(s.pk): s for s in Shift.objects.all()}
    changes, errors = 0, []
    try:
        with transaction.atomic():
            for agent in agents:
                for day in days:
                    name = _cell(agent.pk, day)
                    if name not in request.POST:
                        continue
                    new = request.POST[name]
                    if new == _value(current.get((agent.pk, day))):
                        continue
                    try:
                        if new == "":
                            schedule_clear(agent=agent, day=day, by=request.user)
                        elif new == "off" or new in shifts:
                            schedule_set(agent=agent, day=day, shift=shifts.get(new),
                                         by=request.user, replace=True)
                        else:
                            errors.append(_("%(agent)s, %(date)s: unknown shift.")
                                          % {"agent": agent, "date": day.isoformat()})
                            continue
                        changes += 1
                    except ServiceError as exc:
                        errors.append(f"{agent}, {day.isoformat()}: {exc.message}")
            if errors:
                raise _RollBack
    except _RollBack:
        return 0, errors
    return changes, errors


class _RollBack(Exception):
    pass


def _coverage_context(request: HttpRequest, week: dt.date) -> dict[str, Any]:
    queues = list(Queue.objects.all())
    code = request.GET.get("queue", "")
    queue = next((q for q in queues if q.code == code), queues[0] if queues else None)
    day = parse_date(request.GET.get("date", "") or "") or (
        timezone.localdate() if _monday(timezone.localdate()) == week else week
    )
    interval = request.GET.get("interval", "30")
    interval_min = int(interval) if interval in ("15", "30", "60") else 30
    ctx: dict[str, Any] = {"queues": queues, "queue": queue, "cov_date": day,
                           "interval_min": interval_min, "intervals": IntervalLength.choices}
    if queue is not None:
        cov = coverage_mod.coverage(queue=queue, day=day, interval_min=interval_min)
        ctx["coverage"] = cov
        ctx["coverage_chart"] = {
            "locale": _locale(),
            "starts": [r["start"] for r in cov["intervals"]],
            "productive": [r["productive"] for r in cov["intervals"]],
            "required": [r["required"] for r in cov["intervals"]],
            "text": {"productive": _("Scheduled productive agents"),
                     "required": _("Required agents")},
        }
    return ctx


@login_required
def roster_page(request: HttpRequest) -> HttpResponse:
    """A week of shifts, agents × days; planners edit, others read their own row."""
    editor = can_plan(request.user)
    week = _monday(parse_date(request.GET.get("week", "") or "") or timezone.localdate())
    days = [week + dt.timedelta(days=i) for i in range(7)]
    agents = _agents(request.user)
    current = {
        (e.agent_id, e.date): e
        for e in ScheduleEntry.objects.filter(agent__in=agents, date__gte=days[0],
                                              date__lte=days[-1]).select_related("shift")
    }
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        if not editor:
            return _forbidden(request)
        changes, errors = _save_grid(request, agents, days, current)
        if not errors:
            messages.success(request, ngettext("Roster saved: %(n)s change.",
                                               "Roster saved: %(n)s changes.", changes)
                             % {"n": changes})
            return redirect(request.get_full_path())
        status = 422
    submitted = request.POST if errors else {}
    rows = []
    for agent in agents:
        cells = []
        for day in days:
            entry = current.get((agent.pk, day))
            name = _cell(agent.pk, day)
            cells.append({"name": name, "entry": entry,
                          "value": submitted.get(name, _value(entry))})
        rows.append({"agent": agent, "cells": cells})
    context: dict[str, Any] = {
        "editor": editor, "week": week, "days": days, "rows": rows, "errors": errors,
        "shifts": list(Shift.objects.filter(active=True).prefetch_related("slots")),
        "prev_week": week - dt.timedelta(days=7), "next_week": week + dt.timedelta(days=7),
    }
    if editor:
        context.update(_coverage_context(request, week))
    return render(request, "workforce/roster.html", context, status=status)


@login_required
def shifts_page(request: HttpRequest) -> HttpResponse:
    """Shift templates with their breaks and meetings; planners add new ones."""
    editor = can_plan(request.user)
    form = ShiftForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not editor:
            return _forbidden(request)
        if form.is_valid():
            d = form.cleaned_data
            try:
                shift = shift_save(code=d["code"], name=d["name"], start=d["start"],
                                   end=d["end"], slots=d["slots"], by=request.user)
                messages.success(request, _("Shift %(shift)s saved.") % {"shift": shift})
                return redirect("workforce:shifts")
            except ServiceError as exc:
                field = exc.field if exc.field in form.fields else (
                    "slots" if exc.field.startswith("slots") else None)
                form.add_error(field, exc.message)
        status = 422
    shifts = [shift_dict(s) | {"obj": s}
              for s in Shift.objects.filter(active=True).prefetch_related("slots")]
    return render(request, "workforce/shifts.html",
                  {"form": form, "shifts": shifts, "editor": editor}, status=status)
