"""Work reports: drafted from hand-made activity, one per period, refreshed, submitted, commented."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from kehu.contact.models import Interaction
from kehu.core.errors import Conflict, InvalidInput, NotAllowed
from kehu.customers.services import followup_create
from kehu.fieldwork import services
from kehu.fieldwork.activity import draft_figures
from kehu.fieldwork.models import WorkReport
from kehu.fieldwork.tests.conftest import make_customer, recorded_visit
from kehu.sales import services as sales
from kehu.sales.tests.conftest import make_opportunity, pipelines, stage  # noqa: F401
from kehu.service.services.tickets import ticket_create, ticket_resolve


@pytest.fixture
def bobs_day(bob, erin, pipelines):  # noqa: F811
    """One of each kind of activity by bob today, and some by erin that must not show."""
    customer = make_customer(bob, "宁波甬江汽车配件有限公司")
    followup_create(customer=customer, by=bob, data={"channel": "phone", "content": "约了明天拜访",
                                                     "outcome": "同意见面"})
    visit = recorded_visit(bob, customer, outcome="同意试用")
    pipeline = pipelines["telemarketing"]
    opportunity = make_opportunity(bob, pipeline, amount="36000", customer_name="温州瓯江电器有限公司",
                                   title="客服系统升级")
    sales.opportunity_move(opportunity=opportunity, stage=stage(pipeline, "了解需求"), by=bob)
    ticket, _created = ticket_create(by=bob, data={"kind": "inquiry", "channel": "phone",
                                                   "title": "询问试用账号", "customer_id": customer.pk})
    ticket_resolve(ticket=ticket, by=bob, solution="已开通试用账号")
    now = timezone.now()
    Interaction.objects.create(agent=bob, customer=customer, direction="out", caller="13857400001",
                               offered_at=now, answered_at=now, talk_s=95, external_id="call-bob-1")
    # erin's day, which bob's report must not list
    theirs = make_customer(erin, "台州椒江塑料厂")
    recorded_visit(erin, theirs)
    Interaction.objects.create(agent=erin, offered_at=now, external_id="call-erin-1")
    return {"customer": customer, "visit": visit, "opportunity": opportunity, "ticket": ticket}


def test_daily_draft_lists_exactly_the_rep_s_activity_of_the_day(bob, bobs_day):
    report = services.report_draft(author=bob, kind="daily", day=timezone.localdate())
    f = report.figures
    assert [c["name"] for c in f["new_customers"]] == ["宁波甬江汽车配件有限公司", "温州瓯江电器有限公司"]
    assert [(x["customer"], x["channel"], x["outcome"]) for x in f["followups"]] == [
        ("宁波甬江汽车配件有限公司", "Phone", "同意见面")]
    assert [(x["id"], x["customer"], x["outcome"]) for x in f["visits"]] == [
        (bobs_day["visit"].pk, "宁波甬江汽车配件有限公司", "同意试用")]
    assert [(x["title"], x["from"], x["to"]) for x in f["stage_moves"]] == [("客服系统升级", "开场", "了解需求")]
    assert [(x["number"], x["resolved"]) for x in f["tickets"]] == [(bobs_day["ticket"].number, True)]
    assert [(x["customer"], x["talk_s"]) for x in f["calls"]] == [("宁波甬江汽车配件有限公司", 95)]
    assert f["leads_converted"] == []
    assert f["counts"] == {"new_customers": 2, "leads_converted": 0, "followups": 1, "visits": 1,
                           "stage_moves": 1, "won": 0, "won_amount": "0", "tickets": 1, "tickets_resolved": 1,
                           "calls": 1}
    assert (report.period_start, report.period_end) == (timezone.localdate(), timezone.localdate())


def test_the_next_day_and_the_day_before_list_nothing(bob, bobs_day):
    today = timezone.localdate()
    tomorrow = draft_figures(rep_id=bob.pk, start=today + dt.timedelta(days=1), end=today + dt.timedelta(days=1))
    assert all(n in (0, "0") for n in tomorrow["counts"].values())
    yesterday = services.report_draft(author=bob, kind="daily", day=today - dt.timedelta(days=1))
    assert all(yesterday.figures[k] == [] for k in ("new_customers", "followups", "visits", "stage_moves",
                                                     "tickets", "calls"))


def test_a_weekly_draft_covers_monday_to_sunday_and_counts_the_won_amount(bob, pipelines):  # noqa: F811
    pipeline = pipelines["telemarketing"]
    opportunity = make_opportunity(bob, pipeline, amount="50000")
    sales.opportunity_move(opportunity=opportunity, stage=stage(pipeline, "成交"), by=bob)
    report = services.report_draft(author=bob, kind="weekly", day=timezone.localdate())
    assert report.period_start.weekday() == 0 and report.period_end - report.period_start == dt.timedelta(days=6)
    assert report.figures["counts"]["won"] == 1
    assert Decimal(report.figures["counts"]["won_amount"]) == Decimal("50000")
    assert report.figures["stage_moves"][0]["won"] is True


def test_a_second_report_for_the_same_period_is_refused_with_the_first_one(bob):
    first = services.report_draft(author=bob, kind="daily", day=timezone.localdate())
    with pytest.raises(Conflict) as refused:
        services.report_draft(author=bob, kind="daily", day=timezone.localdate())
    assert refused.value.existing_id == first.pk
    assert "already have a report for this period" in refused.value.message
    # A weekly report of the same week is another report.
    services.report_draft(author=bob, kind="weekly", day=timezone.localdate())
    assert WorkReport.objects.filter(author=bob).count() == 2


def test_a_report_for_a_period_not_yet_started_is_refused(bob):
    with pytest.raises(InvalidInput) as refused:
        services.report_draft(author=bob, kind="daily", day=timezone.localdate() + dt.timedelta(days=1))
    assert refused.value.errors == {"date": "This period has not started yet."}


def test_refreshing_a_draft_updates_the_figures_and_keeps_the_text(bob):
    report = services.report_draft(author=bob, kind="daily", day=timezone.localdate())
    assert report.figures["counts"]["visits"] == 0
    services.report_update(report=report, by=bob, body="我写的总结")
    recorded_visit(bob, make_customer(bob))
    refreshed = services.report_refresh(report=report, by=bob)
    assert refreshed.figures["counts"]["visits"] == 1
    assert refreshed.body == "我写的总结"


def test_submitting_goes_to_the_supervisor_and_freezes_the_report(bob, carol):
    report = services.report_draft(author=bob, kind="daily", day=timezone.localdate())
    submitted = services.report_submit(report=report, by=bob)
    assert submitted.status == "submitted" and submitted.reviewer == carol and submitted.submitted_at
    with pytest.raises(Conflict, match="can no longer be changed"):
        services.report_submit(report=report, by=bob)
    with pytest.raises(Conflict, match="can no longer be changed"):
        services.report_update(report=report, by=bob, body="改一下")
    with pytest.raises(Conflict, match="can no longer be changed"):
        services.report_refresh(report=report, by=bob)


def test_submitting_someone_else_s_report_is_refused(bob, carol, erin):
    report = services.report_draft(author=bob, kind="daily", day=timezone.localdate())
    for other in (carol, erin):
        with pytest.raises(NotAllowed, match="only your own reports"):
            services.report_submit(report=report, by=other)
    assert WorkReport.objects.get(pk=report.pk).status == "draft"


def test_the_supervisor_comments_and_the_author_sees_it(bob, carol, erin):
    report = services.report_draft(author=bob, kind="daily", day=timezone.localdate())
    with pytest.raises(Conflict, match="has not been submitted"):
        services.report_comment(report=report, by=carol, body="好")
    services.report_submit(report=report, by=bob)
    with pytest.raises(NotAllowed):
        services.report_comment(report=report, by=bob, body="自己评")
    with pytest.raises(NotAllowed):
        services.report_comment(report=report, by=erin, body="同事评")
    with pytest.raises(InvalidInput):
        services.report_comment(report=report, by=carol, body="  ")
    services.report_comment(report=report, by=carol, body="明天把报价发我看看")
    report.refresh_from_db()
    assert report.status == "commented"
    assert [(c.by, c.body) for c in report.comments.all()] == [(carol, "明天把报价发我看看")]


def test_the_supervisor_is_the_superior_else_the_nearest_department_leader(org, bob, carol, dave):
    assert services.supervisor_of(bob) == carol
    assert services.supervisor_of(dave) is None
    org["sales"].leader = org["frank"]
    org["sales"].save(update_fields=["leader"])
    dave.refresh_from_db()
    assert services.supervisor_of(dave) == org["frank"]
    assert services.supervisor_of(carol) == org["frank"]


def test_a_ticket_the_rep_resolved_for_someone_else_counts_as_handled(bob, alice):
    customer = make_customer(bob)
    ticket, _created = ticket_create(by=alice, data={"kind": "inquiry", "channel": "phone", "title": "发票重开",
                                                     "customer_id": customer.pk})
    untouched, _created = ticket_create(by=alice, data={"kind": "inquiry", "channel": "phone", "title": "别人的"})
    assert ticket.assignee == alice
    ticket_resolve(ticket=ticket, by=bob, solution="已重开")
    figures = draft_figures(rep_id=bob.pk, start=timezone.localdate(), end=timezone.localdate())
    assert [(t["number"], t["resolved"]) for t in figures["tickets"]] == [(ticket.number, True)]
    assert untouched.number not in {t["number"] for t in figures["tickets"]}
