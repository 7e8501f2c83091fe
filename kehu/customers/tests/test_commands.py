"""The scheduled and admin commands: kehu token create, pool sweep, trash purge, sweep."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from kehu.accounts.models import User
from kehu.customers.models import Customer
from kehu.customers.services import customer_create


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def neglected(bob: User, name: str = "久未跟进", days: int = 45) -> Customer:
    customer = customer_create(by=bob, data={"name": name})
    long_ago = timezone.now() - dt.timedelta(days=days)
    Customer.objects.filter(pk=customer.pk).update(created_at=long_ago, claimed_at=long_ago)
    return customer


def trashed(bob: User, name: str = "已删除", days: int = 45) -> Customer:
    customer = customer_create(by=bob, data={"name": name})
    Customer.objects.filter(pk=customer.pk).update(deleted_at=timezone.now() - dt.timedelta(days=days), deleted_by=bob)
    return customer


def test_token_create_prints_the_token_alone_on_its_last_line(bob: User) -> None:
    token = run("token", "create", "bob").rstrip("\n").splitlines()[-1]
    assert token == token.strip() and " " not in token
    response = Client(HTTP_AUTHORIZATION=f"Bearer {token}").get("/api/customers")
    assert response.status_code == 200


def test_a_token_from_the_command_acts_as_its_user(bob: User) -> None:
    token = run("token", "create", "bob").splitlines()[-1]
    created = Client(HTTP_AUTHORIZATION=f"Bearer {token}").post(
        "/api/customers", {"name": "命令行客户", "kind": "company"}, content_type="application/json")
    assert created.status_code == 201
    assert created.json()["owner"]["username"] == "bob"


def test_token_create_for_an_unknown_user_fails_with_a_message(org) -> None:
    with pytest.raises(CommandError, match="nobody"):
        run("token", "create", "nobody")


def test_token_create_for_a_deactivated_user_fails(bob: User) -> None:
    User.objects.filter(pk=bob.pk).update(is_active=False)
    with pytest.raises(CommandError, match="not active"):
        run("token", "create", "bob")


def test_pool_sweep_returns_neglected_customers_and_says_how_many(bob: User) -> None:
    customer = neglected(bob)
    customer_create(by=bob, data={"name": "新客户"})
    assert "1" in run("pool", "sweep")
    customer.refresh_from_db()
    assert customer.owner is None


def test_pool_sweep_twice_returns_nothing_the_second_time(bob: User) -> None:
    neglected(bob)
    run("pool", "sweep")
    assert run("pool", "sweep").startswith("0 ")


def test_trash_purge_deletes_only_what_is_past_retention(bob: User) -> None:
    old, recent = trashed(bob, "旧的", days=45), trashed(bob, "新的", days=3)
    assert run("trash", "purge").startswith("1 ")
    assert not Customer.objects.filter(pk=old.pk).exists()
    assert Customer.objects.filter(pk=recent.pk).exists()


# `kehu sweep` closes stale connections first, which would end a test's wrapping
# transaction: these run with real commits instead.
@pytest.mark.django_db(transaction=True)
def test_sweep_runs_both_jobs_once(bob: User, settings) -> None:
    settings.KEHU_INSIGHTS_HOUR = 24  # the nightly insights refresh is tested in kehu/insights
    neglected(bob)
    trashed(bob)
    first, again = run("sweep").splitlines(), run("sweep").splitlines()
    assert first[0].startswith("SLA: warned 0;")
    assert first[1] == "open calls closed by timeout: 0"
    assert first[2] == "pool: 1 returned; recycle bin: 1 purged; survey invitations: 0; planner statistics refreshed"
    assert again[2] == "pool: 0 returned; recycle bin: 0 purged; survey invitations: 0; planner statistics refreshed"


@pytest.mark.django_db(transaction=True)
def test_sweep_with_nothing_to_do_reports_zeros(org, settings) -> None:
    settings.KEHU_INSIGHTS_HOUR = 24  # the nightly insights refresh is tested in kehu/insights
    assert run("sweep").splitlines() == [
        "SLA: warned 0; first response breached 0; resolution breached 0; escalated to manager 0; "
        "overdue work orders 0",
        "open calls closed by timeout: 0",
        "pool: 0 returned; recycle bin: 0 purged; survey invitations: 0; planner statistics refreshed",
    ]
