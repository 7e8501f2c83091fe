"""The key columns (查重, lookups) are indexed once each: no pattern-ops twin on PostgreSQL."""

import pytest
from django.db import connection

from kehu.customers.models import Contact, Customer

KEY_COLUMNS = [(Customer, "name_norm"), (Customer, "credit_code"), (Customer, "phone_norm"),
               (Contact, "mobile_norm"), (Contact, "phone_norm")]


def _indexes(model) -> dict[str, dict]:
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, model._meta.db_table)
    return {name: c for name, c in found.items() if c["index"] and not c["primary_key"]}


@pytest.mark.parametrize(("model", "column"), KEY_COLUMNS)
def test_each_key_column_has_one_index_of_its_own(db, model, column):
    own = [name for name, c in _indexes(model).items() if c["columns"] == [column]]
    assert len(own) == 1, own


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pattern operator classes are PostgreSQL's")
@pytest.mark.parametrize("model", [Customer, Contact])
def test_no_pattern_index_is_left_on_the_key_columns(db, model):
    keys = {column for m, column in KEY_COLUMNS if m is model}
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", [model._meta.db_table])
        twins = [name for name, definition in cursor.fetchall()
                 if "pattern_ops" in definition and any(f"({column} " in definition for column in keys)]
    assert twins == []
