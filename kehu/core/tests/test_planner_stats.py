"""The planner walks the right index at any table size (SQLite: seeded statistics)."""

import pytest
from django.db import connection

from kehu.core.dbstats import refresh_planner_stats, seed_sqlite_stats
from kehu.customers.models import Customer

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL keeps its own statistics")


def plan(qs) -> str:
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        return "\n".join(str(row[-1]) for row in cursor.fetchall())


def test_a_new_database_has_representative_statistics(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = 'customers_customer' AND idx = 'customer_owner_id'")
        assert cursor.fetchone()[0].startswith("1000000 ")


def test_a_reps_first_page_walks_the_primary_key_instead_of_sorting_half_the_table(bob):
    first_page = Customer.objects.visible_to(bob).filtered({})[:51]
    assert "TEMP B-TREE" not in plan(first_page)


def test_a_phone_lookup_probes_the_phone_index(bob):
    assert "phone_norm" in plan(Customer.objects.filter(phone_norm="13812345678").values("pk")[:50])


def customer_stats() -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT idx, stat FROM sqlite_stat1 WHERE tbl = 'customers_customer' ORDER BY idx")
        return cursor.fetchall()


def test_real_statistics_replace_the_seeded_ones_and_are_kept(bob):
    from kehu.customers.services import customer_create

    for n in range(3):
        customer_create(by=bob, data={"name": f"统计客户{n}有限公司"})
    refresh_planner_stats()
    real = customer_stats()
    assert real and all(not stat.startswith("1000000 ") for _idx, stat in real)
    seed_sqlite_stats()
    assert customer_stats() == real
