"""Planner statistics, so the database picks the index a query needs at any size.

Without statistics SQLite guesses, and at a million customers it guessed wrong: it
answered "owner = me OR in the pool, newest first" by collecting half the table
through the owner index and sorting it (0.8 s) instead of walking the primary key
backwards (1 ms). SQLite documents writing sqlite_stat1 by hand for exactly this;
we seed representative figures once, and real ANALYZE runs replace them.
"""

from __future__ import annotations

from typing import Any

from django.db import connections

# Representative shape of a big installation: rows per table, and for the first column
# of each index, how many rows share one value (later columns count as selective).
_ROWS = 1_000_000
_ROWS_PER_VALUE: dict[str, dict[str, int]] = {
    "customers_customer": {
        "owner_id": 200_000, "team_id": 100_000, "value_tier": 250_000, "province": 30_000,
        "deleted_at": 1, "credit_code": 50, "phone_norm": 2, "name_norm": 2, "created_at": 1,
    },
    "customers_contact": {"customer_id": 2, "mobile_norm": 2, "phone_norm": 20},
    "customers_customer_tags": {"customer_id": 2, "tag_id": 10_000},
    "customers_customer_segments": {"customer_id": 1, "segment_id": 10_000},
    "customers_followup": {"customer_id": 5, "next_date": 1000, "at": 1},
    "customers_ledgerentry": {"customer_id": 5},
    "customers_equipment": {"customer_id": 2},
    "core_auditentry": {"customer_id": 5, "at": 1},
    "service_ticket": {
        "assignee_id": 5000, "team_id": 200_000, "still_open": 500_000, "status": 250_000, "customer_id": 5,
        "created_at": 1, "number": 1, "tracking_code": 1, "master_id": 1_000_000, "grade_id": 250_000,
    },
    "service_escalation": {"ticket_id": 2, "to_user_id": 1000, "work_order_id": 1},
    "service_workorder": {"ticket_id": 1, "unit_id": 10_000},
}
# Partial indexes hold only what still waits for something (an SLA step, a master incident),
# a small share of the table.
_PARTIAL_ROWS = 1000


def _index_columns(cursor: Any, table: str) -> dict[str, tuple[list[str], bool]]:
    """Each index's columns, and whether it is partial."""
    cursor.execute(f'PRAGMA index_list("{table}")')
    indexes = [(row[1], bool(row[4])) for row in cursor.fetchall()]
    columns = {}
    for name, partial in indexes:
        cursor.execute(f'PRAGMA index_info("{name}")')
        columns[name] = ([row[2] for row in cursor.fetchall()], partial)
    return columns


def seed_sqlite_stats(using: str = "default", **kwargs: Any) -> None:
    """Write representative sqlite_stat1 rows for tables that have none yet."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor))
        cursor.execute("ANALYZE sqlite_schema")  # creates sqlite_stat1 when missing
        cursor.execute("SELECT DISTINCT tbl FROM sqlite_stat1")
        analysed = {row[0] for row in cursor.fetchall()}
        for table, per_value in _ROWS_PER_VALUE.items():
            if table not in tables or table in analysed:
                continue
            for index, (cols, partial) in _index_columns(cursor, table).items():
                rows = _PARTIAL_ROWS if partial else _ROWS
                # Rows sharing the first k columns: a later column narrows only as far as
                # its own spread allows (open/closed narrows little; a due time, to one).
                shares, current = [], rows
                for col in cols or ["?"]:
                    current = min(current, per_value.get(col, 1) if shares else per_value.get(col, 10))
                    shares.append(str(current))
                stat = " ".join([str(rows), *shares])
                cursor.execute("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (%s, %s, %s)", [table, index, stat])
        cursor.execute("ANALYZE sqlite_schema")  # reload the statistics into the planner


def refresh_planner_stats(using: str = "default") -> None:
    """Real statistics from the data (SQLite: about 5 s at a million customers)."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # A full pass: sampled statistics (PRAGMA analysis_limit) came out wrong by
            # millions of rows here and sent a rep's first page back to the slow plan.
            cursor.execute("ANALYZE")
        elif connection.vendor == "postgresql":
            cursor.execute("ANALYZE")
