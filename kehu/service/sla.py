"""Adapter between the database and the working-time engine: the calendar and the policies."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone

from kehu.engines.business_time import BusinessCalendar, add_clock_minutes
from kehu.service.choices import SlaClock

CALENDAR_TTL_SECONDS = 60.0
_calendar_cache: dict[str, tuple[float, Any]] = {}


def parse_hours(text: str) -> tuple[tuple[int, int], ...]:
    """'09:00-12:00,13:30-18:00' → ((540, 720), (810, 1080))."""
    periods = []
    for part in text.split(","):
        start, end = part.strip().split("-")
        periods.append(tuple(int(h) * 60 + int(m) for h, m in (start.split(":"), end.split(":"))))
    return tuple(periods)  # type: ignore[return-value]


def _kept(name: str, load: Callable[[], Any]) -> Any:
    """load()'s answer, kept in this process for CALENDAR_TTL_SECONDS. Saving or deleting a
    calendar day, policy or grade clears every copy at once (ServiceConfig.ready); other
    processes follow within the minute."""
    hit = _calendar_cache.get(name)
    now = time.monotonic()
    if hit is not None and now - hit[0] < CALENDAR_TTL_SECONDS:
        return hit[1]
    value = load()
    _calendar_cache[name] = (now, value)
    return value


def forget_calendar(**kwargs: object) -> None:
    _calendar_cache.clear()


def business_calendar() -> BusinessCalendar:
    """The service center's calendar: settings for the week, CalendarDay rows for exceptions
    (read on every ticket creation, so kept)."""
    return _kept("default", _load_calendar)


def _load_calendar() -> BusinessCalendar:
    from kehu.service.models import CalendarDay

    days = list(CalendarDay.objects.values_list("date", "is_workday"))
    return BusinessCalendar(
        hours=parse_hours(settings.KEHU_WORKING_HOURS),
        weekend=frozenset(settings.KEHU_WEEKEND_DAYS),
        holidays=frozenset(d for d, work in days if not work),
        workdays=frozenset(d for d, work in days if work),
    )


def _policies() -> list[Any]:
    """All SLA policies: a handful of rows read on every new ticket."""
    from kehu.service.models import SlaPolicy

    return _kept("policies", lambda: list(SlaPolicy.objects.all()))


def complaint_grades() -> list[Any]:
    """The complaint grades by rank (a complaint reads them when it is created)."""
    from kehu.service.models import ComplaintGrade

    return _kept("grades", lambda: list(ComplaintGrade.objects.order_by("rank", "id")))


@dataclass(frozen=True)
class Deadlines:
    first_response_due: dt.datetime
    resolution_due: dt.datetime
    first_response_warn_at: dt.datetime
    resolution_warn_at: dt.datetime


def deadlines(start: dt.datetime, *, first_response_minutes: int, resolution_minutes: int,
              clock: str, warn_percent: int) -> Deadlines:
    """Due and warning times from `start` (aware), counted on the policy's clock."""
    local = timezone.localtime(start).replace(tzinfo=None)
    tz = timezone.get_current_timezone()
    if clock == SlaClock.ROUND_THE_CLOCK:
        def add(minutes: float) -> dt.datetime:
            return add_clock_minutes(start, minutes)
    else:
        calendar = business_calendar()

        def add(minutes: float) -> dt.datetime:
            # In UTC, as the database hands times back: the API answers a new ticket's due
            # times as it answers them when the ticket is read again.
            return calendar.add(local, minutes).replace(tzinfo=tz).astimezone(dt.UTC)

    share = min(max(warn_percent, 1), 100) / 100
    return Deadlines(
        first_response_due=add(first_response_minutes),
        resolution_due=add(resolution_minutes),
        first_response_warn_at=add(first_response_minutes * share),
        resolution_warn_at=add(resolution_minutes * share),
    )


def policy_for(*, kind: str, grade_id: int | None, tier: str):  # -> SlaPolicy | None
    """The most specific policy matching kind × grade × tier (empty fields match any)."""
    candidates = [
        p for p in _policies()
        if p.kind in ("", kind) and p.grade_id in (None, grade_id) and p.tier in ("", tier)
    ]
    return max(candidates, key=lambda p: (p.specificity(), -p.pk), default=None)
