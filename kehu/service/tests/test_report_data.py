"""The report's arithmetic on hand-computed numbers (no database)."""

import datetime as dt

import pytest

from kehu.service import report_data as calc

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def test_hours_are_wall_clock_and_fractional():
    assert calc.hours(dt.timedelta(minutes=90)) == 1.5
    assert calc.hours(dt.timedelta(days=1, hours=2)) == 26


def test_mean_and_median_of_nothing_are_none_not_zero():
    assert calc.mean([]) is None
    assert calc.median([]) is None


def test_mean():
    assert calc.mean([1.0, 2.0, 6.0]) == 3.0


def test_median_of_an_odd_count_is_the_middle_value():
    assert calc.median([9.0, 1.0, 4.0]) == 4.0


def test_median_of_an_even_count_is_the_mean_of_the_two_middle_values():
    assert calc.median([10.0, 1.0, 4.0, 2.0]) == 3.0  # sorted 1, 2, 4, 10 → (2 + 4) / 2


def test_attainment_is_met_over_decided():
    assert calc.attainment(3, 1) == 75.0
    assert calc.attainment(0, 2) == 0.0
    assert calc.attainment(0, 0) is None  # nothing decided yet: no figure, not 0 %


def test_percent():
    assert calc.percent(1, 8) == 12.5
    assert calc.percent(5, 0) is None


def test_complaint_rate_per_thousand_customers():
    assert calc.rate_per_thousand(3, 1200) == 2.5
    assert calc.rate_per_thousand(0, 40) == 0.0
    assert calc.rate_per_thousand(3, 0) is None


def test_elapsed_hours_skip_what_has_not_ended():
    pairs = [(T0, T0 + dt.timedelta(minutes=30)), (T0, None), (T0, T0 + dt.timedelta(hours=5))]
    assert calc.elapsed_hours(pairs) == [0.5, 5.0]


def test_summarise():
    summary = calc.summarise([0.5, 5.0, 2.5])
    assert summary == calc.DurationSummary(count=3, mean=pytest.approx(8 / 3), median=2.5)
    assert calc.summarise([]) == calc.DurationSummary(count=0, mean=None, median=None)


def test_satisfaction_from_the_database_counts():
    # Scores 5, 4, 2, 1: sum 12 over 4 visits; two are 2 or below.
    got = calc.satisfaction(scored=4, total_score=12, unsatisfied=2)
    assert (got.mean, got.unsatisfied, got.unsatisfied_percent) == (3.0, 2, 50.0)
    nothing = calc.satisfaction(scored=0, total_score=0, unsatisfied=0)
    assert nothing.mean is None and nothing.unsatisfied_percent is None


def test_days_between_includes_both_ends_and_crosses_months():
    days = calc.days_between(dt.date(2026, 2, 27), dt.date(2026, 3, 2))
    assert days == [dt.date(2026, 2, 27), dt.date(2026, 2, 28), dt.date(2026, 3, 1), dt.date(2026, 3, 2)]
    assert calc.days_between(dt.date(2026, 3, 2), dt.date(2026, 3, 2)) == [dt.date(2026, 3, 2)]


def test_daily_matrix_fills_the_gaps_with_zeros():
    d1, d2 = dt.date(2026, 3, 1), dt.date(2026, 3, 2)
    counts = {(d1, "repair"): 2, (d2, "complaint"): 1, (d2, "repair"): 3}
    assert calc.daily_matrix([d1, d2], ["complaint", "repair"], counts) == [[0, 2], [1, 3]]
