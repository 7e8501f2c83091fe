"""The import page, its report and error file, and the export link of the list."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from kehu.customers import services
from kehu.customers.models import Customer, ImportJob

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def xlsx(rows: list[list[str]], name: str = "客户.xlsx") -> SimpleUploadedFile:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile(name, buf.getvalue())


ROWS = [["客户名称", "电话", "城市"], ["华东电器", "13800000001", "杭州"], ["坏号码公司", "12345", "宁波"]]


def test_import_creates_rows_and_reports_the_bad_one(web_as, bob, media):
    client = web_as(bob)
    response = client.post("/customers/import/", {"file": xlsx(ROWS)})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/customers/import/{job.pk}/"
    page = client.get(response["Location"]).content.decode()
    problems = page[page.index('id="problems"'):]
    assert "<td class=\"num\">3</td>" in problems and "12345" in problems
    assert Customer.objects.filter(name="华东电器", owner=bob).exists()
    assert (job.total_rows, job.created_count, job.error_count) == (2, 1, 1)
    assert f"/customers/import/{job.pk}/errors/" in page
    assert any(p.is_relative_to(media / "imports") for p in (media / "imports").iterdir())


def test_dry_run_saves_nothing(web_as, bob):
    web_as(bob).post("/customers/import/", {"file": xlsx(ROWS), "dry_run": "on"})
    assert not Customer.objects.exists()
    assert ImportJob.objects.get().dry_run


def test_csv_import(web_as, bob):
    data = "name,phone\n华东电器,13800000001\n".encode()
    web_as(bob).post("/customers/import/", {"file": SimpleUploadedFile("a.csv", data)})
    assert Customer.objects.filter(name="华东电器").exists()


@pytest.mark.parametrize(("name", "content"), [
    ("a.xlsx", b"not a zip at all"),
    ("a.csv", b"\xff\xfe\x00garbage\x00"),
    ("a.csv", b""),
    ("a.exe", b"MZ"),
    ("a.csv", "城市\n杭州\n".encode()),
])
def test_unusable_files_are_refused_on_the_form(web_as, bob, name, content):
    response = web_as(bob).post("/customers/import/", {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 200
    assert 'class="form-errors"' in response.content.decode()


def test_missing_file_is_a_form_error(web_as, bob):
    assert web_as(bob).post("/customers/import/", {}).status_code == 200


def test_error_file_only_for_its_user_or_admins(web_as, bob, erin, root):
    web_as(bob).post("/customers/import/", {"file": xlsx(ROWS)})
    job = ImportJob.objects.get()
    download = web_as(bob).get(f"/customers/import/{job.pk}/errors/")
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).worksheets[0]
    assert any("12345" in str(cell.value) for row in sheet.iter_rows() for cell in row)
    assert web_as(erin).get(f"/customers/import/{job.pk}/errors/").status_code == 404
    assert web_as(erin).get(f"/customers/import/{job.pk}/").status_code == 404
    assert web_as(root).get(f"/customers/import/{job.pk}/errors/").status_code == 200


def test_export_uses_the_current_filters_and_scope(web_as, bob, dave):
    services.customer_create(by=bob, data={"name": "大客户", "value_tier": "key"})
    services.customer_create(by=bob, data={"name": "小客户", "value_tier": "marginal"})
    services.customer_create(by=dave, data={"name": "别组大客户", "value_tier": "key"})
    response = web_as(bob).get("/customers/export/", {"value_tier": "key", "format": "csv"})
    assert response.status_code == 200 and ".csv" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    names = [row[0] for row in csv.reader(io.StringIO(text))][1:]
    assert names == ["大客户"]
    xlsx_response = web_as(bob).get("/customers/export/")
    assert load_workbook(io.BytesIO(b"".join(xlsx_response.streaming_content))).active.max_row == 3


def test_roles_that_see_masked_data_export_only_their_own_customers(web_as, alice, bob, carol):
    services.customer_create(by=bob, data={"name": "自己的", "phone": "13800000001"})
    services.customer_create(by=carol, data={"name": "公海的", "phone": "13900000002"})

    def exported(user) -> str:
        response = web_as(user).get("/customers/export/", {"format": "csv"})
        return b"".join(response.streaming_content).decode("utf-8-sig")

    assert "自己的" in exported(bob) and "公海的" not in exported(bob)
    assert "13800000001" not in exported(alice)  # an agent sees everyone masked: nothing of others'
    assert "公海的" in exported(carol) and "自己的" in exported(carol)
