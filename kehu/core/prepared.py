"""A cursor for the few hand-written statements every request of a hot path runs.

Django binds parameters on the client for PostgreSQL: psycopg quotes each value into the
SQL text, and the server parses and plans that text anew every time. For the statements
that take a ticket (the idempotency probe, the phone match, the day's counter, the ticket's
rows in one WITH), this cursor binds on the server and keeps each statement prepared on its
connection, so that from the second run on PostgreSQL only executes a plan it already has.
Elsewhere (SQLite) it is the plain cursor.

The cursor still goes through Django's wrapper: errors are Django's, and the statements show
in `connection.queries` and in tests' query captures.

psycopg prepares a server-bound statement on its second run when the connection's
`prepare_threshold` is set (kehu.settings sets 1; Django's own cursors bind on the client and
never prepare). Prepared statements live on a session: behind a pooler in transaction mode
(pgbouncer before 1.21) they break. Set `KEHU_PG_PREPARE=0` there; the statements then bind
on the server without being prepared.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from typing import Any

from django.db import connections


@functools.cache
def _cursor_class() -> type:
    """Django's server-binding cursor, converting each statement's text once.

    psycopg turns `%s` into `$1` with a regular expression on every execute, and caches the
    result only for statements under 50 parameters: the ticket's WITH has 66, and splitting
    it anew took 5 % of the intake server's Python (py-spy). The statements run here are a
    handful of fixed texts, so each is converted once. psycopg does not document its query
    class; without the function used here the cursor converts as psycopg does.
    """
    from django.db.backends.postgresql.base import ServerBindingCursor
    from psycopg import _queries

    class PreparedCursor(ServerBindingCursor):
        def _send_query_prepared(self, name: bytes, pgq: Any, **kwargs: Any) -> None:
            # psycopg remembers the statement it sent only when it was not prepared; Django
            # reads that to log it (connection.queries, tests' query captures).
            self._query = pgq
            super()._send_query_prepared(name, pgq, **kwargs)

    convert = getattr(_queries, "_query2pg_nocache", None)
    if convert is None:
        return PreparedCursor
    converted = functools.lru_cache(maxsize=128)(convert)

    class FixedTextQuery(_queries.PostgresQuery):
        def convert(self, query: Any, vars: Any) -> None:
            if vars is None or not isinstance(query, str | bytes):
                return super().convert(query, vars)
            self.query, self._want_formats, self._order, self._parts = converted(
                self._ensure_bytes(query), self._tx.encoding)
            self.dump(vars)

    PreparedCursor._query_cls = FixedTextQuery
    return PreparedCursor


@contextlib.contextmanager
def prepared_cursor(using: str = "default") -> Iterator[Any]:
    """A cursor whose statements PostgreSQL keeps prepared (see the module's text)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            yield cursor
        return
    connection.ensure_connection()
    with connection.wrap_database_errors:
        raw = _cursor_class()(connection.connection)
    cursor = connection.make_debug_cursor(raw) if connection.queries_logged else connection.make_cursor(raw)
    with cursor:
        yield cursor
