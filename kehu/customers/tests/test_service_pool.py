"""The customer pool (公海): claiming, releasing, hold limits and the sweep."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kehu.accounts.models import User
from kehu.core.errors import Conflict, NotAllowed
from kehu.core.models import AuditEntry
from kehu.customers.models import Customer
from kehu.customers.services import (
    customer_claim,
    customer_create,
    customer_delete,
    customer_release,
    followup_create,
    pool_sweep,
)


def pooled(by: User, name: str = "公海客户") -> Customer:
    return customer_create(by=by, data={"name": name, "owner": None})


def owned(by: User, name: str, *, idle_days: int, followed_days_ago: int | None = None) -> Customer:
    """A customer of `by`, owned for `idle_days`, last followed up `followed_days_ago`."""
    customer = customer_create(by=by, data={"name": name})
    now = timezone.now()
    Customer.objects.filter(pk=customer.pk).update(
        created_at=now - dt.timedelta(days=idle_days), claimed_at=now - dt.timedelta(days=idle_days),
        last_followup_at=None if followed_days_ago is None else now - dt.timedelta(days=followed_days_ago),
    )
    return Customer.objects.get(pk=customer.pk)


# Claim and release --------------------------------------------------------------------

def test_claiming_sets_owner_team_and_time_and_is_logged(bob) -> None:
    customer = customer_claim(customer=pooled(bob), by=bob)
    assert (customer.owner, customer.team, customer.version) == (bob, bob.department, 2)
    assert customer.claimed_at is not None
    entry = AuditEntry.objects.get(action="customer.claimed")
    assert (entry.actor, entry.changes) == (bob, {"owner": [None, "Bob"]})


def test_claiming_what_someone_else_owns_is_refused(bob, erin) -> None:
    customer = customer_claim(customer=pooled(bob), by=bob)
    with pytest.raises(Conflict):
        customer_claim(customer=customer, by=erin)
    assert Customer.objects.get(pk=customer.pk).owner == bob


def test_claiming_a_stale_copy_of_a_customer_someone_just_took_is_refused(bob, erin) -> None:
    customer = pooled(bob)
    stale = Customer.objects.get(pk=customer.pk)
    customer_claim(customer=customer, by=bob)
    with pytest.raises(Conflict):
        customer_claim(customer=stale, by=erin)


def test_a_deleted_customer_cannot_be_claimed(bob, erin) -> None:
    customer = pooled(bob)
    customer_delete(customer=customer, by=bob)
    with pytest.raises(Conflict):
        customer_claim(customer=customer, by=erin)


def test_releasing_empties_the_owner_and_logs_the_reason(bob) -> None:
    customer = customer_create(by=bob, data={"name": "甲公司"})
    released = customer_release(customer=customer, by=bob, reason="不再需要")
    assert (released.owner, released.claimed_at) == (None, None)
    entry = AuditEntry.objects.get(action="customer.released")
    assert (entry.changes, entry.note) == ({"owner": ["Bob", None]}, "不再需要")


def test_releasing_a_pool_customer_changes_nothing(bob) -> None:
    customer = pooled(bob)
    customer_release(customer=customer, by=bob)
    assert not AuditEntry.objects.filter(action="customer.released").exists()


def test_a_rep_cannot_release_a_colleagues_customer(bob, erin) -> None:
    customer = customer_create(by=erin, data={"name": "甲公司"})
    with pytest.raises(NotAllowed):
        customer_release(customer=customer, by=bob)


@pytest.mark.parametrize("who", ["carol", "frank", "root"])
def test_supervisors_managers_and_admins_may_release_a_reps_customer(org, bob, who) -> None:
    customer = customer_create(by=bob, data={"name": "甲公司"})
    assert customer_release(customer=customer, by=org[who]).owner is None


# Hold limit ---------------------------------------------------------------------------

def test_the_system_hold_limit_refuses_one_claim_too_many_with_403(api_as, settings, bob) -> None:
    settings.KEHU_MAX_CUSTOMERS_PER_REP = 2
    first, second, third = pooled(bob, "一"), pooled(bob, "二"), pooled(bob, "三")
    client = api_as(bob)
    assert client.post(f"/api/customers/{first.pk}/claim").status_code == 200
    assert client.post(f"/api/customers/{second.pk}/claim").status_code == 200
    refused = client.post(f"/api/customers/{third.pk}/claim")
    assert refused.status_code == 403
    assert "2" in refused.json()["message"]
    assert Customer.objects.get(pk=third.pk).owner is None


def test_a_teams_own_hold_limit_overrides_the_system_one(api_as, settings, bob, dave, org) -> None:
    settings.KEHU_MAX_CUSTOMERS_PER_REP = 100
    org["east"].max_customers_per_rep = 1
    org["east"].save(update_fields=["max_customers_per_rep"])
    customer_create(by=bob, data={"name": "已有"})
    customer = pooled(bob)
    assert api_as(bob).post(f"/api/customers/{customer.pk}/claim").status_code == 403
    assert api_as(dave).post(f"/api/customers/{customer.pk}/claim").status_code == 200


def test_releasing_makes_room_under_the_hold_limit(settings, bob) -> None:
    settings.KEHU_MAX_CUSTOMERS_PER_REP = 1
    bob.department = None
    bob.save(update_fields=["department"])
    mine = customer_claim(customer=pooled(bob, "一"), by=bob)
    other = pooled(bob, "二")
    with pytest.raises(NotAllowed):
        customer_claim(customer=other, by=bob)
    customer_release(customer=mine, by=bob)
    assert customer_claim(customer=other, by=bob).owner == bob


def test_deleted_customers_do_not_count_against_the_hold_limit(settings, bob) -> None:
    settings.KEHU_MAX_CUSTOMERS_PER_REP = 1
    bob.department = None
    bob.save(update_fields=["department"])
    customer_delete(customer=customer_create(by=bob, data={"name": "已删"}), by=bob)
    assert customer_claim(customer=pooled(bob), by=bob).owner == bob


# Sweep --------------------------------------------------------------------------------

def test_the_sweep_returns_customers_without_follow_up_for_the_system_days(settings, bob, dave) -> None:
    settings.KEHU_POOL_RETURN_DAYS = 30
    stale = owned(dave, "冷落", idle_days=31)
    fresh = owned(dave, "新接", idle_days=29)
    assert pool_sweep() == 1
    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert (stale.owner, fresh.owner) == (None, dave)
    entry = AuditEntry.objects.get(action="customer.returned_to_pool")
    assert (entry.customer_id, entry.actor, entry.changes) == (stale.pk, None, {"owner": ["Dave", None]})
    assert "30" in entry.note


def test_the_sweep_keeps_customers_followed_up_recently(settings, dave) -> None:
    settings.KEHU_POOL_RETURN_DAYS = 30
    kept = owned(dave, "常联系", idle_days=400, followed_days_ago=5)
    dropped = owned(dave, "久未联系", idle_days=400, followed_days_ago=31)
    assert pool_sweep() == 1
    assert Customer.objects.get(pk=kept.pk).owner == dave
    assert Customer.objects.get(pk=dropped.pk).owner is None


def test_a_follow_up_through_the_service_saves_the_customer_from_the_sweep(settings, dave) -> None:
    settings.KEHU_POOL_RETURN_DAYS = 30
    customer = owned(dave, "回访过", idle_days=60)
    followup_create(customer=customer, by=dave, data={"channel": "phone", "content": "回访"})
    assert pool_sweep() == 0


def test_a_recent_claim_counts_as_activity_even_after_an_old_follow_up(settings, dave) -> None:
    settings.KEHU_POOL_RETURN_DAYS = 30
    customer = owned(dave, "刚领", idle_days=2, followed_days_ago=100)
    assert pool_sweep() == 0
    assert Customer.objects.get(pk=customer.pk).owner == dave


def test_a_teams_own_return_days_override_the_system_setting(settings, org, bob, dave) -> None:
    settings.KEHU_POOL_RETURN_DAYS = 30
    org["east"].pool_return_days = 7
    org["east"].save(update_fields=["pool_return_days"])
    east = owned(bob, "华东客户", idle_days=10)
    north = owned(dave, "华北客户", idle_days=10)
    assert pool_sweep() == 1
    assert Customer.objects.get(pk=east.pk).owner is None
    assert Customer.objects.get(pk=north.pk).owner == dave
    assert Customer.objects.get(pk=north.pk).pool_due_at() > timezone.now()
    assert "7" in AuditEntry.objects.get(action="customer.returned_to_pool").note


def test_a_longer_team_period_keeps_customers_the_system_period_would_return(settings, org, bob) -> None:
    settings.KEHU_POOL_RETURN_DAYS = 30
    org["east"].pool_return_days = 90
    org["east"].save(update_fields=["pool_return_days"])
    owned(bob, "华东客户", idle_days=60)
    assert pool_sweep() == 0


def test_customers_without_a_team_follow_the_system_setting(settings, bob, root) -> None:
    settings.KEHU_POOL_RETURN_DAYS = 30
    customer = customer_create(by=root, data={"name": "无组", "owner": root})
    long_ago = timezone.now() - dt.timedelta(days=40)
    Customer.objects.filter(pk=customer.pk).update(team=None, created_at=long_ago, claimed_at=long_ago)
    assert pool_sweep() == 1


def test_the_sweep_is_idempotent(settings, dave) -> None:
    settings.KEHU_POOL_RETURN_DAYS = 30
    owned(dave, "一", idle_days=31)
    owned(dave, "二", idle_days=45)
    assert pool_sweep() == 2
    assert pool_sweep() == 0
    assert AuditEntry.objects.filter(action="customer.returned_to_pool").count() == 2


def test_the_sweep_leaves_deleted_and_pool_customers_alone(settings, bob, dave) -> None:
    settings.KEHU_POOL_RETURN_DAYS = 30
    deleted = owned(dave, "已删", idle_days=60)
    customer_delete(customer=deleted, by=dave)
    pooled(bob)
    assert pool_sweep() == 0


def test_the_sweep_takes_now_so_it_can_be_run_for_a_later_day(settings, dave) -> None:
    settings.KEHU_POOL_RETURN_DAYS = 30
    customer = owned(dave, "将到期", idle_days=20)
    assert pool_sweep() == 0
    assert pool_sweep(now=timezone.now() + dt.timedelta(days=11)) == 1
    assert Customer.objects.get(pk=customer.pk).owner is None


def test_a_swept_customer_can_be_claimed_by_another_rep(api_as, settings, bob, dave) -> None:
    settings.KEHU_POOL_RETURN_DAYS = 30
    customer = owned(dave, "冷落", idle_days=31)
    pool_sweep()
    assert api_as(bob).post(f"/api/customers/{customer.pk}/claim").json()["owner"]["username"] == "bob"
