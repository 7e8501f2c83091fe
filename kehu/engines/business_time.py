"""Working-time arithmetic for service-level targets (工作时间计算).

A service-level target such as "resolve within 16 working hours" runs only while the
service center works: inside the working hours of working days. Chinese calendars move
working days around public holidays (调休): a holiday can fall on a weekday and a
weekend day can become a working day, so both lists are explicit inputs.

Datetimes are naive wall-clock times of the calendar's own time zone; the caller converts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

MINUTES_PER_DAY = 24 * 60
# No target is longer than this; a calendar with no working time at all must not loop forever.
MAX_SEARCH_DAYS = 3 * 366


class CalendarError(ValueError):
    """The calendar has no working time in reach of the requested span."""


@dataclass(frozen=True)
class BusinessCalendar:
    # Working periods of a working day, as (start, end) minutes after midnight.
    hours: tuple[tuple[int, int], ...] = ((9 * 60, 12 * 60), (13 * 60 + 30, 18 * 60))
    # Weekdays that are not working days (Monday is 0).
    weekend: frozenset[int] = frozenset({5, 6})
    # Days off that would otherwise be working days (法定节假日).
    holidays: frozenset[dt.date] = field(default_factory=frozenset)
    # Weekend days that are working days (调休上班).
    workdays: frozenset[dt.date] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        last_end = -1
        for start, end in self.hours:
            if not (0 <= start < end <= MINUTES_PER_DAY) or start < last_end:
                raise ValueError(f"working periods must be ordered and within one day: {self.hours}")
            last_end = end

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() not in self.weekend

    def working_minutes_per_day(self) -> int:
        return sum(end - start for start, end in self.hours)

    def add(self, start: dt.datetime, minutes: float) -> dt.datetime:
        """The moment `minutes` of working time after `start`."""
        if minutes < 0:
            raise ValueError("minutes must not be negative")
        remaining = float(minutes)
        day = start.date()
        minute_of_day = (start - dt.datetime.combine(day, dt.time())).total_seconds() / 60
        for _ in range(MAX_SEARCH_DAYS + int(minutes // max(self.working_minutes_per_day(), 1)) + 2):
            if self.is_working_day(day):
                for begin, end in self.hours:
                    if minute_of_day >= end:
                        continue
                    begin = max(begin, minute_of_day)
                    if remaining <= end - begin:
                        return _at(day, begin + remaining)
                    remaining -= end - begin
            day += dt.timedelta(days=1)
            minute_of_day = 0.0
        raise CalendarError("the calendar has no working time within reach")

    def minutes_between(self, start: dt.datetime, end: dt.datetime) -> float:
        """Working minutes from `start` to `end` (negative when `end` is earlier)."""
        if end < start:
            return -self.minutes_between(end, start)
        total = 0.0
        day = start.date()
        while day <= end.date():
            if self.is_working_day(day):
                day_start = dt.datetime.combine(day, dt.time())
                for begin, finish in self.hours:
                    lo = max(day_start + dt.timedelta(minutes=begin), start)
                    hi = min(day_start + dt.timedelta(minutes=finish), end)
                    if hi > lo:
                        total += (hi - lo).total_seconds() / 60
            day += dt.timedelta(days=1)
        return total


def _at(day: dt.date, minute_of_day: float) -> dt.datetime:
    return dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=minute_of_day)


def add_clock_minutes(start: dt.datetime, minutes: float) -> dt.datetime:
    """Round-the-clock targets (e.g. emergency repair, 抢修) ignore the calendar."""
    return start + dt.timedelta(minutes=minutes)
