"""The import's duplicate lookups probe an index per value whatever the statistics say."""

from __future__ import annotations

import pytest
from django.db import connection

from kehu.customers import imports
from kehu.customers.models import Contact, Customer
from kehu.customers.services import contact_create, customer_create

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's planner")


@pytest.mark.parametrize("model, column", [
    (Contact, "phone_norm"), (Contact, "mobile_norm"), (Customer, "credit_code"), (Customer, "phone_norm"),
    (Customer, "name_norm"),
])
def test_a_mostly_empty_column_is_still_probed_by_its_index(bob, model, column):
    for i in range(30):  # every phone_norm and credit code empty: ANALYZE calls those indexes useless
        contact_create(customer=customer_create(by=bob, data={"name": f"公司{i}"}), by=bob, data={"name": "某人"})
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        sql = imports._lookup_sql(cursor, model, column, name_lookup=False)
        cursor.execute("EXPLAIN QUERY PLAN " + sql, ['["x"]'])
        plan = " / ".join(row[-1] for row in cursor.fetchall())

    alias = "k" if model is Contact else "c"
    assert f"SEARCH {alias} USING INDEX" in plan and f"SCAN {alias}" not in plan, plan


def test_the_lookup_falls_back_to_in_without_an_index(bob):
    with connection.cursor() as cursor:
        sql = imports._lookup_sql(cursor, Customer, "notes", name_lookup=False)
    assert "IN (SELECT value FROM json_each" in sql
