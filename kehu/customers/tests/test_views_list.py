"""The customer list page: scope, filters, masking, paging, query count."""

from __future__ import annotations

from typing import Any

import pytest

from kehu.accounts.models import User
from kehu.customers import services
from kehu.customers.models import Customer

pytestmark = pytest.mark.django_db


def make(by: User, name: str, **data: Any) -> Customer:
    return services.customer_create(by=by, data={"name": name, **data})


def test_list_shows_own_and_pool_customers_but_not_another_teams(web_as, bob, dave, carol):
    make(bob, "华东电器", phone="13800000001")
    make(dave, "华北钢铁")
    make(carol, "公海贸易")  # a supervisor's new customer goes to the pool
    page = web_as(bob).get("/customers/").content.decode()
    assert "华东电器" in page and "公海贸易" in page
    assert "华北钢铁" not in page


def test_rep_sees_pool_phones_masked_and_own_phones_in_full(web_as, bob, carol):
    make(bob, "自己的", phone="13800000001")
    make(carol, "公海的", phone="13900000002")
    page = web_as(bob).get("/customers/").content.decode()
    assert "13800000001" in page
    assert "13900000002" not in page and "139****0002" in page


def test_filters_by_tier_owner_tag_and_search(web_as, bob, carol):
    make(bob, "大客户甲", value_tier="key", tags=["VIP"], province="浙江", city="杭州")
    make(bob, "一般客户乙", value_tier="general")
    make(carol, "公海丙", value_tier="key")
    client = web_as(bob)

    def names(**params: str) -> set[str]:
        page = client.get("/customers/", params).content.decode()
        return {n for n in ("大客户甲", "一般客户乙", "公海丙") if n in page}

    assert names(value_tier="key") == {"大客户甲", "公海丙"}
    assert names(owner="me") == {"大客户甲", "一般客户乙"}
    assert names(owner="pool") == {"公海丙"}
    assert names(tag="VIP") == {"大客户甲"}
    assert names(province="浙江", city="杭州") == {"大客户甲"}
    assert names(q="一般") == {"一般客户乙"}


def test_bad_filter_values_do_not_fail(web_as, bob):
    make(bob, "客户")
    client = web_as(bob)
    for params in ({"owner": "nobody"}, {"sort": "password"}, {"page": "-3"}, {"page": "x"},
                   {"value_tier": "<script>"}, {"q": "'; drop table"}, {"page": "99999"}):
        assert client.get("/customers/", params).status_code == 200


def test_list_pages_by_fifty(web_as, bob):
    for i in range(55):
        make(bob, f"客户{i:02d}")
    client = web_as(bob)
    first = client.get("/customers/").content.decode()
    assert "客户54" in first and "客户04" not in first
    assert "page=2" in first
    second = client.get("/customers/", {"page": 2}).content.decode()
    assert "客户04" in second and "客户54" not in second


def test_list_query_count_does_not_grow_with_rows(web_as, frank, bob, django_assert_max_num_queries):
    for i in range(40):
        make(bob, f"客户{i}", tags=["A", f"T{i % 3}"], phone=f"138000000{i:02d}")
    client = web_as(frank)
    client.get("/customers/")  # warm the session
    with django_assert_max_num_queries(8):
        response = client.get("/customers/")
    assert response.status_code == 200
    assert response.content.decode().count('class="tag"') == 80


def test_list_requires_login(client):
    response = client.get("/customers/")
    assert response.status_code == 302 and "/login/" in response["Location"]
