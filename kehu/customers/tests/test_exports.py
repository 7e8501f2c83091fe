"""export_customers, and that an export can be imported again unchanged."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from kehu.core.errors import InvalidInput
from kehu.core.identifiers import credit_code_with_check
from kehu.customers.imports import EXPORT_HEADERS, export_customers, import_customers
from kehu.customers.models import Customer
from kehu.customers.services import contact_create, customer_create

FIELDS = ["kind", "name", "phone_norm", "credit_code", "email", "industry", "province", "city", "district",
          "address", "source", "value_tier", "time_state", "relation", "need_type", "behaviour_type", "notes"]


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def customers(bob) -> list[Customer]:
    full = customer_create(by=bob, data={
        "name": "华为技术有限公司", "kind": "company", "phone": "0755-28780808",
        "credit_code": credit_code_with_check("91440300MA5D00001"), "email": "info@huawei.cn",
        "industry": "通信", "province": "广东", "city": "深圳", "district": "龙岗", "address": "坂田华为基地",
        "source": "fair", "value_tier": "key", "time_state": "current", "relation": "external",
        "need_type": "service", "behaviour_type": "picky", "notes": "第一行\n第二行", "tags": ["重点", "华南"],
    })
    contact_create(customer=full, by=bob, data={"name": "李四", "mobile": "13900000001", "title": "采购经理"})
    tricky = customer_create(by=bob, data={"name": "=1+2 公司", "phone": "+86 138 0000 0002", "source": "referral"})
    person = customer_create(by=bob, data={"name": "张三", "kind": "individual", "time_state": "lost", "source": "walk_in"})
    return [full, tricky, person]


def snapshot(customer: Customer) -> tuple[Any, ...]:
    contacts = [(c.name, c.mobile_norm, c.title) for c in customer.contacts.all()]
    return (*[getattr(customer, f) for f in FIELDS], sorted(customer.tags.values_list("name", flat=True)), contacts)


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_an_export_imports_back_unchanged(customers, bob, tmp_path, fmt):
    before = sorted(snapshot(c) for c in Customer.objects.all())
    path = tmp_path / f"customers.{fmt}"

    assert export_customers(queryset=Customer.objects.all(), path=path, fmt=fmt) == 3
    Customer.objects.all().delete()
    job = import_customers(path=path, by=bob)

    assert (job.created_count, job.error_count, job.duplicate_count, job.problems) == (3, 0, 0, [])
    assert sorted(snapshot(c) for c in Customer.objects.all()) == before


def test_an_xlsx_export_has_the_chinese_headers_and_one_row_per_customer(customers, tmp_path):
    path = tmp_path / "c.xlsx"

    export_customers(queryset=Customer.objects.order_by("pk"), path=path, fmt="xlsx")

    rows = list(load_workbook(path).worksheets[0].iter_rows(values_only=True))
    assert list(rows[0]) == EXPORT_HEADERS and rows[0][:3] == ("客户名称", "客户类型", "电话")
    assert [r[0] for r in rows[1:]] == ["华为技术有限公司", "=1+2 公司", "张三"]
    assert load_workbook(path).worksheets[0]["A3"].data_type == "s"  # text, not a formula
    assert rows[1][EXPORT_HEADERS.index("标签")] == "华南、重点"
    assert rows[1][EXPORT_HEADERS.index("负责人")] == "Bob"


def test_a_csv_export_keeps_spreadsheets_from_running_formulas(customers, tmp_path):
    path = tmp_path / "c.csv"

    export_customers(queryset=Customer.objects.order_by("pk"), path=path, fmt="csv")

    rows = list(csv.reader(path.open(encoding="utf-8-sig")))
    assert (rows[2][0], rows[2][2]) == ("'=1+2 公司", "'+86 138 0000 0002")


def test_only_the_given_customers_are_exported(customers, tmp_path):
    count = export_customers(queryset=Customer.objects.filter(kind="individual"), path=tmp_path / "c.csv", fmt="csv")

    assert count == 1


def test_an_unknown_export_format_is_refused(customers, tmp_path):
    with pytest.raises(InvalidInput):
        export_customers(queryset=Customer.objects.all(), path=tmp_path / "c.pdf", fmt="pdf")
