"""The fieldwork API: visits, reports, targets, and every refusal as JSON, never a 500."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from kehu.fieldwork.models import Visit, WorkReport
from kehu.fieldwork.tests.conftest import make_customer, plan

TODAY = timezone.localdate


def test_a_visit_is_planned_checked_in_and_recorded(bob, api_as):
    customer = make_customer(bob)
    api = api_as(bob)
    response = api.post("/api/fieldwork/visits", {"customer": customer.pk, "purpose": "演示",
                                                  "planned_date": TODAY().isoformat(), "appointment": "confirmed"})
    assert response.status_code == 201, response.content
    visit = response.json()
    assert (visit["status"], visit["route_order"], visit["rep"]["username"]) == ("planned", 1, "bob")
    response = api.post(f"/api/fieldwork/visits/{visit['id']}/check-in", {"location": "文三路"})
    assert response.json()["status"] == "checked_in"
    again = api.post(f"/api/fieldwork/visits/{visit['id']}/check-in", {})
    assert again.status_code == 409 and again.json()["message"].startswith("Already checked in at")
    later = (TODAY() + dt.timedelta(days=7)).isoformat()
    response = api.post(f"/api/fieldwork/visits/{visit['id']}/record",
                        {"outcome": "同意试用", "next_visit_date": later, "next_visit_content": "签合同"})
    assert response.status_code == 200
    assert response.json()["next_visit_id"] == Visit.objects.get(planned_date=later).pk
    listed = api.get("/api/fieldwork/visits", start=TODAY().isoformat(), end=later).json()
    assert [(v["status"], v["planned_date"]) for v in listed] == [("recorded", TODAY().isoformat()),
                                                                  ("planned", later)]


def test_bad_visit_input_answers_422_or_409_with_the_field(bob, erin, api_as):
    customer = make_customer(bob)
    api = api_as(bob)
    response = api.post("/api/fieldwork/visits", {"customer": customer.pk, "purpose": "x", "planned_date": "2020-01-01"})
    assert response.status_code == 422 and response.json()["field"] == "planned_date"
    response = api.post("/api/fieldwork/visits", {"customer": 2**70, "purpose": "x"})
    assert response.status_code == 422
    theirs = make_customer(erin, "台州椒江塑料厂")
    response = api.post("/api/fieldwork/visits", {"customer": theirs.pk, "purpose": "x",
                                                  "planned_date": TODAY().isoformat()})
    assert response.status_code == 422 and response.json()["field"] == "customer"
    visit = plan(bob, customer)
    response = api.post(f"/api/fieldwork/visits/{visit.pk}/record", {"outcome": "好"})
    assert response.status_code == 409 and "Check in" in response.json()["message"]
    api.post(f"/api/fieldwork/visits/{visit.pk}/check-in", {})
    response = api.post(f"/api/fieldwork/visits/{visit.pk}/record", {"outcome": "好", "next_visit_date": "2020-01-01"})
    assert response.status_code == 422
    assert response.json()["field"] == "next_visit_date"
    assert "passed" in response.json()["errors"]["next_visit_date"]
    api.post(f"/api/fieldwork/visits/{visit.pk}/cancel", {"body": "客户取消"})
    response = api.post(f"/api/fieldwork/visits/{visit.pk}/record", {"outcome": "好"})
    assert response.status_code == 409 and response.json()["message"] == "This visit was cancelled."
    assert api.post("/api/fieldwork/visits/99999999/check-in", {}).status_code == 404


def test_reports_are_drafted_submitted_and_commented(bob, carol, api_as):
    plan(bob, make_customer(bob))
    api = api_as(bob)
    response = api.post("/api/fieldwork/reports", {"kind": "daily", "body": "今天的总结"})
    assert response.status_code == 201
    report = response.json()
    assert report["body"] == "今天的总结" and report["figures"]["counts"]["new_customers"] == 1
    again = api.post("/api/fieldwork/reports", {"kind": "daily", "date": TODAY().isoformat()})
    assert again.status_code == 409 and again.json()["existing_id"] == report["id"]
    response = api_as(carol).post(f"/api/fieldwork/reports/{report['id']}/submit")
    assert response.status_code == 403 and response.json()["message"] == "You can submit only your own reports."
    response = api.post(f"/api/fieldwork/reports/{report['id']}/submit")
    assert response.json()["status"] == "submitted" and response.json()["reviewer"]["username"] == "carol"
    response = api_as(carol).post(f"/api/fieldwork/reports/{report['id']}/comment", {"body": "不错"})
    assert response.status_code == 201 and response.json()["status"] == "commented"
    mine = api.get(f"/api/fieldwork/reports/{report['id']}").json()
    assert [(c["by"], c["body"]) for c in mine["comments"]] == [("Carol", "不错")]
    assert [r["id"] for r in api_as(carol).get("/api/fieldwork/reports", status="commented").json()] == [report["id"]]


def test_bad_report_input_is_refused_clearly(bob, dave, api_as):
    api = api_as(bob)
    response = api.post("/api/fieldwork/reports", {"kind": "monthly"})
    assert response.status_code == 422 and response.json()["field"] == "kind"
    response = api.post("/api/fieldwork/reports", {"kind": "daily", "date": "明天"})
    assert response.status_code == 422 and response.json()["field"] == "date"
    report = api.post("/api/fieldwork/reports", {"kind": "daily"}).json()
    # dave cannot even see bob's report
    assert api_as(dave).post(f"/api/fieldwork/reports/{report['id']}/submit").status_code == 404
    assert WorkReport.objects.get(pk=report["id"]).status == "draft"


def test_targets_are_set_by_supervisors_and_read_with_attainment(bob, carol, api_as):
    response = api_as(carol).post("/api/fieldwork/targets", {"rep": bob.pk, "period": "week", "visits": 2})
    assert response.status_code == 200, response.content
    visit = plan(bob, make_customer(bob))
    api = api_as(bob)
    api.post(f"/api/fieldwork/visits/{visit.pk}/check-in", {})
    api.post(f"/api/fieldwork/visits/{visit.pk}/record", {"outcome": "好"})
    [row] = api.get("/api/fieldwork/targets").json()
    assert (float(row["visits"]["target"]), float(row["visits"]["attained"]), row["visits"]["percent"]) == (2, 1, 50)
    assert row["new_customers"]["percent"] is None
    response = api.post("/api/fieldwork/targets", {"rep": bob.pk, "visits": 99})
    assert response.status_code == 403
    response = api_as(carol).post("/api/fieldwork/targets", {"rep": bob.pk, "visits": -3})
    assert response.status_code == 422 and response.json()["field"] == "visits"
    assert response.json()["errors"]["visits"] == "A target cannot be negative."
    response = api_as(carol).post("/api/fieldwork/targets", {"rep": 2**70})
    assert response.status_code == 422 and response.json()["field"] == "rep"
