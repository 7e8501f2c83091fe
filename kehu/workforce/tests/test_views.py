"""The forecast, roster and shift pages as the people who use them see them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from conftest import make_user
from kehu.accounts.models import Role
from kehu.workforce.models import Forecast, ScheduleEntry, Shift
from kehu.workforce.services.rosters import schedule_set
from kehu.workforce.tests.conftest import MONDAY, add_calls, stored_forecast

pytestmark = pytest.mark.usefixtures("english")


def test_a_supervisor_builds_a_forecast_on_the_page(web_as, carol, queue):
    today = timezone.localdate()
    for d in range(1, 22):
        add_calls(queue, today - dt.timedelta(days=d), 9, 10, 6)
    client = web_as(carol)
    r = client.post("/workforce/forecast/", {
        "queue": queue.pk, "start_date": today.isoformat(), "days": 3, "interval_min": 30,
        "history_weeks": 8, "target_sl": 80, "answer_s": "", "shrinkage": 10,
        "max_occupancy": 85,
    })
    assert r.status_code == 302
    forecast = Forecast.objects.get()
    assert forecast.params["shrinkage"] == pytest.approx(0.1)
    page = client.get(r["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="forecast-chart"' in html and 'id="backtest-table"' in html
    assert 'id="backtest-mape">0.0%' in html
    assert "Full weeks of history available: 3" in html


def test_the_page_says_why_a_queue_cannot_be_forecast(web_as, carol, queue):
    r = web_as(carol).post("/workforce/forecast/", {
        "queue": queue.pk, "start_date": MONDAY.isoformat(), "days": 3, "interval_min": 30,
        "history_weeks": 8, "target_sl": 80, "shrinkage": 0, "max_occupancy": 100,
    })
    assert r.status_code == 422
    assert "has no calls yet, so there is nothing to forecast from" in r.content.decode()


def test_agents_cannot_open_the_forecast_page(web_as, alice, queue):
    r = web_as(alice).get("/workforce/forecast/")
    assert r.status_code == 403
    assert "Only supervisors, managers and administrators" in r.content.decode()


def grid_post(client, week: dt.date, cells: dict[str, str]):
    return client.post(f"/workforce/roster/?week={week.isoformat()}&date={week.isoformat()}",
                       cells)


def test_a_supervisor_assigns_shifts_in_the_week_grid(web_as, carol, alice, queue, day_shift):
    stored_forecast(queue, MONDAY, {"09:00": 1, "09:30": 1})
    client = web_as(carol)
    before = client.get(f"/workforce/roster/?week={MONDAY}&date={MONDAY}&queue=95598")
    assert 'id="short-intervals" class="bad">2<' in before.content.decode()
    r = grid_post(client, MONDAY, {
        f"cell-{alice.pk}-{MONDAY}": str(day_shift.pk),
        f"cell-{alice.pk}-{MONDAY + dt.timedelta(days=1)}": "off",
    })
    assert r.status_code == 302
    assert ScheduleEntry.objects.get(agent=alice, date=MONDAY).shift == day_shift
    assert ScheduleEntry.objects.get(agent=alice, date=MONDAY + dt.timedelta(days=1)).day_off
    after = client.get(r["Location"]).content.decode()
    assert "Roster saved: 2 changes." in after
    assert 'id="short-intervals" class="good">0<' in after


def test_a_refused_cell_saves_nothing_and_says_why(web_as, carol, alice, day_shift,
                                                   night_shift):
    early = Shift.objects.create(code="E", name="早班", start=dt.time(5), end=dt.time(13))
    schedule_set(agent=alice, day=MONDAY, shift=night_shift, by=carol)
    r = grid_post(web_as(carol), MONDAY, {
        f"cell-{alice.pk}-{MONDAY + dt.timedelta(days=1)}": str(early.pk),
        f"cell-{alice.pk}-{MONDAY + dt.timedelta(days=2)}": str(day_shift.pk),
    })
    assert r.status_code == 422
    assert "overlaps the shift N 夜班 of 2026-03-02" in r.content.decode()
    assert ScheduleEntry.objects.filter(agent=alice).count() == 1


def test_an_agent_sees_only_her_own_row_read_only(web_as, carol, alice, org, day_shift):
    other = make_user("agent2", Role.AGENT, org["center"])
    schedule_set(agent=alice, day=MONDAY, shift=day_shift, by=carol)
    schedule_set(agent=other, day=MONDAY, shift=day_shift, by=carol)
    client = web_as(alice)
    html = client.get(f"/workforce/roster/?week={MONDAY}").content.decode()
    assert 'data-agent="alice"' in html and 'data-agent="agent2"' not in html
    assert f"cell-{alice.pk}" not in html and "D 09:00–18:00" in html
    assert 'id="coverage-table"' not in html
    r = grid_post(client, MONDAY, {f"cell-{alice.pk}-{MONDAY}": ""})
    assert r.status_code == 403
    assert ScheduleEntry.objects.filter(agent=alice).exists()


def test_the_roster_page_pins_its_queries(web_as, carol, org, day_shift, queue,
                                          django_assert_max_num_queries):
    for i in range(6):
        agent = make_user(f"a{i}", Role.AGENT, org["center"])
        for d in range(7):
            schedule_set(agent=agent, day=MONDAY + dt.timedelta(days=d), shift=day_shift,
                         by=carol)
    stored_forecast(queue, MONDAY, {"09:00": 1})
    client = web_as(carol)
    with django_assert_max_num_queries(16):
        assert client.get(f"/workforce/roster/?week={MONDAY}&date={MONDAY}").status_code == 200


def test_a_supervisor_adds_a_shift_on_the_page(web_as, carol):
    client = web_as(carol)
    r = client.post("/workforce/shifts/", {"code": "D", "name": "白班", "start": "09:00",
                                           "end": "18:00",
                                           "slots": "班前会 08:45 15\nmeal 12:00 60"})
    assert r.status_code == 302
    assert Shift.objects.get(code="D").slots.count() == 2
    bad = client.post("/workforce/shifts/", {"code": "X", "name": "X", "start": "09:00",
                                             "end": "18:00", "slots": "break 20:00 15"})
    assert bad.status_code == 422
    assert "lies outside the shift 09:00–18:00" in bad.content.decode()
    typo = client.post("/workforce/shifts/", {"code": "Y", "name": "Y", "start": "09:00",
                                              "end": "18:00", "slots": "nap at noon"})
    assert typo.status_code == 422 and "Line 1:" in typo.content.decode()


def test_agents_may_read_shifts_but_not_add_them(web_as, alice, day_shift):
    client = web_as(alice)
    page = client.get("/workforce/shifts/").content.decode()
    assert "白班" in page and 'id="shift-form"' not in page
    r = client.post("/workforce/shifts/", {"code": "Q", "name": "Q", "start": "09:00",
                                           "end": "10:00"})
    assert r.status_code == 403
