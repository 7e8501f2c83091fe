"""QA reports per agent, team and item over weeks, by hand-computed values, and the Excel export."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from kehu.quality.reports import build_report, week_range
from kehu.quality.services import evaluation_create, evaluation_score
from kehu.quality.tests.conftest import MONDAY, WEEK, full_marks, make_call


def _scored(form, agent, by, at, **points):
    evaluation = evaluation_create(by=by, interaction=make_call(agent, at=at))
    return evaluation_score(evaluation=evaluation, by=by, items=full_marks(form, **points), submit=True)


@pytest.fixture
def history(form, amy, ben, carol, alice, frank) -> None:
    next_week = MONDAY + dt.timedelta(days=7)
    _scored(form, amy, carol, MONDAY, 倾听=5)            # 90
    _scored(form, amy, carol, MONDAY, 合规=False)        # 0, fatal
    _scored(form, amy, carol, next_week)                 # 100
    _scored(form, ben, carol, MONDAY, 信息准确=10)       # 90
    _scored(form, alice, frank, next_week, 解决方案=0)   # 80
    evaluation_create(by=carol, interaction=make_call(ben, at=MONDAY))  # a draft: not counted


def test_by_agent_over_weeks(history, frank) -> None:
    report = build_report(frank, group="agent", weeks=["2026-W47", "2026-W48"])
    rows = {r.label: r for r in report.rows}
    amy = rows["Amy"]
    assert (amy.weeks["2026-W47"].count, amy.weeks["2026-W47"].average, amy.weeks["2026-W47"].fatal_rate) == \
        (2, 45.0, 50.0)
    assert (amy.total.count, amy.total.average, amy.total.fatal_rate) == (3, 63.33, 33.3)
    assert (rows["Ben"].total.count, rows["Ben"].total.average) == (1, 90.0)
    assert (rows["Alice"].total.average, report.total.count, report.total.average) == (80.0, 5, 72.0)
    assert [r.label for r in report.rows] == ["Ben", "Alice", "Amy"]  # best average first


def test_by_team_and_by_item(history, frank) -> None:
    teams = {r.label: r.total for r in build_report(frank, group="team", weeks=[WEEK, "2026-W48"]).rows}
    assert (teams["华东组"].count, teams["华东组"].average) == (4, 70.0)
    assert (teams["客服中心"].count, teams["客服中心"].average) == (1, 80.0)
    items = {r.label: r.total for r in build_report(frank, group="item", weeks=[WEEK]).rows}
    # 倾听 in W47: 5/15, 15/15, 15/15 → 77.78 %; 合规 passed 2 of 3.
    assert (items["沟通技巧 · 倾听"].count, items["沟通技巧 · 倾听"].average) == (3, 77.78)
    assert (items["合规红线 · 合规"].average, items["合规红线 · 合规"].fatal_rate) == (66.67, 33.3)


def test_report_page_chart_and_excel(history, frank, english_web) -> None:
    web = english_web(frank)
    page = web.get("/quality/reports/", {"group": "team", "start": WEEK, "end": "2026-W48"})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="quality-chart"' in html and "华东组" in html and "echarts" in html
    response = web.get("/quality/reports/export/", {"group": "agent", "start": WEEK, "end": "2026-W48"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    overall = [tuple(r) for r in book["Overall"].iter_rows(values_only=True)]
    assert overall[0] == ("Agent", "Evaluations", "Average score (%)", "Fatal rate (%)")
    assert ("Amy", 3, 63.33, 33.3) in overall and overall[-1] == ("Total", 5, 72.0, 20.0)
    weekly = [tuple(r) for r in book["By week"].iter_rows(values_only=True)]
    assert ("Amy", "2026-W47", 2, 45.0, 50.0) in weekly


@pytest.mark.parametrize("start, end", [("2026-W50", "2026-W47"), ("bad", "2026-W47"), ("2026-W47", "2026-W99")])
def test_bad_weeks_are_a_message_not_an_error(frank, english_web, start, end) -> None:
    response = english_web(frank).get("/quality/reports/", {"start": start, "end": end})
    assert response.status_code == 400 and 'role="alert"' in response.content.decode()
    response = english_web(frank).get("/quality/reports/export/", {"start": start, "end": end})
    assert response.status_code == 302


def test_week_range_crosses_the_year_and_is_capped() -> None:
    assert week_range("2026-W52", "2027-W02") == ["2026-W52", "2026-W53", "2027-W01", "2027-W02"]
    assert len(week_range("2020-W01", "2026-W01")) == 53


def test_reports_page_query_count_does_not_grow_with_rows(history, frank, english_web, django_assert_max_num_queries):
    web = english_web(frank)
    with django_assert_max_num_queries(12):
        web.get("/quality/reports/", {"start": WEEK, "end": "2026-W48"})
