"""import_customers: real files in tmp_path, a real database."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from kehu.core.errors import InvalidInput
from kehu.core.identifiers import credit_code_with_check
from kehu.core.models import AuditEntry
from kehu.customers.imports import import_customers
from kehu.customers.models import Contact, Customer, ImportJob, Tag
from kehu.customers.services import contact_create, customer_create, customer_delete

HEADERS = ["客户名称", "客户类型", "电话", "统一社会信用代码", "客户等级", "标签", "联系人", "联系人手机"]
CODE_A = credit_code_with_check("91110000MA0000001")
CODE_B = credit_code_with_check("91310000MA0000002")


def write_xlsx(path: Path, rows: list[list[Any]], headers: list[str] = HEADERS) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def write_csv(path: Path, rows: list[list[Any]], headers: list[str] = HEADERS, encoding: str = "utf-8-sig") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        writer.writerows(rows)
    return path


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Messages are matched in English; the zh-Hans catalogue translates them."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def problems_by_row(job: ImportJob) -> dict[int, list[tuple[str, str]]]:
    found: dict[int, list[tuple[str, str]]] = {}
    for p in job.problems:
        found.setdefault(p["row"], []).append((p["column"], p["value"]))
    return found


def test_valid_rows_are_created_with_their_fields(bob, tmp_path):
    path = write_xlsx(tmp_path / "c.xlsx", [
        ["华为技术有限公司", "公司", "138 1234 5678", CODE_A, "大客户", "", "", ""],
        ["张三", "个人", "13900001111", "", "", "", "", ""],
    ])

    job = import_customers(path=path, by=bob)

    assert (job.total_rows, job.created_count, job.error_count, job.duplicate_count) == (2, 2, 0, 0)
    assert job.problems == [] and job.error_file == ""
    huawei = Customer.objects.get(name="华为技术有限公司")
    assert (huawei.kind, huawei.phone_norm, huawei.credit_code, huawei.value_tier) == (
        "company", "13812345678", CODE_A, "key",
    )
    assert huawei.source == "import"
    assert Customer.objects.get(name="张三").kind == "individual"


def test_an_account_manager_owns_what_they_import(bob, tmp_path):
    import_customers(path=write_xlsx(tmp_path / "c.xlsx", [["甲公司"]]), by=bob)

    customer = Customer.objects.get(name="甲公司")
    assert customer.owner == bob and customer.team == bob.department and customer.claimed_at
    assert customer.created_by == bob


def test_what_an_administrator_imports_goes_to_the_pool(root, tmp_path):
    import_customers(path=write_xlsx(tmp_path / "c.xlsx", [["甲公司"]]), by=root)

    assert Customer.objects.get(name="甲公司").owner is None


def test_bad_rows_are_reported_with_row_and_column_while_good_rows_are_kept(bob, tmp_path):
    path = write_xlsx(tmp_path / "c.xlsx", [
        ["好公司", "公司", "13800000001", "", "", "", "", ""],
        ["坏电话公司", "公司", "12345", "", "", "", "", ""],
        ["坏代码公司", "公司", "", "91110000MA0000001X", "", "", "", ""],
        ["", "公司", "13800000004", "", "", "", "", ""],
        ["坏等级公司", "公司", "", "", "超级VIP", "", "", ""],
        ["又一个好公司", "", "", "", "", "", "", ""],
    ])

    job = import_customers(path=path, by=bob)

    assert (job.total_rows, job.created_count, job.error_count) == (6, 2, 4)
    assert problems_by_row(job) == {
        3: [("电话", "12345")],
        4: [("统一社会信用代码", "91110000MA0000001X")],
        5: [("客户名称", "")],
        6: [("客户等级", "超级VIP")],
    }
    assert all(p["reason"] for p in job.problems)
    assert set(Customer.objects.values_list("name", flat=True)) == {"好公司", "又一个好公司"}


def test_a_bad_contact_mobile_rejects_the_row(bob, tmp_path):
    path = write_xlsx(tmp_path / "c.xlsx", [["甲公司", "", "", "", "", "", "李四", "not a phone"]])

    job = import_customers(path=path, by=bob)

    assert job.error_count == 1 and problems_by_row(job) == {2: [("联系人手机", "not a phone")]}
    assert not Customer.objects.exists()


def test_duplicates_against_the_database_are_reported_not_created(bob, tmp_path):
    old = customer_create(by=bob, data={"name": "老客户有限公司", "phone": "13800000001", "credit_code": CODE_A})
    other = customer_create(by=bob, data={"name": "另一家"})
    contact_create(customer=other, by=bob, data={"name": "王五", "mobile": "13700000007"})
    path = write_xlsx(tmp_path / "c.xlsx", [
        ["新名字", "", "138-0000-0001", "", "", "", "", ""],
        ["新名字二", "", "", CODE_A, "", "", "", ""],
        ["老客户（有限）公司", "", "", "", "", "", "", ""],
        ["新名字三", "", "13700000007", "", "", "", "", ""],
        ["新名字四", "", "", "", "", "", "赵六", "13800000001"],
        ["真的新公司", "", "", "", "", "", "", ""],
    ])

    job = import_customers(path=path, by=bob)

    assert (job.created_count, job.duplicate_count, job.error_count) == (1, 5, 0)
    assert problems_by_row(job) == {
        2: [("电话", "138-0000-0001")], 3: [("统一社会信用代码", CODE_A)], 4: [("客户名称", "老客户（有限）公司")],
        5: [("电话", "13700000007")], 6: [("联系人手机", "13800000001")],
    }
    reasons = {p["row"]: p["reason"] for p in job.problems}
    assert "老客户有限公司" in reasons[2] and f"#{old.pk}" in reasons[2]
    assert f"#{other.pk}" in reasons[5]
    assert Customer.objects.count() == 3


def test_individuals_with_the_same_name_are_not_duplicates(bob, tmp_path):
    path = write_xlsx(tmp_path / "c.xlsx", [["张伟", "个人"], ["张伟", "个人"]])

    assert import_customers(path=path, by=bob).created_count == 2


def test_deleted_customers_are_not_duplicates(bob, tmp_path):
    customer_delete(customer=customer_create(by=bob, data={"name": "已删除公司", "phone": "13800000001"}), by=bob)

    job = import_customers(path=write_xlsx(tmp_path / "c.xlsx", [["已删除公司", "", "13800000001"]]), by=bob)

    assert job.created_count == 1


def test_duplicates_within_the_file_are_reported_not_created(bob, tmp_path):
    path = write_xlsx(tmp_path / "c.xlsx", [
        ["甲公司", "", "13800000001", "", "", "", "", ""],
        ["乙公司", "", "13800000001", "", "", "", "", ""],
        ["甲 公司", "", "", "", "", "", "", ""],
        ["丙公司", "", "", "", "", "", "联系人", "13800000001"],
    ])

    job = import_customers(path=path, by=bob)

    assert (job.created_count, job.duplicate_count) == (1, 3)
    assert problems_by_row(job) == {3: [("电话", "13800000001")], 4: [("客户名称", "甲 公司")],
                                    5: [("联系人手机", "13800000001")]}
    assert all("2" in p["reason"] for p in job.problems)
    assert list(Customer.objects.values_list("name", flat=True)) == ["甲公司"]


def test_importing_the_same_file_again_creates_nothing(bob, tmp_path):
    path = write_xlsx(tmp_path / "c.xlsx", [
        ["甲公司", "", "13800000001", CODE_A, "", "a、b", "李四", "13900000001"],
        ["张三", "个人", "13800000002", "", "", "", "", ""],
    ])
    import_customers(path=path, by=bob)

    again = import_customers(path=path, by=bob)

    assert (again.created_count, again.duplicate_count) == (0, 2)
    assert Customer.objects.count() == 2 and Contact.objects.count() == 1


def test_a_dry_run_writes_nothing_but_the_job(bob, tmp_path):
    path = write_xlsx(tmp_path / "c.xlsx", [
        ["甲公司", "", "13800000001", "", "", "新标签", "李四", "13900000001"],
        ["乙公司", "", "bad", "", "", "", "", ""],
    ])

    job = import_customers(path=path, by=bob, dry_run=True)

    assert job.dry_run and (job.total_rows, job.created_count, job.error_count) == (2, 1, 1)
    assert ImportJob.objects.get() == job
    assert not Customer.objects.exists() and not Contact.objects.exists()
    assert not Tag.objects.exists() and not AuditEntry.objects.exists()


def test_a_csv_saved_in_gbk_is_read(bob, tmp_path):
    path = write_csv(tmp_path / "c.csv", [["北京测试有限公司", "公司", "13800000001", "", "优质", "", "", ""]],
                     encoding="gbk")

    job = import_customers(path=path, by=bob)

    assert job.created_count == 1
    assert Customer.objects.get().name == "北京测试有限公司"


def test_a_utf8_csv_with_a_bom_is_read(bob, tmp_path):
    job = import_customers(path=write_csv(tmp_path / "c.csv", [["上海测试有限公司"]]), by=bob)

    assert job.created_count == 1 and job.problems == []


def test_english_headers_are_mapped_regardless_of_case_and_spaces(bob, tmp_path):
    headers = [" Name ", "KIND", "Phone", "credit code", "Value Tier", "Tags", "Contact Name", "contact_mobile",
               "E-mail", "Province", "City", "Source", "Time State", "Notes"]
    path = write_xlsx(tmp_path / "c.xlsx", [[
        "Acme Ltd", "company", "13800000001", CODE_B, "Quality customer", "x|y", "Li Si", "13900000001",
        "info@acme.cn", "广东", "深圳", "Website", "current", "met at the fair",
    ]], headers=headers)

    job = import_customers(path=path, by=bob)

    assert job.created_count == 1 and job.problems == []
    acme = Customer.objects.get()
    assert (acme.credit_code, acme.value_tier, acme.email, acme.province, acme.city, acme.source, acme.time_state,
            acme.notes) == (CODE_B, "quality", "info@acme.cn", "广东", "深圳", "website", "current", "met at the fair")


def test_unknown_columns_are_noted_once_and_are_not_errors(bob, tmp_path):
    path = write_xlsx(tmp_path / "c.xlsx", [["甲公司", "whatever"], ["乙公司", "more"]], headers=["名称", "微博"])

    job = import_customers(path=path, by=bob)

    assert (job.created_count, job.error_count) == (2, 0)
    assert [(p["row"], p["column"]) for p in job.problems] == [(1, "微博")]


def test_tags_and_contacts_are_created(bob, tmp_path):
    path = write_xlsx(tmp_path / "c.xlsx", [
        ["甲公司", "", "", "", "", "重点, 华东；制造业|重点", "李四", "13900000001"],
        ["乙公司", "", "", "", "", "华东", "", ""],
    ], headers=[*HEADERS[:6], "联系人", "联系人手机"])

    import_customers(path=path, by=bob)

    jia = Customer.objects.get(name="甲公司")
    assert sorted(jia.tags.values_list("name", flat=True)) == ["制造业", "华东", "重点"]
    assert list(Customer.objects.get(name="乙公司").tags.values_list("name", flat=True)) == ["华东"]
    contact = jia.contacts.get()
    assert (contact.name, contact.mobile_norm) == ("李四", "13900000001")
    assert Tag.objects.count() == 3


def test_each_imported_customer_has_an_import_entry_in_its_history(bob, tmp_path):
    import_customers(path=write_xlsx(tmp_path / "客户.xlsx", [["甲公司"], ["乙公司"]]), by=bob)

    for customer in Customer.objects.all():
        entry = AuditEntry.objects.get(customer_id=customer.pk)
        assert (entry.action, entry.actor, entry.object_id) == ("customer.imported", bob, customer.pk)
        assert "客户.xlsx" in entry.note and entry.at


def test_a_phone_typed_as_a_number_in_excel_is_read(bob, tmp_path):
    job = import_customers(path=write_xlsx(tmp_path / "c.xlsx", [["甲公司", "", 13800000001]]), by=bob)

    assert job.created_count == 1 and Customer.objects.get().phone == "13800000001"


def test_blank_rows_are_skipped_and_numbering_follows_the_sheet(bob, tmp_path):
    path = write_xlsx(tmp_path / "c.xlsx", [["甲公司"], [None, None], ["", "", "bad"]])

    job = import_customers(path=path, by=bob)

    assert job.total_rows == 2 and [p["row"] for p in job.problems] == [4, 4]


def test_a_table_placed_away_from_a1_keeps_the_sheets_rows_and_columns(bob, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet["C3"], sheet["D3"], sheet["E3"] = "客户名称", "电话", "客户等级"
    sheet["C4"], sheet["D4"] = "甲公司", "13800000001"
    sheet["C6"], sheet["E6"] = "乙公司", "超级VIP"
    sheet["C7"], sheet["D7"] = "丙公司", "13800000001"
    path = tmp_path / "c.xlsx"
    book.save(path)

    job = import_customers(path=path, by=bob)

    assert (job.total_rows, job.created_count, job.error_count, job.duplicate_count) == (3, 1, 1, 1)
    assert problems_by_row(job) == {6: [("客户等级", "超级VIP")], 7: [("电话", "13800000001")]}
    assert Customer.objects.get().phone == "13800000001"


def test_the_error_file_lists_the_problems(bob, tmp_path, media):
    path = write_csv(tmp_path / "c.csv", [["甲公司", "", "12345"], ["=HYPERLINK(1)", "", "bad"]])

    job = import_customers(path=path, by=bob)

    error_file = Path(job.error_file)
    assert error_file.is_file() and error_file.is_absolute() and error_file.parent == media / "imports"
    problems = list(load_workbook(error_file).worksheets[0].iter_rows(min_row=2, values_only=True))
    assert [(r, c, v) for r, c, v, _reason in problems] == [(2, "电话", "12345"), (3, "电话", "bad")]
    rows_to_fix = list(load_workbook(error_file).worksheets[1].iter_rows(values_only=True))
    assert rows_to_fix[2][0] == "=HYPERLINK(1)"  # kept as text, not a formula


def test_a_missing_file_is_refused(bob, tmp_path):
    with pytest.raises(InvalidInput, match="not found|找不到"):
        import_customers(path=tmp_path / "nope.xlsx", by=bob)


def test_an_unknown_format_is_refused(bob, tmp_path):
    path = tmp_path / "c.pdf"
    path.write_bytes(b"%PDF-1.4")
    with pytest.raises(InvalidInput, match="pdf"):
        import_customers(path=path, by=bob)


def test_a_file_without_a_name_column_is_refused(bob, tmp_path):
    with pytest.raises(InvalidInput, match="name column|名称列"):
        import_customers(path=write_xlsx(tmp_path / "c.xlsx", [["13800000001"]], headers=["电话"]), by=bob)


def test_a_corrupt_spreadsheet_is_refused(bob, tmp_path):
    path = tmp_path / "c.xlsx"
    path.write_bytes(b"not a zip file")
    with pytest.raises(InvalidInput):
        import_customers(path=path, by=bob)


def test_the_upload_name_tells_the_format_of_a_temporary_file(bob, tmp_path):
    path = write_csv(tmp_path / "upload.csv", [["甲公司"]]).rename(tmp_path / "upload")

    job = import_customers(path=path, by=bob, file_name="客户.csv")

    assert job.created_count == 1 and job.file_name == "客户.csv"


cell_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=25)
phone_like = st.one_of(cell_text, st.sampled_from(["13800000001", "010-12345678", "+86 139 0000 0002", ""]))


@pytest.mark.django_db
@hypothesis_settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(cell_text, cell_text, phone_like, cell_text, cell_text, cell_text, cell_text,
                               phone_like).map(list), max_size=6))
def test_arbitrary_cell_text_never_breaks_an_import(bob, tmp_path, rows):
    path = write_csv(tmp_path / "fuzz.csv", rows)

    job = import_customers(path=path, by=bob)

    assert job.created_count + job.error_count + job.duplicate_count == job.total_rows <= len(rows)
