"""Chinese name search through the name index, on SQLite and PostgreSQL alike."""

import pytest
from django.db import connection

from kehu.core.search import index_terms, query_terms
from kehu.customers import querysets
from kehu.customers.models import Customer
from kehu.customers.search_index import FTS, ensure_search_index
from kehu.customers.services import customer_create, customer_update, trash_purge


def names(qs) -> list[str]:
    return sorted(qs.values_list("name", flat=True))


@pytest.fixture
def companies(root):
    made = {}
    for name in ["杭州恒达机电设备有限公司", "深圳达机科技有限公司", "北京ABC软件有限公司", "成都蜀香餐饮管理有限公司"]:
        made[name] = customer_create(by=root, data={"name": name})
    return made


def test_terms_are_bigrams_then_single_characters():
    assert index_terms("恒达机电abc") == "恒达 达机 机电 abc 恒 达 机 电"
    assert query_terms("恒达机") == (["恒达", "达机"], [])
    assert query_terms("ABC") == ([], ["abc"])


def test_a_two_character_fragment_finds_every_name_containing_it(companies):
    assert names(Customer.objects.search("达机")) == ["杭州恒达机电设备有限公司", "深圳达机科技有限公司"]


def test_a_longer_fragment_needs_the_whole_fragment_not_just_its_bigrams(root, companies):
    customer_create(by=root, data={"name": "恒达物流达机配件公司"})  # has 恒达 and 达机, not 恒达机
    assert names(Customer.objects.search("恒达机")) == ["杭州恒达机电设备有限公司"]


def test_a_single_character_and_a_latin_prefix_are_found(companies):
    assert names(Customer.objects.search("蜀")) == ["成都蜀香餐饮管理有限公司"]
    assert names(Customer.objects.search("abc")) == ["北京ABC软件有限公司"]
    assert names(Customer.objects.search("Ａｂｃ软件")) == ["北京ABC软件有限公司"]


def test_a_fragment_nobody_has_finds_nothing(companies):
    assert names(Customer.objects.search("不存在的")) == []


def test_renaming_a_customer_updates_the_index(root, companies):
    customer = companies["成都蜀香餐饮管理有限公司"]
    customer_update(customer=customer, by=root, data={"name": "成都锦江宾馆有限公司"})
    assert names(Customer.objects.search("蜀香")) == []
    assert names(Customer.objects.search("锦江")) == ["成都锦江宾馆有限公司"]


def test_purged_customers_leave_the_index(root, companies, settings):
    import datetime as dt

    from django.utils import timezone

    from kehu.customers.services import customer_delete

    settings.KEHU_TRASH_RETENTION_DAYS = 0
    customer_delete(customer=companies["深圳达机科技有限公司"], by=root)
    trash_purge(now=timezone.now() + dt.timedelta(seconds=1))
    assert names(Customer.objects.search("达机")) == ["杭州恒达机电设备有限公司"]


def test_a_common_fragment_is_scanned_and_not_counted(root, companies, monkeypatch):
    monkeypatch.setattr(querysets, "SEARCH_CANDIDATES", 2)
    qs = Customer.objects.search("有限")
    assert len(names(qs)) == 4
    assert qs.capped_count(10_000) is None


def test_a_search_page_says_at_least_what_it_shows_when_more_follow(api_as, bob, companies, monkeypatch):
    monkeypatch.setattr(querysets, "SEARCH_CANDIDATES", 2)
    body = api_as(bob).get("/api/customers", q="有限", page_size=3).json()
    assert (len(body["items"]), body["has_next"], body["count"], body["count_is_exact"]) == (3, True, 3, False)
    body = api_as(bob).get("/api/customers", q="有限", page_size=10).json()
    assert (body["count"], body["count_is_exact"]) == (4, True)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the FTS5 triggers exist on SQLite only")
def test_lost_sqlite_triggers_are_recreated_and_the_index_refilled(companies):
    with connection.cursor() as cursor:
        for suffix in ("ai", "ad", "au"):
            cursor.execute(f"DROP TRIGGER {FTS}_{suffix}")
        cursor.execute(f"INSERT INTO {FTS}({FTS}) VALUES ('delete-all')")
    assert names(Customer.objects.search("蜀香")) == []
    ensure_search_index()
    assert names(Customer.objects.search("蜀香")) == ["成都蜀香餐饮管理有限公司"]


def test_the_api_search_finds_by_fragment(api_as, bob, companies):
    body = api_as(bob).get("/api/customers", q="恒达").json()
    assert [c["name"] for c in body["items"]] == ["杭州恒达机电设备有限公司"]
    assert body["count"] == 1 and body["count_is_exact"] is True


def test_latin_or_digit_runs_are_words_from_their_start_unless_short():
    assert query_terms("1科技") == (["科技"], [])  # 1 may end a longer number: 261科技
    assert query_terms("ABC软件") == (["软件"], ["abc"])
    assert query_terms("软件abc") == (["软件"], ["abc"])  # starts a run: 软件abcd
    assert query_terms("软件abc科技") == (["软件", "abc", "科技"], [])  # a whole run
    assert query_terms("试16") == (["试"], [])  # too short a prefix to narrow anything
    assert query_terms("13") == ([], [])  # a short number: by substring alone


@pytest.fixture
def numbered(root):
    return [customer_create(by=root, data={"name": name}) for name in
            ["测试261科技有限公司", "东莞613五金厂", "上海5678文化传播有限公司", "深圳达机科技有限公司"]]


def test_a_fragment_starting_inside_a_number_is_found(numbered):
    # 261 does not start with 1: looked up as the prefix 1, this name was missed.
    assert names(Customer.objects.search("1科技")) == ["测试261科技有限公司"]
    assert names(Customer.objects.search("13")) == ["东莞613五金厂"]
    assert Customer.objects.search("13").capped_count(10_000) is None  # a scan, not counted


def test_digits_many_names_hold_are_scanned_with_the_phone_endings(root, numbered, monkeypatch):
    customer_create(by=root, data={"name": "宁波兴德商贸有限公司", "phone": "13812345678"})
    expected = ["上海5678文化传播有限公司", "宁波兴德商贸有限公司"]
    assert names(Customer.objects.search("5678")) == expected
    monkeypatch.setattr(querysets, "DIGIT_NAME_CANDIDATES", 0)
    monkeypatch.setattr(querysets, "SEARCH_CANDIDATES", 0)
    qs = Customer.objects.search("5678")
    assert names(qs) == expected
    assert qs.capped_count(10_000) is None
