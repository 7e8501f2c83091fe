"""Time `kehu insights refresh` over 1,000,000 customers and 10,000,000 ledger rows.

    python bench/insights_bench.py [--customers 1000000] [--ledger 10000000] [--data-dir DIR]
    bash scripts/with-postgres.sh .venv/bin/python bench/insights_bench.py --db postgres

The data are made in the database itself (a recursive CTE on SQLite, generate_series on
PostgreSQL, a million rows per statement), so generating takes a minute, not an hour;
`kehu.core.demo.generate` writes rows from Python and is far slower at this size. Then
the real console command runs twice in a child process: the first run writes every tier,
state and insight; the second finds nothing changed (idempotent). The contract: ≤ 60 s.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHUNK = 1_000_000


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--customers", type=int, default=1_000_000)
    p.add_argument("--ledger", type=int, default=10_000_000)
    p.add_argument("--followups", type=int, default=1_000_000)
    p.add_argument("--complaints", type=int, default=20_000)
    p.add_argument("--db", choices=["sqlite", "postgres"], default=None)
    p.add_argument("--data-dir", default=None, help="Reuse this data dir (and its data) between runs.")
    return p.parse_args()


def setup(args: argparse.Namespace) -> tuple[str, Path]:
    db = args.db or ("postgres" if os.environ.get("DATABASE_URL") else "sqlite")
    if db == "postgres" and not os.environ.get("DATABASE_URL"):
        sys.exit("--db postgres needs DATABASE_URL; run under scripts/with-postgres.sh")
    if db == "sqlite":
        os.environ.pop("DATABASE_URL", None)
    data_dir = Path(args.data_dir or tempfile.mkdtemp(prefix="kehu-insights-", dir="/tmp"))
    data_dir.mkdir(parents=True, exist_ok=True)
    os.environ["KEHU_DATA_DIR"] = str(data_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "kehu.settings"
    os.environ.setdefault("KEHU_LOG_LEVEL", "ERROR")
    sys.path.insert(0, str(ROOT))
    return db, data_dir


def _defaults(model, overrides: dict[str, str], now: object) -> tuple[list[str], list[str], list[object]]:
    """Columns, SQL expressions and parameters for a row: overrides are SQL over `n`."""
    from django.db.models import NOT_PROVIDED

    columns, exprs, params = [], [], []
    for f in model._meta.concrete_fields:
        if getattr(f, "generated", False) or (f.primary_key and f.column not in overrides):
            continue
        columns.append(f.column)
        if f.column in overrides:
            exprs.append(overrides[f.column].replace("%", "%%"))  # SQL modulo, not a placeholder
            continue
        exprs.append("%s")
        if f.null:
            params.append(None)
        elif f.default is not NOT_PROVIDED:
            value = f.default() if callable(f.default) else f.default
            params.append(now if f.get_internal_type() == "DateTimeField" else f.get_db_prep_value(value, _conn()))
        else:
            params.append("")
    return columns, exprs, params


def _conn():
    from django.db import connection

    return connection


def insert_series(model, count: int, overrides: dict[str, str]) -> None:
    """INSERT `count` rows made by SQL from n = 1..count, a million per statement."""
    from django.db import connection, transaction
    from django.utils import timezone

    now = connection.ops.adapt_datetimefield_value(timezone.now())
    columns, exprs, params = _defaults(model, overrides, now)
    table = model._meta.db_table
    for start in range(0, count, CHUNK):
        stop = min(start + CHUNK, count)
        if connection.vendor == "postgresql":
            source = "FROM generate_series(CAST(%s AS BIGINT), CAST(%s AS BIGINT)) AS s(n)"
            sql = f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(exprs)} {source}"
            args = [*params, start + 1, stop]
        else:
            sql = (f"INSERT INTO {table} ({', '.join(columns)}) WITH RECURSIVE s(n) AS (SELECT %s UNION ALL "
                   f"SELECT n + 1 FROM s WHERE n < %s) SELECT {', '.join(exprs)} FROM s")
            args = [start + 1, stop, *params]
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, args)


def generate(args: argparse.Namespace) -> float:
    from django.db import connection

    from kehu.customers.models import Customer, FollowUp, LedgerEntry
    from kehu.service.models import Ticket

    pg = connection.vendor == "postgresql"
    n_c = args.customers
    # Deterministic pseudo-random numbers from n: no RNG state to carry between chunks.
    day = (lambda e: f"(DATE '2026-06-30' - CAST({e} AS INTEGER))") if pg else (
        lambda e: f"date('2026-06-30', '-' || ({e}) || ' days')")
    stamp = (lambda e: f"(TIMESTAMP '2026-06-30 09:00' - ({e}) * INTERVAL '1 day')") if pg else (
        lambda e: f"datetime('2026-06-30 09:00', '-' || ({e}) || ' days')")
    started = time.monotonic()
    insert_series(Customer, n_c, {"id": "n", "name": "'客户' || n", "name_norm": "'客户' || n"})
    print(f"  customers {n_c:,}: {time.monotonic() - started:.0f} s", flush=True)
    # ~60 % of customers pay; each payer's rows are spread over the last ~5 years.
    payer = f"(1 + ((n * 7919) % {max(n_c * 6 // 10, 1)}) * {10} / 6)"
    insert_series(LedgerEntry, args.ledger, {
        "customer_id": payer, "kind": "CASE WHEN n % 10 = 0 THEN 'invoice' ELSE 'receipt' END",
        "amount": "(100 + (n * 104729) % 50000)", "date": day("(n * 2654435761) % 1800"),
    })
    print(f"  ledger {args.ledger:,}: {time.monotonic() - started:.0f} s", flush=True)
    insert_series(FollowUp, args.followups, {
        "customer_id": f"(1 + (n * 7907) % {n_c})", "channel": "'phone'", "content": "'回访'",
        "at": stamp("(n * 31) % 900"),
    })
    insert_series(Ticket, args.complaints, {
        "number": "'B' || n", "tracking_code": "'b' || n", "kind": "'complaint'", "channel": "'phone'", "title": "'投诉'",
        "customer_id": f"(1 + (n * 7901) % {n_c})", "created_at": stamp("n % 200"),
    })
    if pg:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{Customer._meta.db_table}', 'id'), {n_c})")
            cursor.execute("ANALYZE")
    print(f"  follow-ups and complaints: {time.monotonic() - started:.0f} s", flush=True)
    return time.monotonic() - started


def refresh() -> tuple[float, str]:
    started = time.monotonic()
    out = subprocess.run([sys.executable, "-m", "kehu.cli", "insights", "refresh", "--today", "2026-06-30"],
                         cwd=ROOT, capture_output=True, text=True, check=True, env=os.environ.copy())
    return time.monotonic() - started, out.stdout.strip()


def main() -> None:
    args = parse_args()
    db, data_dir = setup(args)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from kehu.customers.models import Customer

    call_command("migrate", interactive=False, verbosity=0)
    if Customer.objects.count() < args.customers:
        print(f"Generating {args.customers:,} customers and {args.ledger:,} ledger rows on {db}…", flush=True)
        generate(args)
    connection.close()
    print(f"load average before: {os.getloadavg()}")
    for label in ("first run", "second run (nothing changed)"):
        seconds, output = refresh()
        print(f"{db}: kehu insights refresh, {label}: {seconds:.1f} s\n  {output[:900]}", flush=True)
    print(f"load average after: {os.getloadavg()}")
    if args.data_dir is None and db == "sqlite":
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
