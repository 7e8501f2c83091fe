"""Fixtures of the workforce tests: a queue, call history, shifts and a stored forecast."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kehu.contact.models import Interaction, Queue
from kehu.workforce.models import Forecast, ForecastInterval, Shift, ShiftSlot, SlotKind

# A Monday; forecasts in these tests start here and "today" is this day.
MONDAY = dt.date(2026, 3, 2)


def local(day: dt.date, hh: int, mm: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hh, mm)))


_seq = iter(range(1, 10**9))


def add_calls(queue: Queue, day: dt.date, hh: int, mm: int, n: int, *, talk: float = 150,
              hold: float = 20, wrap: float = 30, abandoned: int = 0) -> None:
    """n answered calls (handle talk + hold + wrap) and `abandoned` unanswered ones."""
    at = local(day, hh, mm)
    rows = [
        Interaction(queue=queue, offered_at=at, answered_at=at + dt.timedelta(seconds=5),
                    talk_s=talk, hold_s=hold, wrap_s=wrap, external_id=f"t{next(_seq)}")
        for _ in range(n)
    ] + [
        Interaction(queue=queue, offered_at=at, abandoned=True, external_id=f"t{next(_seq)}")
        for _ in range(abandoned)
    ]
    Interaction.objects.bulk_create(rows)


@pytest.fixture
def queue(db: None) -> Queue:
    return Queue.objects.create(code="95598", name="抢修热线", service_level_s=20)


@pytest.fixture
def day_shift(db: None) -> Shift:
    """09:00–18:00 with lunch 12:00–13:00 and a pre-shift meeting 08:45–09:00."""
    shift = Shift.objects.create(code="D", name="白班", start=dt.time(9), end=dt.time(18))
    ShiftSlot.objects.create(shift=shift, kind=SlotKind.MEETING_BEFORE, start=dt.time(8, 45),
                             duration_min=15)
    ShiftSlot.objects.create(shift=shift, kind=SlotKind.MEAL, start=dt.time(12),
                             duration_min=60)
    return shift


@pytest.fixture
def night_shift(db: None) -> Shift:
    """22:00–06:00 with a break 02:00–02:30."""
    shift = Shift.objects.create(code="N", name="夜班", start=dt.time(22), end=dt.time(6))
    ShiftSlot.objects.create(shift=shift, kind=SlotKind.BREAK, start=dt.time(2), duration_min=30)
    return shift


def stored_forecast(queue: Queue, day: dt.date, required: dict[str, int],
                    interval_min: int = 30) -> Forecast:
    """A forecast row set by hand: `required` maps "HH:MM" to agents (others 0)."""
    forecast = Forecast.objects.create(queue=queue, interval_min=interval_min, start_date=day,
                                       days=1, history_weeks=1)
    rows = []
    for s in range(1440 // interval_min):
        m = s * interval_min
        need = required.get(f"{m // 60:02d}:{m % 60:02d}", 0)
        rows.append(ForecastInterval(forecast=forecast, start=local(day, m // 60, m % 60),
                                     calls=need * 10.0, aht_s=180, agents=need, scheduled=need))
    ForecastInterval.objects.bulk_create(rows)
    return forecast
