"""Searching the archive by part of a phone number (尾号 and the start of a number)."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from kehu.customers.models import Contact, Customer
from kehu.customers.querysets import _next_digits
from kehu.customers.services import contact_create, customer_create, customer_delete


def names(qs) -> list[str]:
    return sorted(qs.values_list("name", flat=True))


@pytest.fixture
def phones(root, bob, dave):
    made = {
        "ends": customer_create(by=root, data={"name": "宁波兴德商贸有限公司", "phone": "138 1234 5678"}),
        "middle": customer_create(by=root, data={"name": "杭州恒达机电设备有限公司", "phone": "13956781234"}),
        "landline": customer_create(by=root, data={"name": "北京华信软件有限公司", "phone": "010-6234 5678"}),
        "by_contact": customer_create(by=root, data={"name": "成都蜀香餐饮管理有限公司", "phone": "18600001111"}),
        "in_name": customer_create(by=root, data={"name": "上海5678文化传播有限公司"}),
        "bobs": customer_create(by=bob, data={"name": "苏州永达五金有限公司", "phone": "13700005678"}),
        "daves": customer_create(by=dave, data={"name": "天津海诚物流有限公司", "phone": "13622225678"}),
    }
    contact_create(customer=made["by_contact"], by=root, data={"name": "王芳", "mobile": "+86 150-0000-5678"})
    return made


def test_the_last_four_digits_find_customers_own_and_contacts_phones_and_names(phones):
    assert names(Customer.objects.search("5678")) == sorted([
        "宁波兴德商贸有限公司", "北京华信软件有限公司", "成都蜀香餐饮管理有限公司",
        "上海5678文化传播有限公司", "苏州永达五金有限公司", "天津海诚物流有限公司",
    ])


def test_digits_in_the_middle_of_a_number_are_not_an_ending(phones):
    # 13956781234 holds 5678 in the middle: an agent asking for 尾号5678 does not mean it.
    assert "杭州恒达机电设备有限公司" not in names(Customer.objects.search("5678"))
    assert names(Customer.objects.search("1234")) == ["杭州恒达机电设备有限公司"]


def test_a_longer_ending_must_match_whole(phones):
    assert names(Customer.objects.search("45678")) == ["北京华信软件有限公司", "宁波兴德商贸有限公司"]
    assert names(Customer.objects.search("62345678")) == ["北京华信软件有限公司"]
    assert names(Customer.objects.search("99995678")) == []


def test_the_start_of_a_number_is_found_from_seven_digits(phones):
    assert names(Customer.objects.search("1381234")) == ["宁波兴德商贸有限公司"]
    assert names(Customer.objects.search("1500000")) == ["成都蜀香餐饮管理有限公司"]
    # Shorter beginnings are too common to mean anything: only endings count there.
    assert names(Customer.objects.search("1381")) == []


def test_a_beginning_that_ends_in_nines_finds_its_numbers_and_no_others(root, phones):
    customer_create(by=root, data={"name": "九号公司", "phone": "13999991234"})
    customer_create(by=root, data={"name": "下一号公司", "phone": "14000001234"})

    assert names(Customer.objects.search("1399999")) == ["九号公司"]
    assert names(Customer.objects.search("13999991234")) == ["九号公司"]


@pytest.mark.parametrize(("digits", "after"), [("1381234", "1381235"), ("1389999", "139"), ("9999999", None)])
def test_the_range_of_a_beginning_closes_at_the_next_one(digits, after):
    assert _next_digits(digits) == after


def test_customers_in_the_recycle_bin_are_not_found(root, phones):
    customer_delete(customer=phones["ends"], by=root)
    assert "宁波兴德商贸有限公司" not in names(Customer.objects.alive().search("5678"))


def test_the_api_search_by_ending_keeps_the_callers_scope(api_as, bob, phones):
    body = api_as(bob).get("/api/customers", q="5678").json()
    # bob sees his own customers and the pool, not those another rep owns.
    shown = {c["name"] for c in body["items"]}
    assert "苏州永达五金有限公司" in shown and "宁波兴德商贸有限公司" in shown
    assert "天津海诚物流有限公司" not in shown  # dave's, in another team
    assert body["count"] == len(shown) and body["count_is_exact"] is True


def test_the_ending_is_looked_up_through_its_indexes(phones):
    """The indexes hold an expression; a query that words it differently scans instead."""
    customers, contacts = Customer._meta.db_table, Contact._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
        explain = "EXPLAIN " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
        cursor.execute(explain + _fragment_statement())
        plan = "\n".join(str(row) for row in cursor.fetchall())
    for index in ("customer_phone_tail", "contact_mobile_tail", "contact_phone_tail"):
        assert index in plan, plan
    assert f"SCAN {customers}" not in plan and f"SCAN {contacts}" not in plan
    assert "Seq Scan" not in plan


def test_the_beginning_is_looked_up_through_the_phone_indexes(phones):
    """No pattern index on PostgreSQL: the range must use the plain ones."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
        explain = "EXPLAIN " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
        cursor.execute(explain + _fragment_statement("1381234"))
        plan = "\n".join(str(row) for row in cursor.fetchall())
    for index in ("customer_phone_norm", "contact_mobile_norm", "contact_phone_norm"):
        assert index in plan, plan
    assert "Seq Scan" not in plan and "SCAN customers_" not in plan, plan


def _fragment_statement(digits: str = "45678") -> str:
    """The statement phone_fragment_matches runs, with its values written in."""
    with CaptureQueriesContext(connection) as captured:
        Customer.objects.phone_fragment_matches(digits)
    (query,) = captured.captured_queries
    return query["sql"]
