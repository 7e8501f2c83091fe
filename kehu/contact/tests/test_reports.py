"""Interval and daily reports: bucketing at interval edges and in local time, per agent
occupancy, the Excel workbook, and bad parameters answered clearly."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from openpyxl import load_workbook

from kehu.contact.models import AgentState, Interaction, Queue
from kehu.contact.reports import build_report

SH = dt.timezone(dt.timedelta(hours=8))  # settings.TIME_ZONE is Asia/Shanghai (UTC+8, no DST)
DAY = dt.date(2026, 11, 20)
LATER = dt.datetime(2026, 11, 21, 12, 0, tzinfo=SH)  # "now" for the tests: the day is over


def local(h: int, m: int, s: int = 0, day: dt.date = DAY) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, h, m, s, tzinfo=SH)


def call(queue, offered: dt.datetime, *, wait: float, talk: float = 60, agent=None, answered: bool = True):
    n = Interaction.objects.count()
    return Interaction.objects.create(
        queue=queue, agent=agent, offered_at=offered, wait_s=wait, talk_s=talk if answered else 0,
        answered_at=offered + dt.timedelta(seconds=wait) if answered else None,
        ended_at=offered + dt.timedelta(seconds=wait + (talk if answered else 0)),
        abandoned=not answered, abandoned_after_s=None if answered else wait, external_id=f"r{n}")


@pytest.fixture
def hotline(db):
    return Queue.objects.create(code="hotline", name="热线", service_level_s=20)


@pytest.fixture(autouse=True)
def _later():
    with time_machine.travel(LATER, tick=False):
        yield


def test_calls_either_side_of_an_interval_edge_fall_in_their_own_interval(hotline):
    call(hotline, local(9, 29, 59), wait=10)
    call(hotline, local(9, 30, 0), wait=30, answered=False)
    thirty = build_report(start=DAY, end=DAY, interval=30, by="queue")
    rows = {(r.start, r.label): r.measures for r in thirty.rows}
    assert rows[(local(9, 0), "hotline 热线")].offered == 1
    assert rows[(local(9, 30), "hotline 热线")].abandoned == 1
    assert rows[(local(9, 0), "hotline 热线")].service_level == 1.0
    assert rows[(local(9, 30), "hotline 热线")].service_level == 0.0
    hourly = build_report(start=DAY, end=DAY, interval=60, by="queue")
    assert [(r.start, r.measures.offered, r.measures.service_level) for r in hourly.rows] == [(local(9, 0), 2, 0.5)]
    fifteen = build_report(start=DAY, end=DAY, interval=15, by="queue")
    assert [r.start for r in fifteen.rows] == [local(9, 15), local(9, 30)]
    # Every interval of the day is in the floor series, empty ones too: 96 of 15 minutes.
    assert len(fifteen.floor) == 96 and fifteen.floor[0].start == local(0, 0)
    assert fifteen.floor[0].measures.service_level is None


def test_days_are_local_days_of_the_server_time_zone(hotline):
    # 16:30 UTC on the 19th is 00:30 on the 20th in Shanghai; 15:59 UTC on the 20th is 23:59 there.
    call(hotline, dt.datetime(2026, 11, 19, 16, 30, tzinfo=dt.UTC), wait=5)
    call(hotline, dt.datetime(2026, 11, 20, 15, 59, tzinfo=dt.UTC), wait=5)
    call(hotline, dt.datetime(2026, 11, 20, 16, 0, tzinfo=dt.UTC), wait=5)  # 00:00 on the 21st
    daily = build_report(start=dt.date(2026, 11, 19), end=dt.date(2026, 11, 21), interval=1440, by="queue")
    assert [(r.start, r.measures.offered) for r in daily.floor] == [
        (local(0, 0, day=dt.date(2026, 11, 19)), 0), (local(0, 0), 2), (local(0, 0, day=dt.date(2026, 11, 21)), 1)]
    hourly = build_report(start=DAY, end=DAY, interval=60, by="queue")
    assert [(r.start, r.measures.offered) for r in hourly.rows] == [(local(0, 0), 1), (local(23, 0), 1)]


def test_per_agent_rows_carry_occupancy_of_the_interval(hotline, alice, erin):
    # alice is logged in 09:00-10:00 and handles 600 s in a call offered at 09:10: the 09:00
    # half hour is 600 ÷ 1,800; the 09:30 one has no work: 0 %. erin never logged in.
    AgentState.objects.create(agent=alice, state="login", at=local(9, 0))
    AgentState.objects.create(agent=alice, state="logout", at=local(10, 0))
    call(hotline, local(9, 10), wait=5, talk=600, agent=alice)
    call(hotline, local(9, 40), wait=50, talk=100, agent=erin)
    report = build_report(start=DAY, end=DAY, interval=30, by="agent")
    rows = {(r.start, r.label): r for r in report.rows}
    assert rows[(local(9, 0), "Alice")].occupancy == pytest.approx(600 / 1800)
    assert rows[(local(9, 30), "Alice")].occupancy == 0.0
    assert rows[(local(9, 30), "Erin")].occupancy is None  # no logged-in time: “—”
    totals = {r.label: r for r in report.totals}
    assert totals["Alice"].occupancy == pytest.approx(600 / 3600)
    assert totals["Erin"].measures.service_level == 0.0 and totals["Erin"].measures.asa_s == 50


def test_the_report_page_shows_table_and_chart_data(web_as, carol, hotline, english):
    call(hotline, local(9, 10), wait=5)
    page = web_as(carol).get("/contact/reports/", {"start": "2026-11-20", "end": "2026-11-20", "interval": "60"})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="report-chart"' in html and "echarts-5.6.0.min.js" in html
    assert 'id="total-offered">1<' in html and 'id="total-sl">100.0%<' in html
    assert "09:00" in html.split('id="floor-table"', 1)[1]


def test_an_empty_period_shows_dashes_not_errors(web_as, carol, hotline, english):
    html = web_as(carol).get("/contact/reports/", {"start": "2026-11-20", "end": "2026-11-20"}).content.decode()
    assert 'id="total-offered">0<' in html and 'id="total-sl">—<' in html


def test_the_excel_export_is_a_real_workbook_with_the_figures(web_as, carol, hotline, english):
    call(hotline, local(9, 10), wait=5, talk=100)
    call(hotline, local(9, 20), wait=30, answered=False)
    answer = web_as(carol).get("/contact/reports/export/", {"start": "2026-11-20", "end": "2026-11-20",
                                                            "interval": "30", "by": "queue"})
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(b"".join(answer.streaming_content)))
    assert book.sheetnames == ["By interval", "Totals", "All queues"]
    rows = list(book["By interval"].values)
    assert rows[0][:4] == ("Interval start", "Queue", "Calls offered", "Calls answered")
    assert rows[1][:7] == (dt.datetime(2026, 11, 20, 9, 0), "hotline 热线", 2, 1, 1, 0, 50.0)
    totals = list(book["Totals"].values)
    assert totals[-1][0] == "Total" and totals[-1][1] == 2
    assert len(list(book["All queues"].values)) == 1 + 48


def test_the_api_returns_the_report(api_as, frank, hotline):
    call(hotline, local(9, 10), wait=5)
    body = api_as(frank).get("/api/contact/reports", start="2026-11-20", end="2026-11-20", interval="day",
                             by="queue").json()
    assert body["interval"] == "day" and body["time_zone"] == "Asia/Shanghai"
    assert body["totals"][0]["label"] == "hotline 热线" and body["total"]["service_level"] == 1.0
    assert body["intervals"][0]["start"] == "2026-11-20T00:00:00+08:00"


@pytest.mark.parametrize(("params", "field"), [
    ({"start": "2026-13-01"}, "start"),
    ({"start": "2026-11-20", "end": "2026-11-19"}, "end"),
    ({"start": "2026-11-20", "interval": "7"}, "interval"),
    ({"start": "2026-11-20", "by": "team"}, "by"),
    ({"start": "2026-01-01", "end": "2026-11-20", "interval": "30"}, "end"),
])
def test_bad_parameters_are_refused_with_the_field(api_as, carol, params, field, english):
    answer = api_as(carol).get("/api/contact/reports", **params)
    assert answer.status_code == 422
    assert answer.json()["field"] == field and answer.json()["message"]


def test_bad_parameters_on_the_page_are_shown_as_form_errors(web_as, carol, english):
    answer = web_as(carol).get("/contact/reports/", {"start": "2026-11-20", "end": "2026-11-01"})
    assert answer.status_code == 422
    assert "The end date is before the start date." in answer.content.decode()


def test_the_page_and_export_per_agent_by_day(web_as, carol, hotline, alice, english):
    AgentState.objects.create(agent=alice, state="login", at=local(9, 0))
    AgentState.objects.create(agent=alice, state="logout", at=local(11, 0))
    call(hotline, local(9, 10), wait=5, talk=720, agent=alice)
    params = {"start": "2026-11-20", "end": "2026-11-20", "interval": "day", "by": "agent"}
    html = web_as(carol).get("/contact/reports/", params).content.decode()
    totals = html.split('id="totals-table"', 1)[1]
    assert "Alice" in totals and "10.0%" in totals  # 720 s of 7,200 s logged in
    answer = web_as(carol).get("/contact/reports/export/", params)
    book = load_workbook(io.BytesIO(b"".join(answer.streaming_content)))
    header, row = list(book["By interval"].values)[:2]
    assert header[:2] == ("Day", "Agent") and row[:3] == (dt.datetime(2026, 11, 20), "Alice", 1)
    assert row[-1] == 10.0  # occupancy (%)
