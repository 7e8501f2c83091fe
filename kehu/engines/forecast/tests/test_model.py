"""The forecast engine against examples small enough to check by hand."""

from __future__ import annotations

import numpy as np
import pytest

from kehu.engines.forecast import ForecastError, backtest, fit, mape, wape

# A week of 7 days × 4 intervals: quiet mornings, busy middays, weekends at half volume.
DAY = np.array([10.0, 40.0, 30.0, 20.0])
WEEK = np.stack([DAY * (0.5 if p >= 5 else 1.0) for p in range(7)])  # total 600


def test_a_flat_series_forecasts_itself():
    history = np.stack([WEEK] * 4)
    model = fit(history)
    calls, _ = model.predict([1, 2])
    assert model.slope == pytest.approx(0.0)
    assert model.level == pytest.approx(600.0)
    np.testing.assert_allclose(calls[0], WEEK)
    np.testing.assert_allclose(calls[1], WEEK)
    assert model.warnings == ()


def test_a_linear_trend_and_weekday_profile_are_recovered():
    # Weekly totals 400, 450, 500, 550 (+50 a week) spread by the same profile.
    share = WEEK / WEEK.sum()
    totals = [400.0, 450.0, 500.0, 550.0]
    history = np.stack([t * share for t in totals])
    model = fit(history)
    assert model.slope == pytest.approx(50.0)
    assert model.level == pytest.approx(550.0)
    calls, _ = model.predict([1, 3])
    np.testing.assert_allclose(calls[0], 600.0 * share)  # next week
    np.testing.assert_allclose(calls[1], 700.0 * share)  # three weeks on
    # Monday busiest interval next week: 600 × 40/600.
    assert calls[0, 0, 1] == pytest.approx(40.0)


def test_mape_and_wape_by_hand():
    actual = np.array([10.0, 20.0, 0.0, 40.0])
    forecast = np.array([12.0, 15.0, 3.0, 40.0])
    # MAPE skips the zero interval: (2/10 + 5/20 + 0/40) / 3 = 15 %.
    assert mape(actual, forecast) == pytest.approx(15.0)
    # WAPE keeps it: (2 + 5 + 3 + 0) / 70 = 14.2857 %.
    assert wape(actual, forecast) == pytest.approx(1000 / 70)
    assert mape(np.zeros(3), np.ones(3)) is None
    assert wape(np.zeros(3), np.ones(3)) is None


def test_backtest_scores_each_held_out_week():
    # Three flat weeks then one 10 % busier: the held-out week is forecast 10/11 of actual.
    history = np.stack([WEEK, WEEK, WEEK, WEEK * 1.1])
    result = backtest(history, holdout_weeks=1)
    assert len(result.weeks) == 1
    week = result.weeks[0]
    assert week.weeks_ago == 1
    assert week.actual == pytest.approx(660.0)
    assert week.forecast == pytest.approx(600.0)
    # Every interval is off by 1/11 of its actual.
    assert week.mape == pytest.approx(100 / 11)
    assert week.wape == pytest.approx(100 / 11)
    assert result.mape == pytest.approx(100 / 11)


def test_backtest_of_a_perfect_trend_has_no_error():
    share = WEEK / WEEK.sum()
    history = np.stack([t * share for t in (100.0, 200.0, 300.0, 400.0, 500.0)])
    result = backtest(history, holdout_weeks=2)
    assert [w.weeks_ago for w in result.weeks] == [2, 1]
    assert [w.mape for w in result.weeks] == [pytest.approx(0.0), pytest.approx(0.0)]
    assert result.wape == pytest.approx(0.0, abs=1e-9)


def test_one_week_of_history_gives_the_profile_with_a_warning():
    model = fit(WEEK[None])
    calls, _ = model.predict([1])
    np.testing.assert_allclose(calls[0], WEEK)
    assert "no_trend" in model.warnings


def test_two_weeks_give_their_average_not_a_line_through_two_points():
    model = fit(np.stack([WEEK, WEEK * 1.5]))
    assert model.slope == 0.0 and "no_trend" in model.warnings
    calls, _ = model.predict([1, 4])
    np.testing.assert_allclose(calls[0], WEEK * 1.25)
    np.testing.assert_allclose(calls[1], WEEK * 1.25)


def test_a_missing_day_is_filled_from_the_profile_not_counted_as_zero():
    history = np.stack([WEEK, WEEK, WEEK])
    history[1, 2, :] = np.nan  # Wednesday of week 2 missing (the system was down)
    model = fit(history)
    assert model.level == pytest.approx(600.0)
    assert model.slope == pytest.approx(0.0)
    calls, _ = model.predict([1])
    np.testing.assert_allclose(calls[0], WEEK)


def test_zero_intervals_stay_zero():
    week = WEEK.copy()
    week[:, 0] = 0.0  # the line is closed in the first interval every day
    model = fit(np.stack([week, week]))
    calls, _ = model.predict([1])
    assert np.all(calls[0, :, 0] == 0.0)


def test_a_falling_trend_never_forecasts_negative_calls():
    share = WEEK / WEEK.sum()
    history = np.stack([t * share for t in (300.0, 200.0, 100.0)])
    calls, _ = fit(history).predict([1, 2])
    assert np.all(calls >= 0)
    assert calls[1].sum() == 0.0


def test_aht_is_the_handle_time_over_answered_calls_with_fallbacks():
    calls = np.stack([WEEK, WEEK])
    handled = calls.copy()
    handle = handled * 200.0
    handle[0, 0, 1] = handled[0, 0, 1] * 300.0  # one slow Monday interval in week 1
    handled[:, 3, 0] = 0.0  # nobody answered Thursday's first interval
    handle[:, 3, 0] = 0.0
    model = fit(calls, handled, handle)
    assert model.aht_s is not None
    # Monday interval 1: (40·300 + 40·200) / 80 = 250 s.
    assert model.aht_s[0, 1] == pytest.approx(250.0)
    # Thursday interval 0 borrows interval 0 of the other days: 200 s.
    assert model.aht_s[3, 0] == pytest.approx(200.0)
    assert model.aht_s[2, 2] == pytest.approx(200.0)


def test_history_without_a_complete_week_is_refused():
    history = WEEK[None].copy()
    history[0, 6, :] = np.nan
    with pytest.raises(ForecastError) as exc:
        fit(history)
    assert exc.value.code == "no_full_week"


def test_history_without_calls_is_refused():
    with pytest.raises(ForecastError) as exc:
        fit(np.zeros((2, 7, 4)))
    assert exc.value.code == "no_volume"


def test_wrong_shapes_and_negative_counts_are_refused():
    with pytest.raises(ForecastError) as exc:
        fit(np.ones((2, 6, 4)))
    assert exc.value.code == "shape"
    with pytest.raises(ForecastError) as exc:
        fit(-np.ones((1, 7, 4)))
    assert exc.value.code == "negative"


def test_backtest_needs_a_week_left_to_fit():
    with pytest.raises(ForecastError) as exc:
        backtest(np.stack([WEEK, WEEK]), holdout_weeks=2)
    assert exc.value.code == "short_for_backtest"


def test_the_same_history_always_gives_the_same_forecast():
    rng = np.random.default_rng(7)
    history = rng.poisson(WEEK, size=(6, 7, 4)).astype(float)
    a, _ = fit(history).predict([1, 2])
    b, _ = fit(history.copy()).predict([1, 2])
    assert np.array_equal(a, b)
