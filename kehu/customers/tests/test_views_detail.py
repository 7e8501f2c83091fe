"""The customer 360 page and the small forms on it."""

from __future__ import annotations

from typing import Any

import pytest

from kehu.accounts.models import User
from kehu.core.models import AuditEntry
from kehu.customers import services
from kehu.customers.models import Customer

pytestmark = pytest.mark.django_db


def make(by: User, name: str, **data: Any) -> Customer:
    return services.customer_create(by=by, data={"name": name, **data})


def url(customer: Customer, tail: str = "") -> str:
    return f"/customers/{customer.pk}/{tail}"


def test_360_shows_profile_contacts_and_followups(web_as, bob):
    c = make(bob, "华东电器", phone="13800000001", industry="制造")
    services.contact_create(customer=c, by=bob, data={"name": "张经理", "mobile": "13900000009"})
    services.followup_create(customer=c, by=bob, data={"channel": "visit", "content": "上门拜访，谈续约"})
    page = web_as(bob).get(url(c)).content.decode()
    for text in ("华东电器", "13800000001", "制造", "张经理", "13900000009", "上门拜访，谈续约"):
        assert text in page


def test_another_teams_rep_gets_404_on_360_edit_and_actions(web_as, bob, dave):
    c = make(bob, "华东电器")
    client = web_as(dave)
    assert client.get(url(c)).status_code == 404
    assert client.get(url(c, "edit/")).status_code == 404
    assert client.get(url(c, "?tab=history")).status_code == 404
    for tail in ("followups/", "contacts/", "equipment/", "ledger/", "release/", "delete/", "unmask/", "merge/"):
        assert client.post(url(c, tail), {"channel": "phone", "content": "x", "name": "x"}).status_code == 404, tail
    assert Customer.objects.get(pk=c.pk).deleted_at is None


def test_agent_reads_but_cannot_change_others_customers(web_as, alice, bob):
    c = make(bob, "华东电器", phone="13800000001")
    client = web_as(alice)
    page = client.get(url(c)).content.decode()
    assert "华东电器" in page and "138****0001" in page and "13800000001" not in page
    assert "followup_add" not in page and url(c, "followups/") not in page
    assert client.post(url(c, "followups/"), {"channel": "phone", "content": "x"}).status_code == 403


def test_record_followup_redirects_and_updates_last_followup(web_as, bob):
    c = make(bob, "华东电器")
    response = web_as(bob).post(url(c, "followups/"), {
        "channel": "phone", "content": "电话确认需求", "outcome": "有意向", "next_date": "2030-01-15",
    })
    assert response.status_code == 302
    followup = c.followups.get()
    assert (followup.content, followup.outcome, str(followup.next_date)) == ("电话确认需求", "有意向", "2030-01-15")
    assert Customer.objects.get(pk=c.pk).last_followup_at is not None


def test_invalid_followup_shows_inline_errors_and_keeps_input(web_as, bob):
    c = make(bob, "华东电器")
    response = web_as(bob).post(url(c, "followups/"), {"channel": "", "content": "", "outcome": "保留的结果",
                                                       "next_date": "明天"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "保留的结果" in page and "明天" in page
    assert 'class="field has-error' in page
    assert not c.followups.exists()


def test_add_contact_equipment_and_ledger_entries(web_as, bob):
    c = make(bob, "华东电器")
    client = web_as(bob)
    assert client.post(url(c, "contacts/"), {"name": "李四", "mobile": "139 0000 0001", "birthday": "1980-05-01"}).status_code == 302
    assert client.post(url(c, "equipment/"), {"name": "变压器", "model": "S11", "warranty_until": "2031-01-01"}).status_code == 302
    assert client.post(url(c, "ledger/"), {"kind": "invoice", "amount": "1000", "date": "2026-01-01",
                                           "due_date": "2026-02-01"}).status_code == 302
    assert client.post(url(c, "ledger/"), {"kind": "receipt", "amount": "400.5", "date": "2026-01-10"}).status_code == 302
    assert c.contacts.get().mobile_norm == "13900000001"
    assert "变压器" in client.get(url(c, "?tab=equipment")).content.decode()
    ledger = client.get(url(c, "?tab=ledger")).content.decode()
    assert "1,000.00" in ledger and "599.50" in ledger


@pytest.mark.parametrize(("tail", "data"), [
    ("contacts/", {"name": "", "mobile": "12345", "email": "nope", "birthday": "31/31/31"}),
    ("equipment/", {"name": "", "installed_on": "yesterday"}),
    ("ledger/", {"kind": "gift", "amount": "-5", "date": "2026-13-45"}),
    ("ledger/", {"kind": "invoice", "amount": "NaN"}),
    ("ledger/", {"kind": "invoice", "amount": "1e400"}),
    ("followups/", {"channel": "fax", "content": "x", "contact_id": "999999"}),
    ("followups/", {"channel": "phone", "content": "x", "contact_id": "abc"}),
])
def test_bad_input_on_360_forms_is_an_inline_error_not_a_500(web_as, bob, tail, data):
    c = make(bob, "华东电器")
    response = web_as(bob).post(url(c, tail), data)
    assert response.status_code == 200
    assert 'class="form-errors"' in response.content.decode()


def test_contact_with_another_customers_phone_needs_confirmation(web_as, bob):
    make(bob, "甲公司", phone="13800000001")
    c = make(bob, "乙公司")
    client = web_as(bob)
    refused = client.post(url(c, "contacts/"), {"name": "王五", "mobile": "13800000001"})
    assert refused.status_code == 200 and "甲公司" in refused.content.decode()
    assert not c.contacts.exists()
    assert client.post(url(c, "contacts/"), {"name": "王五", "mobile": "13800000001",
                                             "confirm_duplicate": "on"}).status_code == 302
    assert c.contacts.count() == 1


def test_history_tab_lists_changes_newest_first_with_old_and_new_values(web_as, bob):
    c = make(bob, "华东电器", value_tier="general")
    services.customer_update(customer=c, by=bob, data={"value_tier": "key", "city": "杭州"})
    page = web_as(bob).get(url(c, "?tab=history"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    table = page[page.index('id="history"'):]
    assert table.index("Changed") < table.index("Created")
    assert "<del>General customer</del> → <ins>Key customer</ins>" in table
    assert "<ins>杭州</ins>" in table and "Bob" in table


def test_show_phone_unmasks_and_is_logged(web_as, alice, bob):
    c = make(bob, "华东电器", phone="13800000001", email="boss@example.com")
    services.contact_create(customer=c, by=bob, data={"name": "张经理", "mobile": "13900000009"})
    client = web_as(alice)
    assert "13800000001" not in client.get(url(c)).content.decode()
    page = client.post(url(c, "unmask/"), HTTP_HX_REQUEST="true").content.decode()
    assert "13800000001" in page and "boss@example.com" in page and "13900000009" in page
    assert AuditEntry.objects.filter(action="customer.unmasked", customer_id=c.pk, actor=alice).exists()


def test_claim_release_and_delete_from_360(web_as, bob, carol):
    c = make(carol, "公海客户")
    client = web_as(bob)
    assert client.post(url(c, "claim/")).status_code == 302
    assert Customer.objects.get(pk=c.pk).owner == bob
    assert client.post(url(c, "release/")).status_code == 302
    assert Customer.objects.get(pk=c.pk).owner is None
    client.post(url(c, "claim/"))
    response = client.post(url(c, "delete/"))
    assert response.status_code == 302 and response["Location"] == "/customers/"
    assert Customer.objects.in_trash().filter(pk=c.pk).exists()
    assert client.get(url(c)).status_code == 404


def test_rep_cannot_release_a_teammates_customer(web_as, bob, erin, carol):
    c = make(erin, "尔琳的客户")
    response = web_as(carol).post(url(c, "release/"))  # the supervisor can
    assert response.status_code == 302 and Customer.objects.get(pk=c.pk).owner is None


def test_360_query_count_is_bounded(web_as, bob, carol, django_assert_max_num_queries):
    c = make(bob, "华东电器", tags=["A", "B"])
    for i in range(15):
        contact = services.contact_create(customer=c, by=bob, data={"name": f"联系人{i}", "mobile": f"1390000{i:04d}"})
        services.followup_create(customer=c, by=bob, data={"channel": "phone", "content": f"第{i}次",
                                                           "contact_id": contact.pk})
        services.equipment_create(customer=c, by=bob, data={"name": f"设备{i}"})
        services.ledger_entry_create(customer=c, by=bob, data={"kind": "invoice", "amount": "10"})
    client = web_as(carol)  # a supervisor: her scope costs two queries (department, sub-teams)
    for tab in ("overview", "equipment", "ledger", "history"):
        with django_assert_max_num_queries(9):
            assert client.get(url(c), {"tab": tab}).status_code == 200
