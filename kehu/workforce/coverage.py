"""Scheduled productive agents against the forecast's required agents, per interval.

Required agents are the forecast's agents *with* its shrinkage (`ForecastInterval.scheduled`);
breaks, meals and shift meetings are subtracted from the roster explicitly, so the shrinkage
typed for a forecast should cover only what the roster does not show (absence, coaching…).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from kehu.contact.models import Queue
from kehu.core.errors import InvalidInput
from kehu.engines.forecast import Slot, Stint, productive_counts
from kehu.workforce.history import local_midnight
from kehu.workforce.models import DAY_MIN, Forecast, IntervalLength, ScheduleEntry

# "Over by a lot" (amber): at least this many agents and this share above the requirement.
OVER_MIN_AGENTS = 2
OVER_SHARE = 0.25


def stints_for(day: dt.date) -> list[Stint]:
    """Every scheduled shift worked on `day`, including last night's shifts running into it."""
    entries = (
        ScheduleEntry.objects.filter(date__in=[day - dt.timedelta(days=1), day],
                                     shift__isnull=False)
        .select_related("shift")
        .prefetch_related("shift__slots")
    )
    stints = []
    for entry in entries:
        shift = entry.shift
        assert shift is not None
        s0, s1 = shift.span()
        offset = 0 if entry.date == day else -DAY_MIN
        if offset and s1 <= DAY_MIN:
            continue
        off = tuple(
            Slot(a + offset, b + offset)
            for a, b in (slot.span_in(s0) for slot in shift.slots.all())
        )
        stints.append(Stint(s0 + offset, s1 + offset, off))
    return stints


def _status(gap: float, required: int) -> str:
    if gap < -1e-6:
        return "short"
    if gap >= OVER_MIN_AGENTS and gap >= OVER_SHARE * required:
        return "over"
    return "ok"


def coverage(*, queue: Queue, day: dt.date, interval_min: int) -> dict[str, Any]:
    if interval_min not in IntervalLength.values:
        raise InvalidInput(_("The interval must be 15, 30 or 60 minutes."), field="interval")
    counts = productive_counts(stints_for(day), interval_min)
    forecast = None
    for candidate in Forecast.objects.filter(
        queue=queue, interval_min=interval_min, start_date__lte=day
    ).order_by("-created_at", "-id")[:20]:
        if candidate.end_date > day:
            forecast = candidate
            break
    required: dict[int, Any] = {}
    if forecast is not None:
        start = local_midnight(day)
        for row in forecast.intervals.filter(start__gte=start,
                                             start__lt=local_midnight(day + dt.timedelta(days=1))):
            local = timezone.localtime(row.start)
            required[(local.hour * 60 + local.minute) // interval_min] = row
    rows = []
    short_hours = 0.0
    for i, productive in enumerate(counts):
        m = i * interval_min
        fi = required.get(i)
        need = fi.scheduled if fi else None
        gap = None if need is None else round(float(productive) - need, 2)
        if gap is not None and gap < 0:
            short_hours += -gap * interval_min / 60
        rows.append({
            "start": f"{m // 60:02d}:{m % 60:02d}",
            "productive": round(float(productive), 2),
            "required": need,
            "calls": round(fi.calls, 1) if fi else None,
            "gap": gap,
            "status": "" if gap is None else _status(gap, need or 0),
        })
    return {
        "date": day.isoformat(),
        "queue": queue.code,
        "interval_min": interval_min,
        "forecast_id": forecast.pk if forecast else None,
        "intervals": rows,
        "short_intervals": sum(r["status"] == "short" for r in rows),
        "over_intervals": sum(r["status"] == "over" for r in rows),
        "short_agent_hours": round(short_hours, 2),
        "message": "" if forecast else _(
            "No forecast of this queue at %(n)s-minute intervals covers %(date)s: build one on "
            "the forecast page to compare."
        ) % {"n": interval_min, "date": day.isoformat()},
    }
