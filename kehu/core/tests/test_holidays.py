"""Holidays and greeting days offered as reminders."""

from __future__ import annotations

import datetime as dt

from kehu.core.holidays import holidays_between, holidays_of


def test_every_year_has_the_fixed_days() -> None:
    days = {d for d, _name in holidays_of(2031)}
    assert {dt.date(2031, 1, 1), dt.date(2031, 3, 8), dt.date(2031, 5, 1), dt.date(2031, 10, 1)} <= days


def test_lunar_festivals_are_listed_on_their_date_of_that_year() -> None:
    days = {d for d, _name in holidays_of(2026)}
    assert dt.date(2026, 2, 17) in days  # Spring Festival 2026
    assert dt.date(2026, 9, 25) in days  # Mid-Autumn 2026
    assert dt.date(2027, 2, 6) in {d for d, _n in holidays_of(2027)}


def test_holidays_of_a_year_come_in_date_order() -> None:
    days = [d for d, _name in holidays_of(2026)]
    assert days == sorted(days)


def test_holidays_between_counts_days_from_the_start() -> None:
    found = holidays_between(dt.date(2026, 9, 24), dt.date(2026, 10, 1))
    assert [(h["date"], h["days"]) for h in found] == [(dt.date(2026, 9, 25), 1), (dt.date(2026, 10, 1), 7)]
    assert all(h["name"] for h in found)


def test_holidays_between_crosses_the_year_end() -> None:
    found = holidays_between(dt.date(2026, 12, 28), dt.date(2027, 1, 4))
    assert [h["date"] for h in found] == [dt.date(2027, 1, 1)]
    assert found[0]["days"] == 4


def test_a_window_without_holidays_is_empty() -> None:
    assert holidays_between(dt.date(2026, 7, 1), dt.date(2026, 7, 7)) == []
