"""Creating, editing and merging customers through the console forms."""

from __future__ import annotations

from typing import Any

import pytest

from kehu.accounts.models import User
from kehu.customers import services
from kehu.customers.models import Customer

pytestmark = pytest.mark.django_db


def make(by: User, name: str, **data: Any) -> Customer:
    return services.customer_create(by=by, data={"name": name, **data})


def form(**data: str) -> dict[str, str]:
    return {"kind": "company", "time_state": "potential", "relation": "external", **data}


def test_rep_creates_a_customer_and_owns_it(web_as, bob):
    response = web_as(bob).post("/customers/new/", form(name="华东电器", phone="0571-8888 6666",
                                                        tags="VIP, 制造业", value_tier="key"))
    customer = Customer.objects.get(name="华东电器")
    assert response.status_code == 302 and response["Location"] == f"/customers/{customer.pk}/"
    assert customer.owner == bob and customer.phone_norm == "057188886666"
    assert sorted(customer.tags.values_list("name", flat=True)) == ["VIP", "制造业"]


def test_rep_may_put_a_new_customer_into_the_pool(web_as, bob):
    web_as(bob).post("/customers/new/", form(name="公海客户", to_pool="on"))
    assert Customer.objects.get(name="公海客户").owner is None


def test_invalid_fields_are_shown_inline_and_input_is_kept(web_as, bob):
    response = web_as(bob).post("/customers/new/", form(name="", phone="12345", email="not-mail",
                                                        credit_code="ABC", city="杭州"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('class="field has-error') == 4
    assert "The name is required." in page and "12345" in page and "杭州" in page
    assert not Customer.objects.exists()


@pytest.mark.parametrize("data", [
    {"kind": "robot", "name": "x"}, {"value_tier": "<b>", "name": "x"}, {"name": "x" * 900},
    {"name": "x", "version": "abc"}, {"name": "x", "merge_into": "-1"}, {"name": "x", "merge_into": "zz"},
    {"name": "\x00"}, {},
])
def test_bad_input_never_500(web_as, bob, data):
    assert web_as(bob).post("/customers/new/", data).status_code in (200, 302)


def test_duplicate_phone_is_refused_with_link_and_merge_button(web_as, bob):
    existing = make(bob, "华东电器", phone="13800000001")
    response = web_as(bob).post("/customers/new/", form(name="华东电器有限公司", phone="138 0000 0001",
                                                        industry="制造"))
    page = response.content.decode()
    assert response.status_code == 200 and Customer.objects.count() == 1
    assert f'href="/customers/{existing.pk}/"' in page
    assert f'name="merge_into" value="{existing.pk}"' in page


def test_merge_into_the_duplicate_fills_its_blanks(web_as, bob):
    existing = make(bob, "华东电器", phone="13800000001")
    response = web_as(bob).post("/customers/new/", form(name="华东电器有限公司", phone="13800000001",
                                                        industry="制造", merge_into=str(existing.pk)))
    assert response.status_code == 302 and response["Location"] == f"/customers/{existing.pk}/"
    existing.refresh_from_db()
    assert Customer.objects.count() == 1 and existing.industry == "制造" and existing.name == "华东电器"


def test_duplicate_outside_scope_is_named_but_not_linked_or_mergeable(web_as, bob, dave):
    existing = make(dave, "华北钢铁", phone="13800000001")
    client = web_as(bob)
    page = client.post("/customers/new/", form(name="别名", phone="13800000001")).content.decode()
    assert "华北钢铁" in page
    assert f"/customers/{existing.pk}/" not in page and "merge_into" not in page
    client.post("/customers/new/", form(name="别名", industry="X", phone="13800000001", merge_into=str(existing.pk)))
    existing.refresh_from_db()
    assert existing.industry == "" and Customer.objects.count() == 1


def test_edit_saves_changes_with_the_version(web_as, bob):
    c = make(bob, "华东电器", tags=["A"])
    client = web_as(bob)
    page = client.get(f"/customers/{c.pk}/edit/").content.decode()
    assert 'value="华东电器"' in page and 'name="version" value="1"' in page and 'value="A"' in page
    response = client.post(f"/customers/{c.pk}/edit/", form(name="华东电器集团", city="杭州", tags="A, B", version="1"))
    assert response.status_code == 302
    c.refresh_from_db()
    assert (c.name, c.city, c.version) == ("华东电器集团", "杭州", 2)


def test_stale_edit_is_refused_and_keeps_the_users_input(web_as, bob, carol):
    c = make(bob, "华东电器")
    services.customer_update(customer=c, by=carol, data={"city": "宁波"})  # someone saves in between
    response = web_as(bob).post(f"/customers/{c.pk}/edit/", form(name="我的改名", city="杭州", version="1"),
                                HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Someone else changed this customer" in page
    assert 'value="我的改名"' in page and 'value="杭州"' in page
    c.refresh_from_db()
    assert (c.name, c.city) == ("华东电器", "宁波")
    # Saving again, knowingly, goes through.
    assert 'name="version" value="2"' in page
    again = web_as(bob).post(f"/customers/{c.pk}/edit/", form(name="我的改名", city="杭州", version="2"))
    assert again.status_code == 302


def test_edit_to_another_customers_phone_is_refused(web_as, bob):
    make(bob, "甲", phone="13800000001")
    c = make(bob, "乙")
    response = web_as(bob).post(f"/customers/{c.pk}/edit/", form(name="乙", phone="13800000001", version="1"))
    assert response.status_code == 200 and "甲" in response.content.decode()


def test_dave_cannot_edit_bobs_customer(web_as, bob, dave):
    c = make(bob, "华东电器")
    client = web_as(dave)
    assert client.get(f"/customers/{c.pk}/edit/").status_code == 404
    assert client.post(f"/customers/{c.pk}/edit/", form(name="抢走")).status_code == 404
    c.refresh_from_db()
    assert c.name == "华东电器"


def test_merge_page_finds_by_id_or_name_and_merges(web_as, bob):
    keep = make(bob, "华东电器", phone="13800000001")
    other = make(bob, "华东电器杭州分部")
    services.followup_create(customer=other, by=bob, data={"channel": "phone", "content": "旧记录"})
    client = web_as(bob)
    assert "华东电器杭州分部" in client.get(f"/customers/{keep.pk}/merge/", {"q": str(other.pk)}).content.decode()
    assert "华东电器杭州分部" in client.get(f"/customers/{keep.pk}/merge/", {"q": "杭州分部"}).content.decode()
    response = client.post(f"/customers/{keep.pk}/merge/", {"merge_id": other.pk})
    assert response.status_code == 302
    assert keep.followups.count() == 1
    assert Customer.objects.get(pk=other.pk).merged_into_id == keep.pk


def test_merge_refuses_itself_and_foreign_customers(web_as, bob, dave):
    keep = make(bob, "华东电器")
    foreign = make(dave, "华北钢铁")
    client = web_as(bob)
    assert "华北钢铁" not in client.get(f"/customers/{keep.pk}/merge/", {"q": "华北"}).content.decode()
    assert client.post(f"/customers/{keep.pk}/merge/", {"merge_id": foreign.pk}).status_code == 404
    assert client.post(f"/customers/{keep.pk}/merge/", {"merge_id": "x"}).status_code == 404
    response = client.post(f"/customers/{keep.pk}/merge/", {"merge_id": keep.pk}, follow=True)
    assert response.status_code == 200 and Customer.objects.alive().count() == 2
