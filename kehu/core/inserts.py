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

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db import connections, models

# A plain value (text, a whole number, a flag, a key, an aware datetime, an empty nullable)
# skips its field's generic preparation and takes only its last step, the backend's adapter
# where there is one. The generic preparation of every field took 0.48 of insert_row's
# 1.2 ms per new ticket (five rows, under cProfile); 0.28 with the shortcut.
# `prepared_params` is held to the generic path by a test, on both databases.
_TEXT = (models.CharField, models.TextField, models.EmailField, models.SlugField)
_INTEGERS = (models.IntegerField, models.SmallIntegerField, models.BigIntegerField,
             models.PositiveIntegerField, models.PositiveSmallIntegerField)
_INTEGER_KEYS = (models.AutoField, models.BigAutoField)

# Per field: the exact types taken by the shortcut, and the backend's adapter it ends with
# (None: bound as it is).
Plan = list[tuple[models.Field, str, tuple[type, ...], Callable[[Any], Any] | None]]
_statements: dict[tuple[type[models.Model], str, bool], tuple[str, Plan]] = {}


def _shortcut(field: models.Field, ops: Any) -> tuple[tuple[type, ...], Callable[[Any], Any] | None]:
    kind = type(field)
    if kind in _TEXT:
        return (str,), None
    if kind is models.BooleanField:
        return (bool,), None
    if kind in _INTEGERS:  # PostgreSQL binds each integer column with its own type
        internal = field.get_internal_type()
        return (int,), lambda value: ops.adapt_integerfield_value(value, internal)
    if kind is models.ForeignKey and type(field.target_field) in _INTEGER_KEYS:
        return (int,), None  # a key field's preparation ends with the value itself
    if kind is models.DateTimeField and not (field.auto_now or field.auto_now_add):  # those stamp in pre_save
        return (dt.datetime,), ops.adapt_datetimefield_value
    return (), None


def prepared_params(obj: models.Model, plan: Plan, connection: Any) -> list[Any]:
    """The values of obj's fields as `save()` would bind them."""
    params: list[Any] = []
    for field, attname, plain, adapt in plan:
        if plain:
            value = getattr(obj, attname)
            if value is None and field.null:
                params.append(None)
                continue
            # Naive datetimes take the long way: the field warns and makes them aware.
            if type(value) in plain and (plain[0] is not dt.datetime or value.tzinfo is not None):
                params.append(value if adapt is None else adapt(value))
                continue
        params.append(field.get_db_prep_save(field.pre_save(obj, True), connection))
    return params


def _statement(model: type[models.Model], alias: str, with_pk: bool) -> tuple[str, Plan]:
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
        _statements[key] = (sql, [(f, f.attname, *_shortcut(f, connection.ops)) for f in fields])
    return _statements[key]


def insert_row(obj: models.Model, *, using: str = "default") -> models.Model:
    """INSERT obj (its primary key too when set) and give it the key the database chose."""
    connection = connections[using]
    with_pk = obj.pk is not None
    sql, plan = _statement(type(obj), connection.alias, with_pk)
    params = prepared_params(obj, plan, connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        if not with_pk:
            obj.pk = cursor.fetchone()[0]
    obj._state.adding, obj._state.db = False, connection.alias
    return obj
