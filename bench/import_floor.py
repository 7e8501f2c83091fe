"""The database's own share of an import: what writing the rows costs with no Python at all.

    KEHU_DATA_DIR=/tmp/kehu-bench python bench/import_floor.py [--rows 100000]
    DATABASE_URL=postgres://… python bench/import_floor.py [--rows 100000]

Copies the newest `--rows` customers, their contacts and one history entry each into
temporary tables, gives them new ids and slightly changed keys (names, phones, credit
codes), and times INSERT … SELECT of them into the real tables inside a transaction
that is rolled back afterwards: the database is left as it was. On PostgreSQL the
deferred foreign-key checks, which a real import pays at its commit, are timed by
SET CONSTRAINTS ALL IMMEDIATE before the rollback.

The total is a ceiling for bench/import_bench.py on the same database: an import also
reads, validates and checks duplicates, and no client-side work can make the database's
part faster. Run it on a quiet machine.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kehu.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402

from kehu.core.models import AuditEntry  # noqa: E402
from kehu.customers.models import Contact, Customer  # noqa: E402

CUSTOMERS = Customer._meta.db_table
CONTACTS = Contact._meta.db_table
AUDIT = AuditEntry._meta.db_table


def prepare(cursor, rows: int) -> tuple[int, int]:
    """Temporary copies of the newest customers, a contact each and a history entry each,
    with ids past the real tables' and keys no customer has; (customers, contacts)."""
    cursor.execute(f"SELECT max(id) FROM {CUSTOMERS}")
    shift = (cursor.fetchone()[0] or 0) + 1_000_000
    cursor.execute(f"CREATE TEMPORARY TABLE floor_customer AS SELECT * FROM {CUSTOMERS} ORDER BY id DESC LIMIT %s",
                   [rows])
    # One more character keeps each key beside the one it copies, as a new customer's would.
    cursor.execute(
        "UPDATE floor_customer SET id = id + %s, name_norm = name_norm || '~', phone_norm = "
        "CASE WHEN phone_norm = '' THEN '' ELSE phone_norm || '9' END, credit_code = "
        "CASE WHEN credit_code = '' THEN '' ELSE substr(credit_code, 2) || 'Z' END", [shift],
    )
    cursor.execute(
        f"CREATE TEMPORARY TABLE floor_contact AS SELECT k.* FROM {CONTACTS} AS k "
        f"WHERE k.customer_id IN (SELECT id - %s FROM floor_customer)", [shift],
    )
    cursor.execute(f"SELECT max(id) FROM {CONTACTS}")
    contact_shift = (cursor.fetchone()[0] or 0) + 1_000_000
    cursor.execute(
        "UPDATE floor_contact SET id = id + %s, customer_id = customer_id + %s, mobile_norm = "
        "CASE WHEN mobile_norm = '' THEN '' ELSE mobile_norm || '9' END", [contact_shift, shift],
    )
    cursor.execute("SELECT count(*) FROM floor_customer")
    customers = cursor.fetchone()[0]
    cursor.execute("SELECT count(*) FROM floor_contact")
    return customers, cursor.fetchone()[0]


def timed(cursor, sql: str) -> float:
    started = time.perf_counter()
    cursor.execute(sql)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    audit_columns = [f.column for f in AuditEntry._meta.concrete_fields if not f.primary_key]
    audit_values = {
        "at": "c.created_at", "actor_id": "c.created_by_id", "action": "'customer.imported'",
        "object_type": "'customer'", "object_id": "c.id", "customer_id": "c.id",
        "changes": "'{}'", "note": "'floor'",
    }
    assert set(audit_columns) <= set(audit_values), audit_columns  # a new column needs a value here
    steps: list[tuple[str, float]] = []
    with connection.cursor() as cursor:
        customers, contacts = prepare(cursor, args.rows)
        try:
            with transaction.atomic():
                steps.append((f"{customers:,} customers", timed(
                    cursor, f"INSERT INTO {CUSTOMERS} SELECT * FROM floor_customer ORDER BY id")))
                steps.append((f"{contacts:,} contacts", timed(
                    cursor, f"INSERT INTO {CONTACTS} SELECT * FROM floor_contact ORDER BY id")))
                steps.append((f"{customers:,} history entries", timed(
                    cursor, f"INSERT INTO {AUDIT} ({', '.join(audit_columns)}) SELECT "
                    f"{', '.join(audit_values[c] for c in audit_columns)} FROM floor_customer AS c ORDER BY c.id")))
                if connection.vendor == "postgresql":
                    steps.append(("foreign-key checks", timed(cursor, "SET CONSTRAINTS ALL IMMEDIATE")))
                raise _RollBack
        except _RollBack:
            pass
        cursor.execute("DROP TABLE floor_customer")
        cursor.execute("DROP TABLE floor_contact")
    total = sum(seconds for _step, seconds in steps)
    print(f"{connection.vendor}, {Customer.objects.count():,} customers; rolled back")
    print(f"{'step':<28} {'seconds':>8}")
    for step, seconds in steps:
        print(f"{step:<28} {seconds:>8.2f}")
    print(f"{'total':<28} {total:>8.2f}")
    print(f"ceiling for an import of these rows: {customers / total:,.0f} rows/s")


class _RollBack(Exception):
    """Leaves the atomic block, undoing the inserts."""


if __name__ == "__main__":
    main()
