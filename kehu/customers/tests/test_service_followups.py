"""Follow-ups and the reminders they produce (services/followups.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kehu.accounts.models import User
from kehu.core.errors import InvalidInput
from kehu.core.models import AuditEntry
from kehu.customers.models import Contact, Customer, FollowUp
from kehu.customers.services import contact_create, customer_create, followup_create, reminders_for

TODAY = dt.date(2026, 6, 10)


def customer_of(user: User, name: str = "甲公司") -> Customer:
    return customer_create(by=user, data={"name": name})


def plan(customer: Customer, by: User, next_date: dt.date | None, *, hours_ago: int = 0) -> FollowUp:
    followup = followup_create(customer=customer, by=by, data={
        "channel": "phone", "content": "电话", "next_date": next_date.isoformat() if next_date else "",
    })
    if hours_ago:
        at = timezone.now() - dt.timedelta(hours=hours_ago)
        FollowUp.objects.filter(pk=followup.pk).update(at=at)
        latest = FollowUp.objects.filter(customer=customer).order_by("-at").values_list("at", flat=True).first()
        Customer.objects.filter(pk=customer.pk).update(last_followup_at=latest)
    return followup


def with_birthday(customer: Customer, by: User, born: dt.date, name: str = "王总") -> Contact:
    return contact_create(customer=customer, by=by, data={"name": name, "birthday": born.isoformat()})


def test_a_follow_up_is_logged_with_its_channel_and_next_date(bob) -> None:
    customer = customer_of(bob)
    plan(customer, bob, dt.date(2030, 1, 2))
    entry = AuditEntry.objects.get(action="followup.created")
    assert (entry.customer_id, entry.changes) == (customer.pk, {"channel": [None, "phone"], "next_date": [None, "2030-01-02"]})


def test_invalid_follow_ups_report_every_field(bob) -> None:
    with pytest.raises(InvalidInput) as raised:
        followup_create(customer=customer_of(bob), by=bob, data={"channel": "fax", "content": "", "next_date": "x"})
    assert set(raised.value.errors) == {"channel", "content", "next_date"}


def test_due_follow_ups_are_reminded_to_their_owner(bob) -> None:
    due = plan(customer_of(bob, "到期"), bob, TODAY)
    overdue = plan(customer_of(bob, "逾期"), bob, TODAY - dt.timedelta(days=3))
    plan(customer_of(bob, "未到"), bob, TODAY + dt.timedelta(days=1))
    plan(customer_of(bob, "无计划"), bob, None)
    assert reminders_for(bob, TODAY)["due"] == [overdue, due]


def test_only_the_newest_follow_up_of_a_customer_counts(bob) -> None:
    customer = customer_of(bob)
    plan(customer, bob, TODAY - dt.timedelta(days=5), hours_ago=48)
    newest = plan(customer, bob, TODAY - dt.timedelta(days=1), hours_ago=1)
    assert reminders_for(bob, TODAY)["due"] == [newest]


def test_a_newer_follow_up_without_a_plan_clears_the_reminder(bob) -> None:
    customer = customer_of(bob)
    plan(customer, bob, TODAY - dt.timedelta(days=1), hours_ago=48)
    plan(customer, bob, None, hours_ago=1)
    assert reminders_for(bob, TODAY)["due"] == []


def test_a_newer_follow_up_of_another_customer_does_not_hide_a_reminder(bob) -> None:
    first, second = customer_of(bob, "一"), customer_of(bob, "二")
    older = plan(first, bob, TODAY, hours_ago=10)
    plan(second, bob, None, hours_ago=1)
    plan(second, bob, None, hours_ago=10)  # same instant as first's follow-up, but not second's newest
    FollowUp.objects.filter(customer=second, next_date__isnull=True).order_by("at").update(at=older.at)
    Customer.objects.filter(pk=second.pk).update(last_followup_at=timezone.now() - dt.timedelta(hours=1))
    assert reminders_for(bob, TODAY)["due"] == [older]


def test_a_rep_is_not_reminded_of_colleagues_or_pool_customers(bob, erin) -> None:
    plan(customer_of(erin), erin, TODAY)
    plan(customer_create(by=bob, data={"name": "公海", "owner": None}), bob, TODAY)
    assert reminders_for(bob, TODAY)["due"] == []


def test_a_supervisor_is_reminded_of_her_teams_follow_ups(bob, erin, dave, carol) -> None:
    mine = {plan(customer_of(bob, "鲍"), bob, TODAY), plan(customer_of(erin, "艾"), erin, TODAY)}
    plan(customer_of(dave, "戴"), dave, TODAY)
    assert set(reminders_for(carol, TODAY)["due"]) == mine


def test_birthdays_in_the_next_seven_days_are_reminded_soonest_first(bob) -> None:
    customer = customer_of(bob)
    in_three = with_birthday(customer, bob, dt.date(1980, 6, 13), "三天后")
    today = with_birthday(customer, bob, dt.date(1975, 6, 10), "今天")
    with_birthday(customer, bob, dt.date(1990, 6, 18), "八天后")
    with_birthday(customer, bob, dt.date(1990, 6, 9), "昨天")
    birthdays = reminders_for(bob, TODAY)["birthdays"]
    assert [(b["contact"], b["date"], b["days"]) for b in birthdays] == [
        (today, dt.date(2026, 6, 10), 0), (in_three, dt.date(2026, 6, 13), 3),
    ]
    assert birthdays[0]["customer"] == customer


def test_birthdays_just_after_new_year_are_reminded_in_late_december(bob) -> None:
    customer = customer_of(bob)
    new_year = with_birthday(customer, bob, dt.date(1985, 1, 2), "元月")
    with_birthday(customer, bob, dt.date(1985, 12, 27), "已过")
    birthdays = reminders_for(bob, dt.date(2026, 12, 28))["birthdays"]
    assert [(b["contact"], b["date"], b["days"]) for b in birthdays] == [(new_year, dt.date(2027, 1, 2), 5)]


def test_a_29_february_birthday_is_reminded_on_1_march_in_common_years(bob) -> None:
    leapling = with_birthday(customer_of(bob), bob, dt.date(1988, 2, 29))
    birthdays = reminders_for(bob, dt.date(2027, 2, 25))["birthdays"]
    assert [(b["contact"], b["date"]) for b in birthdays] == [(leapling, dt.date(2027, 3, 1))]
    assert reminders_for(bob, dt.date(2028, 2, 25))["birthdays"][0]["date"] == dt.date(2028, 2, 29)


def test_birthdays_of_contacts_of_colleagues_customers_are_not_reminded(bob, erin) -> None:
    with_birthday(customer_of(erin), erin, dt.date(1980, 6, 12))
    assert reminders_for(bob, TODAY)["birthdays"] == []


def test_holidays_in_the_coming_week_are_reminded(bob) -> None:
    holidays = reminders_for(bob, dt.date(2026, 9, 28))["holidays"]
    assert [(h["date"], h["days"]) for h in holidays] == [(dt.date(2026, 10, 1), 3)]
    assert holidays[0]["name"]


def test_holidays_across_the_year_end_are_reminded(bob) -> None:
    holidays = reminders_for(bob, dt.date(2026, 12, 30))["holidays"]
    assert [h["date"] for h in holidays] == [dt.date(2027, 1, 1)]


def test_the_reminder_window_can_be_widened(bob) -> None:
    with_birthday(customer_of(bob), bob, dt.date(1980, 6, 30))
    assert reminders_for(bob, TODAY)["birthdays"] == []
    assert len(reminders_for(bob, TODAY, days_ahead=30)["birthdays"]) == 1
