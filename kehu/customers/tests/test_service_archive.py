"""Creating, merging, deleting, restoring and purging customers (services/archive.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kehu.core.errors import Conflict, InvalidInput, NotAllowed
from kehu.core.identifiers import credit_code_with_check
from kehu.core.models import AuditEntry
from kehu.customers.models import Contact, Customer, FollowUp
from kehu.customers.services import (
    contact_create,
    customer_create,
    customer_delete,
    customer_merge,
    customer_restore,
    customer_update,
    find_duplicate,
    followup_create,
    trash_purge,
)


def actions(customer: Customer) -> list[str]:
    return list(AuditEntry.objects.filter(customer_id=customer.pk).order_by("id").values_list("action", flat=True))


def test_creating_records_every_given_field_in_the_history(bob) -> None:
    customer = customer_create(by=bob, data={"name": "甲公司", "phone": "138-1234-5678", "city": "杭州"})
    entry = AuditEntry.objects.get(customer_id=customer.pk)
    assert entry.action == "customer.created"
    assert entry.changes["name"] == [None, "甲公司"]
    assert entry.changes["city"] == [None, "杭州"]
    assert entry.changes["owner"] == [None, "Bob"]
    assert "industry" not in entry.changes


def test_creating_keeps_the_phone_as_typed_and_its_normal_form(bob) -> None:
    customer = customer_create(by=bob, data={"name": "甲公司", "phone": "+86 138-1234-5678"})
    assert (customer.phone, customer.phone_norm) == ("+86 138-1234-5678", "13812345678")


def test_invalid_fields_are_all_reported_at_once(bob) -> None:
    with pytest.raises(InvalidInput) as raised:
        customer_create(by=bob, data={"name": "", "phone": "x", "email": "y"})
    assert set(raised.value.errors) == {"name", "phone", "email"}


def test_find_duplicate_prefers_the_credit_code(bob) -> None:
    code = credit_code_with_check("91330100MA27XY100")
    by_code = customer_create(by=bob, data={"name": "甲公司", "credit_code": code})
    customer_create(by=bob, data={"name": "乙公司", "phone": "13812345678"})
    hit = find_duplicate(name_norm="乙公司", phones=["13812345678"], credit_code=code)
    assert hit == (by_code, "credit_code")


def test_find_duplicate_ignores_the_excluded_customer(bob) -> None:
    customer = customer_create(by=bob, data={"name": "甲公司", "phone": "13812345678"})
    assert find_duplicate(phones=["13812345678"], exclude_id=customer.pk) is None


def test_merge_moves_contacts_follow_ups_and_tags_and_trashes_the_other(bob) -> None:
    keep = customer_create(by=bob, data={"name": "甲公司", "tags": ["老客户"]})
    other = customer_create(by=bob, data={"name": "甲公司分部", "phone": "13812345678", "city": "杭州",
                                          "tags": ["VIP"]})
    contact = contact_create(customer=other, by=bob, data={"name": "王总"})
    followup_create(customer=other, by=bob, data={"channel": "phone", "content": "打过电话"})
    merged = customer_merge(keep=keep, merge=other, by=bob)
    assert list(merged.contacts.all()) == [contact]
    assert FollowUp.objects.get().customer == keep
    assert sorted(merged.tags.values_list("name", flat=True)) == ["VIP", "老客户"]
    assert (merged.phone, merged.phone_norm, merged.city, merged.name) == ("13812345678", "13812345678", "杭州", "甲公司")
    assert merged.last_followup_at is not None
    other.refresh_from_db()
    assert (other.merged_into, other.deleted_by) == (keep, bob)
    assert other.deleted_at is not None


def test_merge_keeps_both_histories_under_the_surviving_customer(bob, carol) -> None:
    keep = customer_create(by=bob, data={"name": "甲公司"})
    other = customer_create(by=bob, data={"name": "乙公司"})
    customer_update(customer=other, by=carol, data={"city": "杭州"})
    customer_merge(keep=keep, merge=other, by=carol)
    history = actions(keep)
    assert history.count("customer.created") == 2
    assert "customer.updated" in history
    assert history[-1] == "customer.merged"
    assert actions(other) == []
    note = AuditEntry.objects.get(action="customer.merged").note
    assert "乙公司" in note and str(other.pk) in note


def test_a_merged_customer_is_not_in_the_recycle_bin_and_not_visible(bob) -> None:
    keep = customer_create(by=bob, data={"name": "甲公司"})
    other = customer_create(by=bob, data={"name": "乙公司"})
    customer_merge(keep=keep, merge=other, by=bob)
    assert list(Customer.objects.in_trash()) == []
    assert list(Customer.objects.visible_to(bob)) == [keep]


def test_merging_a_customer_into_itself_is_refused(bob) -> None:
    customer = customer_create(by=bob, data={"name": "甲公司"})
    with pytest.raises(InvalidInput):
        customer_merge(keep=customer, merge=customer, by=bob)


def test_merging_a_deleted_customer_is_refused(bob) -> None:
    keep = customer_create(by=bob, data={"name": "甲公司"})
    other = customer_create(by=bob, data={"name": "乙公司"})
    customer_delete(customer=other, by=bob)
    with pytest.raises(Conflict):
        customer_merge(keep=keep, merge=other, by=bob)


def test_merge_through_the_api_answers_with_the_surviving_customer(api_as, bob) -> None:
    keep = customer_create(by=bob, data={"name": "甲公司"})
    other = customer_create(by=bob, data={"name": "乙公司", "phone": "13812345678"})
    contact_create(customer=other, by=bob, data={"name": "王总"})
    response = api_as(bob).post(f"/api/customers/{keep.pk}/merge", {"merge_id": other.pk})
    assert response.status_code == 200
    assert response.json()["phone"] == "13812345678"
    assert [c["name"] for c in api_as(bob).get(f"/api/customers/{keep.pk}/contacts").json()] == ["王总"]
    assert api_as(bob).get(f"/api/customers/{other.pk}").status_code == 404


def test_update_with_a_stale_version_is_refused_and_changes_nothing(bob) -> None:
    customer = customer_create(by=bob, data={"name": "甲公司"})
    customer_update(customer=customer, by=bob, data={"city": "杭州"}, version=customer.version)
    with pytest.raises(Conflict):
        customer_update(customer=customer, by=bob, data={"city": "南京"}, version=customer.version)
    customer.refresh_from_db()
    assert (customer.city, customer.version) == ("杭州", 2)


def test_update_records_old_and_new_values(bob) -> None:
    customer = customer_create(by=bob, data={"name": "甲公司", "value_tier": "general"})
    customer_update(customer=customer, by=bob, data={"value_tier": "key", "name": "甲集团"})
    entry = AuditEntry.objects.get(action="customer.updated")
    assert entry.changes == {"value_tier": ["general", "key"], "name": ["甲公司", "甲集团"]}


def test_renaming_to_another_companys_name_is_refused(bob) -> None:
    customer_create(by=bob, data={"name": "甲公司"})
    other = customer_create(by=bob, data={"name": "乙公司"})
    with pytest.raises(Conflict) as raised:
        customer_update(customer=other, by=bob, data={"name": " 甲 公司 "})
    assert raised.value.field == "name"


def test_deleting_moves_the_customer_to_the_recycle_bin(bob) -> None:
    customer = customer_create(by=bob, data={"name": "甲公司"})
    customer_delete(customer=customer, by=bob)
    assert list(Customer.objects.in_trash()) == [customer]
    assert not Customer.objects.visible_to(bob).exists()
    assert actions(customer)[-1] == "customer.deleted"


def test_deleting_twice_is_logged_once(bob) -> None:
    customer = customer_create(by=bob, data={"name": "甲公司"})
    customer_delete(customer=customer, by=bob)
    customer_delete(customer=customer, by=bob)
    assert actions(customer).count("customer.deleted") == 1


def test_only_an_administrator_may_restore(bob, carol, frank, root) -> None:
    customer = customer_create(by=bob, data={"name": "甲公司"})
    customer_delete(customer=customer, by=bob)
    for user in (bob, carol, frank):
        with pytest.raises(NotAllowed):
            customer_restore(customer=customer, by=user)
    restored = customer_restore(customer=customer, by=root)
    assert restored.deleted_at is None
    assert Customer.objects.visible_to(bob).get() == customer
    assert actions(customer)[-1] == "customer.restored"


def test_restoring_is_refused_when_a_duplicate_was_created_meanwhile(bob, root) -> None:
    customer = customer_create(by=bob, data={"name": "甲公司", "phone": "13812345678"})
    customer_delete(customer=customer, by=bob)
    newer = customer_create(by=bob, data={"name": "甲公司新"})
    customer_update(customer=newer, by=bob, data={"phone": "138 1234 5678"})
    with pytest.raises(Conflict) as raised:
        customer_restore(customer=customer, by=root)
    assert raised.value.existing_id == newer.pk


def test_trash_purge_deletes_for_good_only_after_the_retention_period(settings, bob) -> None:
    settings.KEHU_TRASH_RETENTION_DAYS = 10
    customer = customer_create(by=bob, data={"name": "甲公司"})
    contact_create(customer=customer, by=bob, data={"name": "王总"})
    customer_delete(customer=customer, by=bob)
    deleted_at = Customer.objects.get(pk=customer.pk).deleted_at
    assert trash_purge(now=deleted_at + dt.timedelta(days=9)) == 0
    assert Customer.objects.in_trash().exists()
    assert trash_purge(now=deleted_at + dt.timedelta(days=11)) == 1
    assert not Customer.objects.filter(pk=customer.pk).exists()
    assert not Contact.objects.exists()
    purged = AuditEntry.objects.get(action="customer.purged")
    assert (purged.customer_id, purged.note, purged.actor) == (customer.pk, "甲公司", None)
    assert trash_purge(now=deleted_at + dt.timedelta(days=12)) == 0


def test_trash_purge_leaves_live_customers_alone(settings, bob) -> None:
    settings.KEHU_TRASH_RETENTION_DAYS = 1
    customer = customer_create(by=bob, data={"name": "甲公司"})
    assert trash_purge(now=timezone.now() + dt.timedelta(days=365)) == 0
    assert Customer.objects.filter(pk=customer.pk).exists()


def test_trash_purge_also_removes_old_merged_records_but_keeps_the_survivor(settings, bob) -> None:
    settings.KEHU_TRASH_RETENTION_DAYS = 1
    keep = customer_create(by=bob, data={"name": "甲公司"})
    other = customer_create(by=bob, data={"name": "乙公司"})
    customer_merge(keep=keep, merge=other, by=bob)
    assert trash_purge(now=timezone.now() + dt.timedelta(days=2)) == 1
    assert list(Customer.objects.all()) == [keep]
    assert "customer.merged" in actions(keep)


def test_phone_matches_finds_own_and_contact_phones_and_can_leave_out_the_bin(bob, root) -> None:
    own = customer_create(by=bob, data={"name": "老客户有限公司", "phone": "138 1234 5678"})
    other = customer_create(by=bob, data={"name": "新客户有限公司", "phone": "021-66668888"})
    contact_create(by=bob, customer=other, data={"name": "王经理", "mobile": "+86 139-0000-1111"})
    assert Customer.objects.phone_matches("13812345678") == [own.pk]
    assert Customer.objects.phone_matches("13900001111") == [other.pk]  # through its contact
    assert Customer.objects.phone_matches("13700000000") == []
    customer_delete(customer=own, by=root)
    assert Customer.objects.phone_matches("13812345678") == [own.pk]
    assert Customer.objects.phone_matches("13812345678", alive=True) == []
    with pytest.raises(TypeError):
        Customer.objects.alive().phone_matches("13812345678")  # it would ignore the filter
