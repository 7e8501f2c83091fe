"""Visits: plan with route order, appointment, check in, record (next visit), cancel, and refusals."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kehu.core.errors import Conflict, InvalidInput, NotAllowed
from kehu.core.models import AuditEntry
from kehu.customers.services import contact_create
from kehu.fieldwork import services
from kehu.fieldwork.models import Visit
from kehu.fieldwork.tests.conftest import make_customer, plan, recorded_visit

TODAY = timezone.localdate


def test_visits_of_a_day_get_route_order_and_move_up_and_down(bob):
    a, b, c = (plan(bob, make_customer(bob, name)) for name in ("甲公司", "乙公司", "丙公司"))
    assert [v.route_order for v in (a, b, c)] == [1, 2, 3]
    services.visit_move(visit=c, by=bob, direction="up")
    day = Visit.objects.filter(rep=bob, planned_date=TODAY()).order_by("route_order")
    assert [v.customer.name for v in day] == ["甲公司", "丙公司", "乙公司"]
    services.visit_move(visit=a, by=bob, direction="up")  # already first: stays
    services.visit_move(visit=a, by=bob, direction="down")
    assert [v.customer.name for v in day.all()] == ["丙公司", "甲公司", "乙公司"]
    with pytest.raises(InvalidInput):
        services.visit_move(visit=a, by=bob, direction="sideways")


def test_a_visit_cannot_be_planned_in_the_past_or_without_purpose(bob):
    customer = make_customer(bob)
    with pytest.raises(InvalidInput) as refused:
        services.visit_plan(by=bob, customer=customer, data={"purpose": "", "planned_date": TODAY() - dt.timedelta(days=1)})
    assert set(refused.value.errors) == {"purpose", "planned_date"}
    assert refused.value.errors["planned_date"] == "A visit cannot be planned for a day that has passed."
    with pytest.raises(InvalidInput) as refused:
        services.visit_plan(by=bob, customer=customer, data={"purpose": "拜访", "planned_date": "明天"})
    assert "is not a date" in refused.value.errors["planned_date"]


def test_contact_and_opportunity_must_belong_to_the_customer(bob):
    customer, other = make_customer(bob), make_customer(bob, "另一家公司")
    stranger = contact_create(customer=other, by=bob, data={"name": "王五", "mobile": "13900000009"})
    with pytest.raises(InvalidInput) as refused:
        plan(bob, customer, contact=stranger.pk, opportunity=999)
    assert set(refused.value.errors) == {"contact", "opportunity"}
    mine = contact_create(customer=customer, by=bob, data={"name": "陈立", "mobile": "13900000001"})
    assert plan(bob, customer, contact=mine.pk).contact == mine


def test_a_rep_plans_only_for_themselves_a_supervisor_for_the_team(bob, erin, carol, dave, frank):
    customer = make_customer(bob)
    with pytest.raises(NotAllowed):
        plan(bob, customer, rep=erin)
    assert plan(carol, customer, rep=bob).rep == bob
    with pytest.raises(NotAllowed):
        plan(carol, customer, rep=dave)
    assert plan(frank, customer, rep=dave).rep == dave


def test_checking_in_twice_is_refused_with_the_time(bob):
    visit = plan(bob, make_customer(bob))
    checked = services.visit_check_in(visit=visit, by=bob, location="文三路 90 号")
    assert checked.status == "checked_in" and checked.location == "文三路 90 号"
    with pytest.raises(Conflict, match="Already checked in at"):
        services.visit_check_in(visit=visit, by=bob)


def test_only_the_rep_checks_in_and_records(bob, carol):
    visit = plan(bob, make_customer(bob))
    with pytest.raises(NotAllowed):
        services.visit_check_in(visit=visit, by=carol)
    services.visit_check_in(visit=visit, by=bob)
    with pytest.raises(NotAllowed):
        services.visit_record(visit=visit, by=carol, data={"outcome": "好"})


def test_recording_needs_a_check_in_and_an_outcome(bob):
    visit = plan(bob, make_customer(bob))
    with pytest.raises(Conflict, match="Check in at the customer before recording"):
        services.visit_record(visit=visit, by=bob, data={"outcome": "好"})
    services.visit_check_in(visit=visit, by=bob)
    with pytest.raises(InvalidInput) as refused:
        services.visit_record(visit=visit, by=bob, data={"outcome": ""})
    assert refused.value.errors == {"outcome": "Write the outcome of the visit."}


def test_a_next_visit_date_in_the_past_is_refused(bob):
    visit = plan(bob, make_customer(bob))
    services.visit_check_in(visit=visit, by=bob)
    with pytest.raises(InvalidInput) as refused:
        services.visit_record(visit=visit, by=bob, data={"outcome": "好", "next_visit_date": TODAY() - dt.timedelta(days=2)})
    assert refused.value.errors == {"next_visit_date": "The next visit cannot be on a day that has passed."}
    assert Visit.objects.get(pk=visit.pk).status == "checked_in"


def test_a_next_visit_date_plans_the_next_visit(bob):
    customer = make_customer(bob)
    later = TODAY() + dt.timedelta(days=3)
    visit = recorded_visit(bob, customer, met_whom="陈立", needs="派单", objections="价格高",
                           next_visit_date=later, next_visit_content="带报价单")
    assert visit.status == "recorded" and visit.recorded_at and visit.needs == "派单"
    following = visit.next_visit
    assert (following.customer, following.rep, following.planned_date, following.purpose, following.status) == (
        customer, bob, later, "带报价单", "planned")
    assert list(AuditEntry.objects.filter(object_type="visit", object_id=visit.pk).order_by("id")
                .values_list("action", flat=True)) \
        == ["visit.planned", "visit.checked_in", "visit.recorded"]


def test_recording_a_cancelled_or_recorded_visit_is_refused(bob):
    visit = plan(bob, make_customer(bob))
    services.visit_cancel(visit=visit, by=bob, reason="客户出差")
    with pytest.raises(Conflict, match="This visit was cancelled."):
        services.visit_record(visit=visit, by=bob, data={"outcome": "好"})
    with pytest.raises(Conflict, match="This visit was cancelled."):
        services.visit_check_in(visit=visit, by=bob)
    done = recorded_visit(bob, make_customer(bob, "乙公司"))
    with pytest.raises(Conflict, match="already been recorded"):
        services.visit_record(visit=done, by=bob, data={"outcome": "再记一次"})
    with pytest.raises(Conflict, match="already been recorded"):
        services.visit_cancel(visit=done, by=bob)


def test_a_rescheduled_appointment_moves_the_visit_to_the_end_of_that_day(bob):
    later = TODAY() + dt.timedelta(days=2)
    plan(bob, make_customer(bob, "甲公司"), day=later)
    visit = plan(bob, make_customer(bob, "乙公司"))
    moved = services.visit_set_appointment(visit=visit, by=bob, appointment="rescheduled", planned_date=later)
    assert (moved.appointment, moved.planned_date, moved.route_order) == ("rescheduled", later, 2)
    with pytest.raises(InvalidInput):
        services.visit_set_appointment(visit=visit, by=bob, appointment="maybe")
