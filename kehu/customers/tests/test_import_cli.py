"""`kehu import customers` and `kehu export customers`."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from kehu.customers.models import Customer, ImportJob
from kehu.customers.tests.test_imports import write_xlsx

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Messages are matched in English; the zh-Hans catalogue translates them."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_import_prints_a_summary_and_the_error_file(bob, tmp_path):
    path = write_xlsx(tmp_path / "c.xlsx", [["甲公司"], ["乙公司", "", "12345"]])

    output = run("import", "customers", str(path), "--as", "bob")

    assert "rows 2, created 1, duplicates 0, errors 1" in output
    assert "row 3 电话 “12345”" in output
    assert f"error report: {ImportJob.objects.get().error_file}" in output
    assert Customer.objects.get().owner == bob


def test_import_defaults_to_the_first_superuser(root, tmp_path):
    run("import", "customers", str(write_xlsx(tmp_path / "c.xlsx", [["甲公司"]])))

    assert ImportJob.objects.get().by == root and Customer.objects.get().owner is None


def test_a_dry_run_import_creates_nothing(bob, tmp_path):
    output = run("import", "customers", str(write_xlsx(tmp_path / "c.xlsx", [["甲公司"]])), "--dry-run", "--as", "bob")

    assert "[dry run] rows 1, created 1" in output and not Customer.objects.exists()


def test_import_of_a_missing_file_fails(bob, tmp_path):
    with pytest.raises(CommandError, match="not found"):
        run("import", "customers", str(tmp_path / "nope.xlsx"), "--as", "bob")


def test_import_of_a_file_without_a_name_column_fails(bob, tmp_path):
    with pytest.raises(CommandError, match="name column|名称列"):
        run("import", "customers", str(write_xlsx(tmp_path / "c.xlsx", [["x"]], headers=["电话"])), "--as", "bob")


def test_import_as_an_unknown_user_fails(bob, tmp_path):
    with pytest.raises(CommandError, match="nobody"):
        run("import", "customers", str(write_xlsx(tmp_path / "c.xlsx", [["甲公司"]])), "--as", "nobody")


def test_export_infers_the_format_from_the_extension(bob, tmp_path):
    run("import", "customers", str(write_xlsx(tmp_path / "in.xlsx", [["甲公司"], ["乙公司"]])), "--as", "bob")

    assert "2 customers written" in run("export", "customers", str(tmp_path / "out.csv"))
    assert (tmp_path / "out.csv").read_text(encoding="utf-8-sig").startswith("客户名称,")
    run("export", "customers", str(tmp_path / "out.dat"), "--format", "xlsx")
    assert (tmp_path / "out.dat").read_bytes()[:2] == b"PK"


def test_export_to_an_unknown_extension_fails(bob, tmp_path):
    with pytest.raises(CommandError, match="format"):
        run("export", "customers", str(tmp_path / "out.pdf"))


def test_the_kehu_command_exits_non_zero_on_a_missing_file(tmp_path):
    env = {**os.environ, "KEHU_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "kehu.settings"}
    env.pop("DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-m", "kehu.cli", "import", "customers", str(tmp_path / "nope.xlsx")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )

    assert done.returncode != 0 and "not found" in done.stderr


def test_a_big_import_refreshes_the_planner_statistics_after_its_report(bob, tmp_path, monkeypatch):
    import importlib

    from django.db import connection

    command = importlib.import_module("kehu.customers.management.commands.import")  # a keyword
    monkeypatch.setattr(command, "STATS_REFRESH_ROWS", 2)  # what counts as big, scaled down
    path = write_xlsx(tmp_path / "c.xlsx", [["甲公司"], ["乙公司"], ["丙公司"]])
    output = run("import", "customers", str(path), "--as", "bob")
    assert output.index("created 3") < output.index("planner statistics refreshed")
    if connection.vendor == "sqlite":
        from kehu.core.dbstats import seed_sqlite_stats

        with connection.cursor() as cursor:
            cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = 'customers_customer'")
            assert all(stat.startswith("3 ") for (stat,) in cursor.fetchall())  # counted, not seeded
            # The planner keeps what ANALYZE loaded after this test's rollback: give it the
            # seeded figures back, or later tests on this connection plan for three rows.
            cursor.execute("DELETE FROM sqlite_stat1")
        seed_sqlite_stats()


def test_a_small_import_leaves_the_statistics_to_the_sweep(bob, tmp_path):
    from django.utils import timezone

    from kehu.customers.imports import big_imports_since

    before = timezone.now()
    path = write_xlsx(tmp_path / "c.xlsx", [["甲公司"]])
    assert "planner statistics" not in run("import", "customers", str(path), "--as", "bob")
    assert not big_imports_since(before)
    ImportJob.objects.create(by=bob, file_name="big.xlsx", total_rows=50_000, created_count=50_000)
    assert big_imports_since(before)
