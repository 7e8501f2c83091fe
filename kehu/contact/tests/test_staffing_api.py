"""POST /api/staffing and /api/staffing/day: the same answers as the CLI, errors as 422."""

from __future__ import annotations

import pytest

CCH = {
    "calls": 100,
    "interval_min": 30,
    "aht_s": 180,
    "target_sl": 0.8,
    "answer_s": 20,
    "shrinkage": 0.3,
    "max_occupancy": 0.85,
}


def test_one_interval_gives_the_worked_example(api_as, alice):
    r = api_as(alice).post("/api/staffing", CCH)
    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["agents"], body["scheduled"]) == (14, 20)
    assert body["service_level"] == pytest.approx(0.888350, abs=1e-6)
    assert body["prob_wait"] == pytest.approx(0.174132, abs=1e-6)
    assert body["occupancy"] == pytest.approx(0.714286, abs=1e-6)
    assert body["model"] == "erlang_c"
    assert body["binding"] == "service_level"
    assert body["calls"] == 100 and body["patience_s"] is None


def test_patience_gives_erlang_a_with_abandonment(api_as, bob):
    r = api_as(bob).post("/api/staffing", {**CCH, "patience_s": 90})
    body = r.json()
    assert r.status_code == 200
    assert body["model"] == "erlang_a"
    assert 0 < body["prob_abandon"] < 0.2


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"aht_s": 0}, "aht_s"),
        ({"calls": -5}, "calls"),
        ({"target_sl": 1}, "target_sl"),
        ({"interval_min": 0}, "interval_min"),
        ({"shrinkage": 1.5}, "shrinkage"),
        ({"max_occupancy": 0}, "max_occupancy"),
        ({"patience_s": -1}, "patience_s"),
        ({"answer_s": -1}, "answer_s"),
        ({"calls": 10**10}, "calls"),
        ({"calls": "many"}, "calls"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(api_as, alice, change, field):
    r = api_as(alice).post("/api/staffing", {**CCH, **change})
    assert r.status_code == 422
    assert r.json()["field"] == field
    assert r.json()["message"]


def test_missing_calls_is_a_422(api_as, alice):
    r = api_as(alice).post("/api/staffing", {"aht_s": 180})
    assert r.status_code == 422
    assert r.json()["field"] == "calls"


def test_without_credentials_the_api_answers_401(client):
    r = client.post("/api/staffing", CCH, content_type="application/json")
    assert r.status_code == 401


DAY = {
    "interval_min": 30,
    "target_sl": 0.8,
    "answer_s": 20,
    "shrinkage": 0.3,
    "max_occupancy": 0.85,
    "intervals": [
        {"start": "08:00", "calls": 100, "aht_s": 180},
        {"start": "8:30", "calls": 0, "aht_s": 180},
        {"start": "09:00", "calls": 300},
    ],
    "aht_s": 200,
}


def test_a_day_is_planned_interval_by_interval(api_as, carol):
    r = api_as(carol).post("/api/staffing/day", DAY)
    assert r.status_code == 200, r.content
    body = r.json()
    rows = body["intervals"]
    assert [x["start"] for x in rows] == ["08:00", "08:30", "09:00"]
    assert (rows[0]["agents"], rows[0]["scheduled"]) == (14, 20)
    assert (rows[1]["agents"], rows[1]["scheduled"], rows[1]["service_level"]) == (0, 0, 1.0)
    assert rows[2]["aht_s"] == 200  # the request's AHT fills in
    assert rows[2]["load_erlangs"] == pytest.approx(300 / 1800 * 200)
    assert body["peak_agents"] == max(x["agents"] for x in rows)
    assert body["agent_hours"] == pytest.approx(sum(x["agents"] for x in rows) * 0.5)


def test_a_bad_interval_is_located(api_as, alice):
    bad = {**DAY, "intervals": [*DAY["intervals"], {"start": "10:00", "calls": -1, "aht_s": 180}]}
    r = api_as(alice).post("/api/staffing/day", bad)
    assert r.status_code == 422
    assert r.json()["field"] == "intervals.3.calls"


def test_a_bad_start_time_is_located(api_as, alice):
    bad = {**DAY, "intervals": [{"start": "25:00", "calls": 1, "aht_s": 180}]}
    r = api_as(alice).post("/api/staffing/day", bad)
    assert (r.status_code, r.json()["field"]) == (422, "intervals.0.start")


def test_an_interval_without_any_aht_is_refused(api_as, alice):
    bad = {**DAY, "aht_s": None, "intervals": [{"start": "08:00", "calls": 1}]}
    r = api_as(alice).post("/api/staffing/day", bad)
    assert (r.status_code, r.json()["field"]) == (422, "intervals.0.aht_s")


def test_an_empty_day_is_refused(api_as, alice):
    r = api_as(alice).post("/api/staffing/day", {**DAY, "intervals": []})
    assert (r.status_code, r.json()["field"]) == (422, "intervals")
