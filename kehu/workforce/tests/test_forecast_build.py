"""Building forecasts from real interaction history in the database."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kehu.contact.models import Interaction
from kehu.core.errors import InvalidInput, NotAllowed
from kehu.core.models import AuditEntry
from kehu.engines.erlang import Targets, solve
from kehu.workforce.models import ForecastInterval
from kehu.workforce.services.forecasts import forecast_build
from kehu.workforce.tests.conftest import MONDAY, add_calls, local

pytestmark = pytest.mark.usefixtures("english")


def history(queue, weeks: int, per_week: list[int]) -> None:
    """Each day of each week before MONDAY: per_week[w] calls at 09:05 (AHT 200 s) and one
    answered call plus one abandoned call at 10:10 (AHT 300 s)."""
    first = MONDAY - dt.timedelta(days=7 * weeks)
    for d in range(7 * weeks):
        day = first + dt.timedelta(days=d)
        add_calls(queue, day, 9, 5, per_week[d // 7])
        add_calls(queue, day, 10, 10, 1, talk=250, hold=0, wrap=50, abandoned=1)


def at(forecast, day: dt.date, hh: int, mm: int) -> ForecastInterval:
    return forecast.intervals.get(start=local(day, hh, mm))


def test_a_flat_history_forecasts_itself_with_erlang_agents(queue, carol):
    history(queue, 3, [4, 4, 4])
    forecast = forecast_build(queue=queue, start_date=MONDAY, days=7, interval_min=30,
                              history_weeks=8, by=carol, today=MONDAY)
    assert forecast.intervals.count() == 7 * 48
    nine = at(forecast, MONDAY + dt.timedelta(days=3), 9, 0)
    assert nine.calls == pytest.approx(4.0)
    assert nine.aht_s == pytest.approx(200.0)
    # 4 calls of 200 s in 30 min = 0.44 Erlang; 80 % within 20 s needs 2 agents.
    assert nine.agents == solve(4, 200, Targets(interval_s=1800, answer_s=20)).agents == 2
    ten = at(forecast, MONDAY, 10, 0)
    assert ten.calls == pytest.approx(2.0)  # both offered calls, the abandoned one too
    assert ten.aht_s == pytest.approx(300.0)  # handle time of the answered call only
    assert at(forecast, MONDAY, 3, 0).calls == 0 and at(forecast, MONDAY, 3, 0).agents == 0
    # Three weeks: the last is held out and forecast exactly.
    assert forecast.mape == pytest.approx(0.0)
    assert forecast.wape == pytest.approx(0.0)
    assert [w["weeks_ago"] for w in forecast.backtest] == [1]
    assert "Full weeks of history available: 3" in forecast.params["warnings"][0]
    assert AuditEntry.objects.filter(action="workforce.forecast.built").count() == 1


def test_a_growing_queue_is_forecast_with_its_trend(queue, carol):
    history(queue, 4, [2, 4, 6, 8])
    forecast = forecast_build(queue=queue, start_date=MONDAY, days=14, interval_min=60,
                              history_weeks=4, by=carol, today=MONDAY)
    # Calls a day: 4, 6, 8, 10 over the weeks (09:00 grows 2, 4, 6, 8; 10:00 keeps 2), so the
    # next weeks bring 12 and 14 a day, split as the history split them: 09:00 had 20 of 28.
    def day_total(day: dt.date) -> float:
        return at(forecast, day, 9, 0).calls + at(forecast, day, 10, 0).calls

    assert day_total(MONDAY) == pytest.approx(12.0)
    assert day_total(MONDAY + dt.timedelta(days=8)) == pytest.approx(14.0)
    assert at(forecast, MONDAY, 9, 0).calls == pytest.approx(12 * 20 / 28)
    # Backtest (4 weeks: the last held out): fit on weeks 1–3 (4, 6, 8 a day; 09:00 had 12 of
    # 18), forecast 10 a day as 6.67 + 3.33 against 8 + 2: off by 2.67 of 10, WAPE 26.7 %.
    assert [w["weeks_ago"] for w in forecast.backtest] == [1]
    assert forecast.wape == pytest.approx(80 / 3)
    # MAPE: 09:00 off by 1.33 of 8 (16.7 %), 10:00 by 1.33 of 2 (66.7 %): 41.7 %.
    assert forecast.mape == pytest.approx((1 / 6 + 2 / 3) / 2 * 100)


def test_the_backtest_error_is_reported_when_the_last_week_jumps(queue, carol):
    history(queue, 2, [4, 8])
    forecast = forecast_build(queue=queue, start_date=MONDAY, days=1, interval_min=60,
                              history_weeks=2, by=carol, today=MONDAY)
    # Fit on week 1 (4 at 09:00, 2 at 10:00 a day), hold out week 2 (8 and 2): per day
    # |4 − 8| / 8 = 50 % and 0 %, so MAPE 25 %; WAPE 4 / 10 = 40 %.
    assert forecast.mape == pytest.approx(25.0)
    assert forecast.wape == pytest.approx(40.0)


def test_calls_are_bucketed_by_local_time(queue, carol, settings):
    assert settings.TIME_ZONE == "Asia/Shanghai"
    history(queue, 1, [1])
    # 23:50 Beijing time is 15:50 UTC of the same day: it belongs to the local 23:30 interval.
    for d in range(7):
        add_calls(queue, MONDAY - dt.timedelta(days=7 - d), 23, 50, 3)
    # The last instant of an interval stays in it.
    last = local(MONDAY - dt.timedelta(days=7), 9, 29) + dt.timedelta(seconds=59.9999)
    Interaction.objects.create(queue=queue, offered_at=last, answered_at=last, talk_s=200,
                               external_id="edge")
    forecast = forecast_build(queue=queue, start_date=MONDAY, days=1, interval_min=30,
                              history_weeks=1, by=carol, today=MONDAY)
    assert at(forecast, MONDAY, 9, 0).calls == pytest.approx(2.0)
    assert at(forecast, MONDAY, 9, 30).calls == 0
    row = at(forecast, MONDAY, 23, 30)
    assert timezone.localtime(row.start).hour == 23
    assert row.calls == pytest.approx(3.0)


def test_a_forecast_further_ahead_uses_history_up_to_today(queue, carol):
    history(queue, 2, [4, 4])
    start = MONDAY + dt.timedelta(days=10)  # a Thursday, next week
    forecast = forecast_build(queue=queue, start_date=start, days=1, interval_min=60,
                              history_weeks=2, by=carol, today=MONDAY)
    assert forecast.params["history_to"] == MONDAY.isoformat()
    assert at(forecast, start, 9, 0).calls == pytest.approx(4.0)


def test_a_queue_without_calls_is_refused_clearly(queue, carol):
    with pytest.raises(InvalidInput) as exc:
        forecast_build(queue=queue, start_date=MONDAY, days=7, interval_min=30,
                       history_weeks=8, by=carol, today=MONDAY)
    assert exc.value.field == "queue"
    assert "has no calls yet" in exc.value.message


def test_less_than_a_week_of_history_is_refused_clearly(queue, carol):
    add_calls(queue, MONDAY - dt.timedelta(days=5), 9, 0, 3)
    with pytest.raises(InvalidInput) as exc:
        forecast_build(queue=queue, start_date=MONDAY, days=7, interval_min=30,
                       history_weeks=8, by=carol, today=MONDAY)
    assert "at least one full week" in exc.value.message


def test_one_week_gives_the_profile_and_says_there_is_no_trend_or_backtest(queue, carol):
    history(queue, 1, [4])
    forecast = forecast_build(queue=queue, start_date=MONDAY, days=1, interval_min=30,
                              history_weeks=8, by=carol, today=MONDAY)
    text = " ".join(forecast.params["warnings"])
    assert "has no trend" in text and "no backtest" in text
    assert forecast.mape is None


def test_history_of_only_abandoned_calls_is_refused(queue, carol):
    for d in range(7):
        add_calls(queue, MONDAY - dt.timedelta(days=7 - d), 9, 0, 0, abandoned=2)
    with pytest.raises(InvalidInput) as exc:
        forecast_build(queue=queue, start_date=MONDAY, days=1, interval_min=30,
                       history_weeks=1, by=carol, today=MONDAY)
    assert "no handle time" in exc.value.message


@pytest.mark.parametrize(("args", "field"), [
    ({"interval_min": 20}, "interval_min"),
    ({"days": 0}, "days"),
    ({"history_weeks": 60}, "history_weeks"),
    ({"target_sl": 1.0}, "target_sl"),
    ({"shrinkage": 1.2}, "shrinkage"),
])
def test_out_of_range_inputs_name_their_field(queue, carol, args, field):
    history(queue, 1, [1])
    kwargs = {"queue": queue, "start_date": MONDAY, "days": 1, "interval_min": 30,
              "history_weeks": 1, "by": carol, "today": MONDAY, **args}
    with pytest.raises(InvalidInput) as exc:
        forecast_build(**kwargs)
    assert exc.value.field == field


def test_an_agent_cannot_build_forecasts(queue, alice):
    history(queue, 1, [1])
    with pytest.raises(NotAllowed):
        forecast_build(queue=queue, start_date=MONDAY, days=1, interval_min=30,
                       history_weeks=1, by=alice, today=MONDAY)
