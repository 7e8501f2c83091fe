"""The customer name index: an FTS5 table on SQLite, a GIN index on PostgreSQL.

Created (idempotently) after every migrate: SQLite rebuilds a table for many schema
changes and drops its triggers with it, so they are re-made and the index refilled
whenever they were missing.
"""

from __future__ import annotations

from typing import Any

from django.db import connections
from django.db.models import CharField, Func

from kehu.core.phones import PHONE_ENDING_DIGITS

TABLE = "customers_customer"
FTS = "customers_customer_fts"
PG_INDEX = "customers_customer_search"
# The tsvector is built from the terms as they are: no parser, so no locale dependence.
PG_VECTOR = "array_to_tsvector(string_to_array(search_text, ' '))"

_SQLITE_TRIGGERS = {
    f"{FTS}_ai": f"""AFTER INSERT ON {TABLE} BEGIN
        INSERT INTO {FTS}(rowid, search_text) VALUES (new.id, new.search_text); END""",
    f"{FTS}_ad": f"""AFTER DELETE ON {TABLE} BEGIN
        INSERT INTO {FTS}({FTS}, rowid, search_text) VALUES ('delete', old.id, old.search_text); END""",
    f"{FTS}_au": f"""AFTER UPDATE OF search_text ON {TABLE} BEGIN
        INSERT INTO {FTS}({FTS}, rowid, search_text) VALUES ('delete', old.id, old.search_text);
        INSERT INTO {FTS}(rowid, search_text) VALUES (new.id, new.search_text); END""",
}


def ensure_search_index(using: str = "default", **kwargs: Any) -> None:
    connection = connections[using]
    with connection.cursor() as cursor:
        if TABLE not in connection.introspection.table_names(cursor):
            return
        if connection.vendor == "sqlite":
            cursor.execute(
                f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS} USING fts5("
                f"search_text, content='{TABLE}', content_rowid='id', detail='none')"
            )
            cursor.execute("SELECT name FROM sqlite_master WHERE type='trigger' AND tbl_name=%s", [TABLE])
            present = {row[0] for row in cursor.fetchall()}
            for name, body in _SQLITE_TRIGGERS.items():
                if name not in present:
                    cursor.execute(f"CREATE TRIGGER {name} {body}")
            if len(present & set(_SQLITE_TRIGGERS)) < len(_SQLITE_TRIGGERS):
                cursor.execute(f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')")
        elif connection.vendor == "postgresql":
            cursor.execute(f"CREATE INDEX IF NOT EXISTS {PG_INDEX} ON {TABLE} USING gin (({PG_VECTOR}))")


def pg_hits(using: str, *, tsquery: str, cap: int) -> int:
    """How many names have every query term, counted up to `cap`, on PostgreSQL.

    Asked of the index: the planner's estimate for a prefix term is no guide (1,100 rows
    expected for 6132:* where 100,000 numbered names matched)."""
    with connections[using].cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM {TABLE} WHERE {PG_VECTOR} @@ %s::tsquery LIMIT %s) AS hits",
            [tsquery, cap],
        )
        return cursor.fetchone()[0]


def sqlite_candidates(using: str, *, fts5: str, cap: int) -> list[int] | None:
    """Ids of the names that have every query term, or None when more than `cap` do."""
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT rowid FROM {FTS} WHERE {FTS} MATCH %s LIMIT %s", [fts5, cap + 1])
        ids = [row[0] for row in cursor.fetchall()]
    return ids if len(ids) <= cap else None


# --- phone endings (尾号) ----------------------------------------------------------------

def phone_tail_sql(column: str, vendor: str, digits: int = PHONE_ENDING_DIGITS) -> str:
    """SQL for the last `digits` characters of `column`, with the count written out.

    Written out, not bound: SQLite serves an expression from an index only when the
    query's expression is the index's, and a bound parameter is not the literal.
    """
    if vendor == "postgresql":
        return f"right({column}, {int(digits)})"
    return f"substr({column}, -{int(digits)})"


class PhoneTail(Func):
    """The last four digits of a normalised phone: what the phone-ending indexes hold."""

    output_field = CharField()

    def as_sql(self, compiler: Any, connection: Any, **extra_context: Any) -> tuple[str, list[Any]]:
        column, params = compiler.compile(self.source_expressions[0])
        return phone_tail_sql(column, connection.vendor), list(params)
