"""The import's own tests again, validating in a forked process in chunks of two rows.

Every test of test_imports.py runs here with PARALLEL_MIN_ROWS = 1 and PIPELINE_ROWS = 2,
so the path a big file takes (a child process, duplicates found across chunks, rows
created chunk by chunk) is held to the same behaviour as the in-process one.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kehu.customers import imports
from kehu.customers.models import Contact, Customer, ImportJob
from kehu.customers.tests.test_imports import *  # noqa: F403 -- the same tests, on this path
from kehu.customers.tests.test_imports import problems_by_row, write_xlsx

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="validating in a child process needs fork()")


@pytest.fixture(autouse=True)
def in_a_child_in_small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(imports, "PARALLEL_MIN_ROWS", 1)
    monkeypatch.setattr(imports, "PIPELINE_ROWS", 2)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)


def test_a_big_file_is_validated_in_a_child_process(bob, tmp_path, monkeypatch):
    forks = []
    fork = os.fork
    monkeypatch.setattr(os, "fork", lambda: forks.append(1) or fork())
    path = write_xlsx(tmp_path / "c.xlsx", [[f"公司{i}", "", f"1380000{i:04d}"] for i in range(7)])

    job = imports.import_customers(path=path, by=bob)

    assert forks == [1] and (job.total_rows, job.created_count) == (7, 7)


def test_duplicates_across_chunks_name_the_first_row_not_the_row_created_from_it(bob, tmp_path):
    path = write_xlsx(tmp_path / "c.xlsx", [
        ["甲公司", "", "13800000001"], ["乙公司", "", "13800000002"],
        ["丙公司", "", "13800000003"], ["丁公司", "", "13800000001"],  # chunk 2: row 2's phone
        ["甲（公司）", "", ""], ["戊公司", "", "", "", "", "", "某人", "13800000002"],  # chunk 3
    ])

    job = imports.import_customers(path=path, by=bob)

    assert (job.created_count, job.duplicate_count) == (3, 3)
    assert problems_by_row(job) == {5: [("电话", "13800000001")], 6: [("客户名称", "甲（公司）")],
                                    7: [("联系人手机", "13800000002")]}
    assert {p["row"]: p["reason"] for p in job.problems} == {
        5: "Same phone as row 2 of this file.", 6: "Same name as row 2 of this file.",
        7: "Same phone as row 3 of this file.",
    }


def test_a_failing_child_fails_the_import_and_creates_nothing(bob, tmp_path, monkeypatch, capfd):
    parse_rows = imports._parse_rows

    def fail_in_the_third_chunk(table, begin, *args):
        if begin >= 5:
            raise MemoryError("out of memory")
        return parse_rows(table, begin, *args)

    monkeypatch.setattr(imports, "_parse_rows", fail_in_the_third_chunk)  # the fork inherits it
    path = write_xlsx(tmp_path / "c.xlsx", [[f"公司{i}"] for i in range(8)])

    with pytest.raises(RuntimeError, match="validating"):
        imports.import_customers(path=path, by=bob)

    assert not Customer.objects.exists() and not Contact.objects.exists() and not ImportJob.objects.exists()
    assert "MemoryError" in capfd.readouterr().err


def test_an_error_while_writing_stops_the_child(bob, tmp_path, monkeypatch):
    children = []
    fork = os.fork

    def remember() -> int:
        pid = fork()
        children.append(pid)
        return pid

    def refuse(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(os, "fork", remember)
    monkeypatch.setattr(imports, "_create", refuse)
    path: Path = write_xlsx(tmp_path / "c.xlsx", [[f"公司{i}"] for i in range(9)])

    with pytest.raises(OSError, match="disk full"):
        imports.import_customers(path=path, by=bob)

    with pytest.raises(ChildProcessError):  # reaped already
        os.waitpid(children[0], os.WNOHANG)
