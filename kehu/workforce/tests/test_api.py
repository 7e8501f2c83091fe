"""The workforce API: forecasts, coverage, shifts and the roster, with permissions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kehu.workforce.services.rosters import schedule_set
from kehu.workforce.tests.conftest import MONDAY, add_calls, stored_forecast

pytestmark = pytest.mark.usefixtures("english")


def two_weeks(queue) -> None:
    today = timezone.localdate()
    for d in range(1, 15):
        add_calls(queue, today - dt.timedelta(days=d), 9, 10, 6)


def test_a_supervisor_builds_a_forecast(api_as, carol, queue):
    two_weeks(queue)
    start = timezone.localdate()
    r = api_as(carol).post("/api/workforce/forecast", {
        "queue": "95598", "start_date": start.isoformat(), "days": 2, "interval_min": 60,
        "history_weeks": 4, "shrinkage": 0.2,
    })
    assert r.status_code == 200, r.content
    body = r.json()
    assert len(body["intervals"]) == 48
    nine = next(i for i in body["intervals"] if timezone.localtime(
        dt.datetime.fromisoformat(i["start"])).hour == 9)
    assert nine["calls"] == pytest.approx(6.0)
    assert nine["aht_s"] == pytest.approx(200.0)
    assert nine["scheduled"] >= nine["agents"] >= 1
    assert body["mape"] == pytest.approx(0.0)
    assert body["backtest"][0]["weeks_ago"] == 1
    got = api_as(carol).get(f"/api/workforce/forecast/{body['id']}")
    assert got.status_code == 200 and got.json()["id"] == body["id"]


def test_agents_may_not_build_forecasts(api_as, alice, queue):
    two_weeks(queue)
    r = api_as(alice).post("/api/workforce/forecast", {"queue": "95598",
                                                       "start_date": MONDAY.isoformat()})
    assert r.status_code == 403
    assert "supervisors" in r.json()["message"]


@pytest.mark.parametrize(("body", "field", "text"), [
    ({"queue": "nope"}, "queue", "No queue has the code nope."),
    ({"queue": "95598"}, "queue", "has no calls yet"),
    ({"queue": "95598", "interval_min": 45}, "interval_min", "15, 30 or 60"),
    ({"queue": "95598", "start_date": "soon"}, "start_date", ""),
])
def test_bad_forecast_requests_are_422_with_the_field(api_as, carol, queue, body, field, text):
    r = api_as(carol).post("/api/workforce/forecast",
                           {"start_date": MONDAY.isoformat(), **body})
    assert r.status_code == 422
    assert r.json()["field"] == field
    assert text in r.json()["message"]


def test_coverage_by_api(api_as, carol, alice, queue, day_shift):
    schedule_set(agent=alice, day=MONDAY, shift=day_shift, by=carol)
    stored_forecast(queue, MONDAY, {"09:00": 2})
    r = api_as(carol).get("/api/workforce/coverage", date=MONDAY.isoformat(), queue="95598",
                          interval=30)
    assert r.status_code == 200
    nine = next(i for i in r.json()["intervals"] if i["start"] == "09:00")
    assert nine == {"start": "09:00", "productive": 1.0, "required": 2, "calls": 20.0,
                    "gap": -1.0, "status": "short"}
    assert api_as(alice).get("/api/workforce/coverage", date=MONDAY.isoformat(),
                             queue="95598").status_code == 403
    bad = api_as(carol).get("/api/workforce/coverage", date=MONDAY.isoformat(), queue="95598",
                            interval=7)
    assert bad.status_code == 422 and bad.json()["field"] == "interval"


def test_shifts_by_api_refuse_overlapping_breaks(api_as, carol):
    ok = api_as(carol).post("/api/workforce/shifts", {
        "code": "D", "name": "白班", "start": "09:00", "end": "18:00",
        "slots": [{"kind": "meeting_before", "start": "08:45", "duration_min": 15},
                  {"kind": "meal", "start": "12:00", "duration_min": 60}],
    })
    assert ok.status_code == 200 and len(ok.json()["slots"]) == 2
    bad = api_as(carol).post("/api/workforce/shifts", {
        "code": "E", "name": "早班", "start": "07:00", "end": "15:00",
        "slots": [{"kind": "meal", "start": "11:00", "duration_min": 60},
                  {"kind": "break", "start": "11:30", "duration_min": 10}],
    })
    assert bad.status_code == 422
    assert bad.json() == {"message": "The break at 11:30 overlaps the meal at 11:00.",
                          "field": "slots.1.start"}
    zero = api_as(carol).post("/api/workforce/shifts", {
        "code": "Z", "name": "零", "start": "09:00", "end": "09:00"})
    assert zero.status_code == 422 and zero.json()["field"] == "end"
    assert [s["code"] for s in api_as(carol).get("/api/workforce/shifts").json()] == ["D"]


def test_schedule_by_api_refuses_a_second_shift(api_as, carol, alice, day_shift, night_shift):
    client = api_as(carol)
    first = client.post("/api/workforce/schedule", {"agent": alice.pk,
                                                    "date": MONDAY.isoformat(), "shift": "D"})
    assert first.status_code == 200 and first.json()["shift"] == "D"
    second = client.post("/api/workforce/schedule", {"agent": alice.pk,
                                                     "date": MONDAY.isoformat(), "shift": "N"})
    assert second.status_code == 409
    assert "already has D 白班 on 2026-03-02" in second.json()["message"]
    changed = client.post("/api/workforce/schedule", {
        "agent": alice.pk, "date": MONDAY.isoformat(), "shift": "N", "replace": True})
    assert changed.status_code == 200 and changed.json()["shift"] == "N"
    neither = client.post("/api/workforce/schedule", {"agent": alice.pk,
                                                      "date": MONDAY.isoformat()})
    assert neither.status_code == 422 and neither.json()["field"] == "shift"


def test_agents_read_only_their_own_schedule(api_as, carol, alice, bob, org, day_shift):
    from conftest import make_user
    from kehu.accounts.models import Role

    other = make_user("agent2", Role.AGENT, org["center"])
    schedule_set(agent=alice, day=MONDAY, shift=day_shift, by=carol)
    schedule_set(agent=other, day=MONDAY, shift=day_shift, by=carol)
    mine = api_as(alice).get("/api/workforce/schedule", start=MONDAY.isoformat())
    assert [e["agent"] for e in mine.json()] == [alice.pk]
    everyone = api_as(carol).get("/api/workforce/schedule", start=MONDAY.isoformat())
    assert len(everyone.json()) == 2
    refused = api_as(alice).post("/api/workforce/schedule", {
        "agent": alice.pk, "date": MONDAY.isoformat(), "day_off": True})
    assert refused.status_code == 403
