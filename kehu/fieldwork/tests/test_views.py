"""Console pages: the day plan and its route, the week, visit forms, reports and targets."""

from __future__ import annotations

import datetime as dt
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kehu.fieldwork import services
from kehu.fieldwork.models import Target, Visit, WorkReport
from kehu.fieldwork.tests.conftest import make_customer, plan, recorded_visit

TODAY = timezone.localdate


def _text(response) -> str:
    return response.content.decode()


def _route(response) -> list[str]:
    return re.findall(r'<tr id="visit-(\d+)"', _text(response))


def test_the_day_plan_lists_visits_in_route_order_and_moves_them(bob, web_as):
    a, b = plan(bob, make_customer(bob, "甲公司")), plan(bob, make_customer(bob, "乙公司"))
    client = web_as(bob)
    assert _route(client.get("/fieldwork/visits/")) == [str(a.pk), str(b.pk)]
    response = client.post(f"/fieldwork/visits/{b.pk}/move/", {"direction": "up"})
    assert response.status_code == 302
    assert _route(client.get(response["Location"])) == [str(b.pk), str(a.pk)]


def test_the_day_plan_costs_the_same_queries_for_more_visits(bob, web_as):
    client = web_as(bob)
    plan(bob, make_customer(bob, "甲公司"))
    with CaptureQueriesContext(connection) as few:
        client.get("/fieldwork/visits/")
    for name in ("乙公司", "丙公司", "丁公司", "戊公司"):
        plan(bob, make_customer(bob, name))
    with CaptureQueriesContext(connection) as more:
        response = client.get("/fieldwork/visits/")
    assert len(_route(response)) == 5
    assert len(more) == len(few)


def test_the_week_has_seven_days_with_their_visits_and_paging(bob, web_as):
    later = TODAY() + dt.timedelta(days=1)
    plan(bob, make_customer(bob, "甲公司"), day=later)
    response = web_as(bob).get(f"/fieldwork/visits/week/?week={later.isoformat()}")
    text = _text(response)
    assert text.count('class="wday') == 7
    assert re.search(rf'data-date="{later.isoformat()}"[^>]*>.*?甲公司', text, re.S)
    start = later - dt.timedelta(days=later.weekday())
    assert f"?week={(start - dt.timedelta(days=7)).isoformat()}" in text
    assert f"?week={(start + dt.timedelta(days=7)).isoformat()}" in text


def test_a_supervisor_picks_a_rep_of_the_team_only(bob, dave, carol, web_as):
    plan(bob, make_customer(bob, "鲍勃的客户"))
    plan(dave, make_customer(dave, "戴夫的客户"))
    client = web_as(carol)
    assert "鲍勃的客户" in _text(client.get(f"/fieldwork/visits/week/?rep={bob.pk}"))
    page = _text(client.get(f"/fieldwork/visits/week/?rep={dave.pk}"))
    assert "戴夫的客户" not in page and f'<option value="{dave.pk}"' not in page


def test_planning_from_a_customer_and_bad_dates_show_on_the_form(bob, web_as):
    customer = make_customer(bob)
    client = web_as(bob)
    page = _text(client.get(f"/fieldwork/visits/new/?customer={customer.pk}"))
    assert f'<option value="{customer.pk}" selected>' in page
    response = client.post(f"/fieldwork/visits/new/?customer={customer.pk}", {
        "customer": customer.pk, "rep": bob.pk, "purpose": "拜访", "planned_date": "2020-01-01",
        "appointment": "not_called"})
    assert response.status_code == 200
    assert "A visit cannot be planned for a day that has passed." in _text(response)
    response = client.post(f"/fieldwork/visits/new/?customer={customer.pk}", {
        "customer": customer.pk, "rep": bob.pk, "purpose": "拜访", "planned_date": TODAY().isoformat(),
        "appointment": "confirmed"})
    visit = Visit.objects.get()
    assert response["Location"] == f"/fieldwork/visits/{visit.pk}/" and visit.appointment == "confirmed"


def test_check_in_twice_and_a_past_next_visit_are_messages_not_errors(bob, web_as):
    visit = plan(bob, make_customer(bob))
    client = web_as(bob)
    client.post(f"/fieldwork/visits/{visit.pk}/check-in/", {"location": "文三路"})
    response = client.post(f"/fieldwork/visits/{visit.pk}/check-in/", {}, follow=True)
    assert "Already checked in at" in _text(response)
    response = client.post(f"/fieldwork/visits/{visit.pk}/record/", {"outcome": "好", "next_visit_date": "2020-01-01"})
    assert response.status_code == 200
    assert "The next visit cannot be on a day that has passed." in _text(response)
    assert Visit.objects.get(pk=visit.pk).status == "checked_in"


def test_a_second_report_of_the_day_is_refused_with_a_link_to_the_first(bob, web_as):
    client = web_as(bob)
    data = {"kind": "daily", "date": TODAY().isoformat()}
    first = client.post("/fieldwork/reports/new/", data)
    report = WorkReport.objects.get()
    assert first["Location"] == f"/fieldwork/reports/{report.pk}/"
    response = client.post("/fieldwork/reports/new/", data)
    assert response.status_code == 200
    assert "You already have a report for this period" in _text(response)
    assert f'href="/fieldwork/reports/{report.pk}/" id="existing-report"' in _text(response)


def test_the_supervisor_sees_the_queue_comments_and_the_rep_reads_it(bob, carol, web_as):
    recorded_visit(bob, make_customer(bob, "甲公司"))
    rep = web_as(bob)
    rep.post("/fieldwork/reports/new/", {"kind": "daily", "date": TODAY().isoformat()})
    report = WorkReport.objects.get()
    rep.post(f"/fieldwork/reports/{report.pk}/edit/", {"body": "今天拜访了甲公司", "then": "submit"})
    supervisor = web_as(carol)
    assert f'id="queue-{report.pk}"' in _text(supervisor.get("/fieldwork/reports/"))
    page = _text(supervisor.get(f"/fieldwork/reports/{report.pk}/"))
    assert "今天拜访了甲公司" in page and 'id="comment-form"' in page and "甲公司" in page
    supervisor.post(f"/fieldwork/reports/{report.pk}/comment/", {"body": "明天把报价发我"})
    assert f'id="queue-{report.pk}"' not in _text(supervisor.get("/fieldwork/reports/"))
    page = _text(rep.get(f"/fieldwork/reports/{report.pk}/"))
    assert "明天把报价发我" in page and "Commented" in page and 'id="comment-form"' not in page


def test_refresh_on_the_page_keeps_the_text(bob, web_as):
    client = web_as(bob)
    client.post("/fieldwork/reports/new/", {"kind": "daily", "date": TODAY().isoformat()})
    report = WorkReport.objects.get()
    client.post(f"/fieldwork/reports/{report.pk}/edit/", {"body": "我的文字", "then": "save"})
    recorded_visit(bob, make_customer(bob, "甲公司"))
    page = _text(client.post(f"/fieldwork/reports/{report.pk}/refresh/", follow=True))
    assert "Figures refreshed; your text was kept." in page and "我的文字" in page and "甲公司" in page


def test_targets_page_shows_bars_and_only_supervisors_set_targets(bob, carol, web_as):
    services.target_set(by=carol, rep=bob, data={"period": "month", "visits": 4})
    recorded_visit(bob, make_customer(bob))
    rep = web_as(bob)
    page = _text(rep.get("/fieldwork/targets/"))
    assert 'style="width: 25%"' in page and "1 / 4" in page and 'id="target-form"' not in page
    response = rep.post("/fieldwork/targets/", {"rep": bob.pk, "period": "month", "date": TODAY().isoformat(),
                                                "new_customers": 0, "visits": 1, "won_amount": 0}, follow=True)
    assert "Only the rep&#x27;s supervisor or a manager can set targets." in _text(response)
    assert Target.objects.get().visits == 4
    supervisor = web_as(carol)
    response = supervisor.post("/fieldwork/targets/", {
        "rep": bob.pk, "period": "month", "date": TODAY().isoformat(), "new_customers": -2, "visits": 1,
        "won_amount": 0})
    assert response.status_code == 200 and "A target cannot be negative." in _text(response)
    response = supervisor.post("/fieldwork/targets/", {
        "rep": bob.pk, "period": "month", "date": TODAY().isoformat(), "new_customers": 2, "visits": 2,
        "won_amount": "5000"})
    assert response.status_code == 302
    assert Target.objects.get().visits == 2
    assert 'style="width: 50%"' in _text(supervisor.get(response["Location"]))


def test_the_targets_page_costs_the_same_queries_for_more_reps(org, bob, erin, carol, web_as):
    from conftest import make_user

    client = web_as(carol)
    services.target_set(by=carol, rep=bob, data={"visits": 2})
    with CaptureQueriesContext(connection) as few:
        client.get("/fieldwork/targets/")
    for i in range(4):
        rep = make_user(f"rep{i}", "account_manager", org["east"], superior=carol)
        services.target_set(by=carol, rep=rep, data={"visits": 2})
        recorded_visit(rep, make_customer(rep, f"客户{i}"))
    with CaptureQueriesContext(connection) as more:
        page = _text(client.get("/fieldwork/targets/"))
    assert page.count('<tr id="target-') == 5
    assert len(more) == len(few)


def test_the_reports_list_costs_the_same_queries_for_more_reports(org, bob, carol, web_as):
    from conftest import make_user

    client = web_as(carol)
    report = services.report_draft(author=bob, kind="daily", day=TODAY())
    services.report_submit(report=report, by=bob)
    with CaptureQueriesContext(connection) as few:
        client.get("/fieldwork/reports/")
    for i in range(4):
        rep = make_user(f"rep{i}", "account_manager", org["east"], superior=carol)
        services.report_submit(report=services.report_draft(author=rep, kind="daily", day=TODAY()), by=rep)
    with CaptureQueriesContext(connection) as more:
        page = _text(client.get("/fieldwork/reports/"))
    assert page.count('<tr id="queue-') == 5
    assert len(more) == len(few)
