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

import contextlib
import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db import connections, models, transaction

from kehu.core.prepared import prepared_cursor

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
# A parent and the rows that refer to it, as one PostgreSQL statement: its SQL, and per row
# its plan and the position of the column that takes the parent's new key (None: the parent).
FamilyShape = tuple[tuple[type[models.Model], str | None, bool], ...]
_families: dict[tuple[FamilyShape, str], tuple[str, list[tuple[Plan, int | None]]]] = {}


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


def _fields(model: type[models.Model], with_pk: bool) -> list[models.Field]:
    return [f for f in model._meta.local_concrete_fields if not f.generated and (with_pk or not f.primary_key)]


def _plan(fields: list[models.Field], connection: Any) -> Plan:
    return [(f, f.attname, *_shortcut(f, connection.ops)) for f in fields]


def _statement(model: type[models.Model], alias: str, with_pk: bool) -> tuple[str, Plan]:
    key = (model, alias, with_pk)
    if key not in _statements:
        connection = connections[alias]
        qn = connection.ops.quote_name
        fields = _fields(model, with_pk)
        sql = (f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) "
               f"VALUES ({', '.join(['%s'] * len(fields))})")
        if not with_pk:
            sql += f" RETURNING {qn(model._meta.pk.column)}"
        _statements[key] = (sql, _plan(fields, connection))
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


def _family_statement(shape: FamilyShape, alias: str) -> tuple[str, list[tuple[Plan, int | None]]]:
    """WITH p AS (INSERT parent RETURNING key), r1 AS (INSERT row VALUES (…, (SELECT key FROM p),
    …) RETURNING key), … SELECT every new key. PostgreSQL runs each INSERT of a WITH exactly
    once; the rows' foreign keys are checked at commit (Django makes them deferrable)."""
    key = (shape, alias)
    if key not in _families:
        connection = connections[alias]
        qn = connection.ops.quote_name
        parent_key = qn(shape[0][0]._meta.pk.column)
        parts, plans = [], []
        for n, (model, attname, with_pk) in enumerate(shape):
            fields = _fields(model, with_pk)
            at = next(i for i, f in enumerate(fields) if f.attname == attname) if attname else None
            values = [f"(SELECT {parent_key} FROM r0)" if i == at else "%s" for i in range(len(fields))]
            parts.append(f"r{n} AS (INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) "
                         f"VALUES ({', '.join(values)}) RETURNING {qn(model._meta.pk.column)})")
            plans.append((_plan(fields, connection), at))
        keys = ", ".join(f"(SELECT {qn(model._meta.pk.column)} FROM r{n})" for n, (model, _a, _w) in enumerate(shape))
        _families[key] = (f"WITH {', '.join(parts)} SELECT {keys}", plans)
    return _families[key]


def _refer(row: models.Model, attname: str, parent: models.Model) -> None:
    """Point row's column at the parent, keeping the related object where it is a relation."""
    field = next(f for f in row._meta.concrete_fields if f.attname == attname)
    setattr(row, field.name if field.is_relation else attname, parent if field.is_relation else parent.pk)


def insert_family(parent: models.Model, rows: list[tuple[models.Model, str]], *,
                  using: str = "default") -> models.Model:
    """INSERT parent, then each row with its column `attname` set to the parent's new key.

    PostgreSQL takes them as one statement: one round trip instead of one a row, and atomic
    on its own (see `one_statement_transaction`). Each round trip wakes the client and a server
    backend on the same two cores; a new ticket made twelve of them. Elsewhere the rows are
    inserted one by one (SQLite runs in process: a statement costs no trip).
    """
    connection = connections[using]
    if connection.vendor != "postgresql":
        insert_row(parent, using=using)
        for row, attname in rows:
            _refer(row, attname, parent)
            insert_row(row, using=using)
        return parent
    shape = ((type(parent), None, parent.pk is not None),) + tuple(
        (type(row), attname, row.pk is not None or row._meta.pk.attname == attname) for row, attname in rows)
    sql, plans = _family_statement(shape, connection.alias)
    params: list[Any] = []
    for obj, (plan, at) in zip([parent, *(row for row, _a in rows)], plans, strict=True):
        values = prepared_params(obj, plan, connection)
        params += values if at is None else values[:at] + values[at + 1:]
    with prepared_cursor(connection.alias) as cursor:
        cursor.execute(sql, params)
        keys = cursor.fetchone()
    parent.pk = keys[0]
    for (row, attname), pk in zip(rows, keys[1:], strict=True):
        _refer(row, attname, parent)
        row.pk = pk
    for obj in (parent, *(row for row, _a in rows)):
        obj._state.adding, obj._state.db = False, connection.alias
    return parent


def one_statement_transaction(using: str = "default", *, savepoint: bool = True) -> Any:
    """What must wrap a block whose only write is one statement (`insert_family` on
    PostgreSQL, an upsert): on PostgreSQL outside a transaction nothing (the statement commits
    alone: BEGIN and COMMIT are two round trips more), else `transaction.atomic()` (SQLite's
    writers queue on its BEGIN, kehu.core.sqlite)."""
    connection = connections[using]
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        return contextlib.nullcontext()
    return transaction.atomic(using=using, savepoint=savepoint)
