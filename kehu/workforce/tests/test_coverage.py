"""Coverage: scheduled productive agents vs the forecast's requirement, counted by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import make_user
from kehu.accounts.models import Role
from kehu.workforce.coverage import coverage
from kehu.workforce.services.rosters import schedule_set
from kehu.workforce.tests.conftest import MONDAY, stored_forecast

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def three_on_days(org, carol, day_shift):
    """Three agents on 09:00–18:00, lunch 12:00–13:00, meeting 08:45–09:00."""
    agents = [org["alice"]] + [make_user(f"agent{i}", Role.AGENT, org["center"]) for i in (2, 3)]
    for agent in agents:
        schedule_set(agent=agent, day=MONDAY, shift=day_shift, by=carol)
    return agents


def by_start(result):
    return {r["start"]: r for r in result["intervals"]}


def test_three_agents_with_lunch_and_meeting_at_half_hours(queue, three_on_days):
    stored_forecast(queue, MONDAY, {"08:30": 1, "09:00": 2, "12:00": 2, "13:00": 1})
    rows = by_start(coverage(queue=queue, day=MONDAY, interval_min=30))
    assert rows["08:30"]["productive"] == 0  # in the meeting, not on the phones
    assert rows["08:30"]["status"] == "short" and rows["08:30"]["gap"] == -1
    assert rows["09:00"]["productive"] == 3 and rows["09:00"]["status"] == "ok"
    assert rows["11:30"]["productive"] == 3
    assert rows["12:00"]["productive"] == 0 and rows["12:00"]["status"] == "short"
    assert rows["12:30"]["productive"] == 0
    assert rows["13:00"]["productive"] == 3
    assert rows["13:00"]["status"] == "over"  # 3 where 1 is needed
    assert rows["17:30"]["productive"] == 3 and rows["18:00"]["productive"] == 0


def test_quarter_hours_see_the_meeting_exactly(queue, three_on_days):
    rows = by_start(coverage(queue=queue, day=MONDAY, interval_min=15))
    assert rows["08:30"]["productive"] == 0
    assert rows["08:45"]["productive"] == 0
    assert rows["09:00"]["productive"] == 3
    assert rows["11:45"]["productive"] == 3 and rows["12:00"]["productive"] == 0


def test_hours_count_a_half_hour_break_as_half_an_agent(queue, org, carol, night_shift):
    schedule_set(agent=org["alice"], day=MONDAY, shift=night_shift, by=carol)
    rows = by_start(coverage(queue=queue, day=MONDAY + dt.timedelta(days=1), interval_min=60))
    # Monday's night shift runs into Tuesday until 06:00 with a break 02:00–02:30.
    assert rows["01:00"]["productive"] == 1
    assert rows["02:00"]["productive"] == 0.5
    assert rows["05:00"]["productive"] == 1 and rows["06:00"]["productive"] == 0
    monday = by_start(coverage(queue=queue, day=MONDAY, interval_min=60))
    assert monday["22:00"]["productive"] == 1 and monday["21:00"]["productive"] == 0


def test_the_summary_counts_short_intervals_and_missing_hours(queue, three_on_days):
    stored_forecast(queue, MONDAY, {"12:00": 2, "12:30": 2})
    result = coverage(queue=queue, day=MONDAY, interval_min=30)
    assert result["short_intervals"] == 2
    assert result["short_agent_hours"] == 2.0  # 2 agents × 2 half hours
    # 09:00–12:00 and 13:00–18:00: 3 agents where none are needed is "over".
    assert result["over_intervals"] == 16


def test_without_a_forecast_coverage_says_so(queue, three_on_days):
    result = coverage(queue=queue, day=MONDAY, interval_min=30)
    assert result["forecast_id"] is None
    assert "No forecast of this queue at 30-minute intervals covers 2026-03-02" in result["message"]
    assert by_start(result)["09:00"]["required"] is None
    assert by_start(result)["09:00"]["productive"] == 3


def test_the_newest_forecast_covering_the_day_is_used(queue, three_on_days):
    stored_forecast(queue, MONDAY, {"09:00": 1})
    newer = stored_forecast(queue, MONDAY, {"09:00": 5})
    stored_forecast(queue, MONDAY, {"09:00": 9}, interval_min=60)
    result = coverage(queue=queue, day=MONDAY, interval_min=30)
    assert result["forecast_id"] == newer.pk
    assert by_start(result)["09:00"]["required"] == 5
