"""Time a customer import into the current database (SQLite or DATABASE_URL).

    KEHU_DATA_DIR=/tmp/kehu-bench python -m kehu.cli migrate
    KEHU_DATA_DIR=/tmp/kehu-bench python bench/import_bench.py [--rows 100000] [--profile]

Writes an .xlsx of new, valid, unique customers (with a contact and tags) into a temp
dir, imports it as an administrator and prints rows/s. The contract: ≥ 20,000 rows/s.
From 20,000 rows the import validates in a forked second process, so the machine's
second core counts: run it on a quiet machine. `--profile` profiles this process only.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import secrets
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kehu.settings")

import django  # noqa: E402

django.setup()

from openpyxl import Workbook  # noqa: E402

from kehu.accounts.models import Role, User  # noqa: E402
from kehu.core.identifiers import credit_code_with_check  # noqa: E402
from kehu.customers.imports import import_customers  # noqa: E402
from kehu.customers.models import Customer  # noqa: E402

HEADERS = ["客户名称", "客户类型", "电话", "统一社会信用代码", "省份", "城市", "行业", "来源",
           "客户等级", "标签", "联系人", "联系人手机", "联系人职务", "备注"]
PROVINCES = [("广东", "深圳"), ("浙江", "杭州"), ("北京", "北京"), ("上海", "上海"), ("四川", "成都")]
TIERS = ["大客户", "优质", "一般", "边缘", ""]


def make_file(path: Path, rows: int, spread: bool = False) -> None:
    """Unique names, phones and credit codes; a run tag keeps reruns from colliding.

    By default the keys are numbered, so each index takes them in one place (a B-tree's
    best case); with `spread` they are random, so they land all over the indexes as new
    customers' phones and codes do (some may then already exist: reported as duplicates).
    """
    run = secrets.randbelow(10**6)
    numbers = random.Random(run).sample(range(10**12), rows) if spread else None
    book = Workbook(write_only=True)
    sheet = book.create_sheet("客户")
    sheet.append(HEADERS)
    for i in range(rows):
        n = numbers[i] if numbers else run * 10**6 + i  # < 10**12
        province, city = PROVINCES[i % len(PROVINCES)]
        code = credit_code_with_check(f"91{n:012d}{i % 1000:03d}")
        sheet.append([
            f"测试{n}科技有限公司", "公司", f"13{n % 10**9:09d}", code, province, city, "制造业",
            "website" if i % 2 else "", TIERS[i % 5], "华南、重点" if i % 3 == 0 else "",
            f"联系人{i}", f"15{n % 10**9:09d}", "经理", "",
        ])
    book.save(path)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--spread", action="store_true",
                        help="Random keys instead of numbered ones (see make_file), when the file is written.")
    parser.add_argument("--file", type=Path, default=None,
                        help="Import this .xlsx, writing it first when missing (reuse it against fresh "
                             "copies of one database; its rows are new only once per database).")
    args = parser.parse_args()
    by = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser(
        username=f"bench-{secrets.token_hex(3)}", password=secrets.token_urlsafe(), role=Role.ADMIN,
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = args.file or Path(tmp) / "bench.xlsx"
        started = time.perf_counter()
        if not path.exists():
            make_file(path, args.rows, args.spread)
        print(f"{path}: {time.perf_counter() - started:.1f} s to write; "
              f"database holds {Customer.objects.count()} customers; "
              f"load average {os.getloadavg()[0]:.2f} before")
        profiler = cProfile.Profile() if args.profile else None
        started, cpu = time.perf_counter(), time.process_time()
        if profiler:
            profiler.enable()
        job = import_customers(path=path, by=by)
        if profiler:
            profiler.disable()
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(f"rows {job.total_rows}, created {job.created_count}, duplicates {job.duplicate_count}, "
          f"errors {job.error_count}")
    print(f"{seconds:.2f} s, {job.total_rows / seconds:,.0f} rows/s "
          f"(CPU time of this process {cpu:.2f} s, not counting the validating child process; "
          f"load average {os.getloadavg()[0]:.2f} after)")
    if profiler:
        pstats.Stats(profiler).sort_stats(os.environ.get("KEHU_PROFILE_SORT", "cumulative")).print_stats(30)


if __name__ == "__main__":
    main()
