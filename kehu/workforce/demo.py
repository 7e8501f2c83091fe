"""Demo workforce plan: three shifts, this week's roster and a forecast of the main queue.

Made through the app's services (shift_save, schedule_set, forecast_build) by the demo
supervisor, after the contact demo has written the call history the forecast learns from.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from kehu.accounts.models import User
from kehu.contact.models import Queue
from kehu.core.errors import ServiceError
from kehu.workforce.models import Forecast, ScheduleEntry, Shift, SlotKind
from kehu.workforce.services.forecasts import forecast_build
from kehu.workforce.services.rosters import SlotIn, schedule_set, shift_save


def _t(text: str) -> dt.time:
    return dt.time.fromisoformat(text)


# code, name, start, end, [(kind, start, minutes)]
SHIFTS: list[tuple[str, str, str, str, list[tuple[str, str, int]]]] = [
    ("A", "早班", "08:00", "17:00", [(SlotKind.MEETING_BEFORE, "07:45", 15), (SlotKind.BREAK, "10:45", 15),
                                   (SlotKind.MEAL, "12:00", 60), (SlotKind.BREAK, "15:45", 15)]),
    ("B", "中班", "11:00", "20:00", [(SlotKind.BREAK, "13:30", 15), (SlotKind.MEAL, "17:00", 45),
                                   (SlotKind.BREAK, "18:45", 10)]),
    ("C", "晚班", "20:00", "08:00", [(SlotKind.BREAK, "23:00", 15), (SlotKind.MEAL, "01:30", 45),
                                   (SlotKind.BREAK, "05:00", 15), (SlotKind.MEETING_AFTER, "08:00", 10)]),
]


def ensure_shifts(by: User) -> dict[str, Shift]:
    shifts = {}
    for code, name, start, end, slots in SHIFTS:
        shift = Shift.objects.filter(code=code).first()
        if shift is None:
            shift = shift_save(code=code, name=name, start=_t(start), end=_t(end), by=by,
                               slots=[SlotIn(kind=k, start=_t(s), duration_min=m) for k, s, m in slots])
        shifts[code] = shift
    return shifts


def _shift_of(i: int, n: int, weekday: int) -> str | None:
    """Two days off in a row per agent, staggered; the night before the days off on the night
    shift (so nobody goes from a night to an early shift); the others early or middle."""
    position = (weekday - i) % 7
    if position in (5, 6):
        return None
    if position == 4 and i < 7:
        return "C"
    return "A" if (i + weekday) % 2 == 0 else "B"


def generate(*, users: dict[str, User], agents: list[User], queue: Queue | None,
             today: dt.date | None = None) -> str:
    planner = users["supervisor"]
    today = today or timezone.localdate()
    shifts = ensure_shifts(planner)
    monday = today - dt.timedelta(days=today.weekday())
    entries = 0
    for i, agent in enumerate(agents):
        for weekday in range(7):
            day = monday + dt.timedelta(days=weekday)
            if ScheduleEntry.objects.filter(agent=agent, date=day).exists():
                continue
            code = _shift_of(i, len(agents), weekday)
            try:
                schedule_set(agent=agent, day=day, shift=shifts[code] if code else None, by=planner)
                entries += 1
            except ServiceError:
                continue  # a clash with an entry made by hand: leave the day as it is
    forecast = ""
    if queue is not None and not Forecast.objects.filter(queue=queue, start_date=monday).exists():
        try:
            built = forecast_build(queue=queue, start_date=monday, days=14, interval_min=30, history_weeks=8,
                                   by=planner, target_sl=0.8, shrinkage=0.3, max_occupancy=0.85, today=today)
            forecast = (f" and a {built.days}-day forecast of {queue.name} from {built.params.get('weeks_used')} "
                        "weeks of calls")
        except ServiceError as exc:
            forecast = f" (no forecast: {exc})"
    return f"Created {len(shifts)} shifts, {entries} roster entries for this week{forecast}."
