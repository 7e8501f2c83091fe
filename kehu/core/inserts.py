"""One row INSERTed with a statement built once per model, not on every save.

`Model.save()` compiles its INSERT anew on each call: 0.2–0.5 ms of Python a row. Inside a
SQLite write transaction that time holds the database's only write lock, and a new ticket
writes five rows: compiling them was half the time the lock was held (1.7 → 0.9 ms a
ticket's transaction, timed in process by a throwaway script; the throughput it bought is
bench/tickets_bench.py's intake, docs/benchmarks.md). Here the statement is cached per
model and database, and each field prepares its value exactly as `save()` would
(`pre_save`, then `get_db_prep_save`).

No signals are sent and `save()` overrides do not run: use it only for models that have
neither, or whose callers do that work themselves (ticket intake indexes the ticket once).
"""

from __future__ import annotations

from typing import Any

from django.db import connections, models

_statements: dict[tuple[type[models.Model], str, bool], tuple[str, list[models.Field]]] = {}


def _statement(model: type[models.Model], alias: str, with_pk: bool) -> tuple[str, list[models.Field]]:
    key = (model, alias, with_pk)
    if key not in _statements:
        connection = connections[alias]
        qn = connection.ops.quote_name
        meta = model._meta
        fields = [f for f in meta.local_concrete_fields
                  if not f.generated and (with_pk or not f.primary_key)]
        sql = (f"INSERT INTO {qn(meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) "
               f"VALUES ({', '.join(['%s'] * len(fields))})")
        if not with_pk:
            sql += f" RETURNING {qn(meta.pk.column)}"
        _statements[key] = (sql, fields)
    return _statements[key]


def insert_row(obj: models.Model, *, using: str = "default") -> models.Model:
    """INSERT obj (its primary key too when set) and give it the key the database chose."""
    connection = connections[using]
    with_pk = obj.pk is not None
    sql, fields = _statement(type(obj), connection.alias, with_pk)
    params: list[Any] = [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        if not with_pk:
            obj.pk = cursor.fetchone()[0]
    obj._state.adding, obj._state.db = False, connection.alias
    return obj
