"""Working-time arithmetic: checked by hand on a real Chinese holiday week and by properties."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kehu.engines.business_time import BusinessCalendar, CalendarError

D = dt.datetime
# National Day 2026: 1–7 October off; Sunday 20 September and Saturday 10 October are worked.
NATIONAL_DAY = BusinessCalendar(
    holidays=frozenset(dt.date(2026, 10, d) for d in range(1, 8)),
    workdays=frozenset({dt.date(2026, 9, 20), dt.date(2026, 10, 10)}),
)


def test_target_inside_one_morning():
    assert NATIONAL_DAY.add(D(2026, 9, 29, 9, 30), 60) == D(2026, 9, 29, 10, 30)


def test_lunch_break_is_skipped():
    assert NATIONAL_DAY.add(D(2026, 9, 29, 11, 30), 60) == D(2026, 9, 29, 14, 0)


def test_a_request_after_hours_starts_counting_next_morning():
    assert NATIONAL_DAY.add(D(2026, 9, 29, 20, 0), 30) == D(2026, 9, 30, 9, 30)


def test_the_golden_week_is_skipped():
    # 16:00 on 30 September plus 4 working hours: 2 h that day, then nothing until
    # Thursday 8 October, 9:00 + 2 h = 11:00.
    assert NATIONAL_DAY.add(D(2026, 9, 30, 16, 0), 240) == D(2026, 10, 8, 11, 0)


def test_the_makeup_saturday_is_worked():
    # Friday 9 October 17:00 plus 2 h: 1 h that day, 1 h on Saturday 10 October (调休).
    assert NATIONAL_DAY.add(D(2026, 10, 9, 17, 0), 120) == D(2026, 10, 10, 10, 0)


def test_a_makeup_sunday_counts_as_working_day():
    assert NATIONAL_DAY.is_working_day(dt.date(2026, 9, 20))
    assert not NATIONAL_DAY.is_working_day(dt.date(2026, 9, 19))
    assert not NATIONAL_DAY.is_working_day(dt.date(2026, 10, 5))


def test_minutes_between_counts_only_working_time():
    assert NATIONAL_DAY.minutes_between(D(2026, 9, 30, 16, 0), D(2026, 10, 8, 11, 0)) == 240
    assert NATIONAL_DAY.minutes_between(D(2026, 10, 8, 11, 0), D(2026, 9, 30, 16, 0)) == -240


def test_a_calendar_without_working_time_fails_instead_of_looping():
    never = BusinessCalendar(weekend=frozenset(range(7)))
    with pytest.raises(CalendarError):
        never.add(D(2026, 1, 1), 10)


def test_overlapping_hours_are_refused():
    with pytest.raises(ValueError):
        BusinessCalendar(hours=((600, 700), (650, 800)))


moments = st.datetimes(min_value=D(2026, 1, 1), max_value=D(2026, 12, 31))


@given(start=moments, minutes=st.integers(min_value=1, max_value=5000))
def test_adding_then_measuring_gives_back_the_minutes(start, minutes):
    due = NATIONAL_DAY.add(start, minutes)
    assert due > start
    assert NATIONAL_DAY.minutes_between(start, due) == pytest.approx(minutes, abs=1e-6)


@given(start=moments, a=st.integers(min_value=0, max_value=3000), b=st.integers(min_value=0, max_value=3000))
def test_later_targets_are_never_earlier(start, a, b):
    lo, hi = sorted((a, b))
    assert NATIONAL_DAY.add(start, lo) <= NATIONAL_DAY.add(start, hi)
