"""Keeping the full-text index: which objects are searchable, their texts, the FTS tables.

Each source names a model, its document model (one row per object, same id) and how
to read its title and body. Saving an object rewrites its document in the same
transaction (a post_save handler), so a ticket is findable the moment it exists;
`kehu search reindex` rebuilds everything, e.g. after a bulk load that skipped signals.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import DatabaseError, connections, models, transaction
from django.db.models.signals import post_save

from kehu.core.inserts import insert_row
from kehu.core.search import document_terms, fold_text

MAX_BODY = 20_000  # characters of a body that are indexed; the rest is rarely what anyone types
BATCH = 2_000


@dataclass(frozen=True)
class Source:
    kind: str
    model: str  # "service.Ticket"
    document: str  # "search.TicketDocument"
    key: str  # the document's primary-key column, which is the object's id
    fields: tuple[str, ...]  # what `texts` reads: loaded alone on reindex, and a save that
    # touches none of them leaves the document alone
    texts: Callable[[Any], tuple[str, str]]
    # Related objects whose text is part of the document: (model, the field pointing at the
    # object, the reverse name `texts` reads, the text field). Saving one re-indexes its object.
    parts: tuple[tuple[str, str, str, str], ...] = ()

    @property
    def model_class(self) -> type[models.Model]:
        return apps.get_model(self.model)

    @property
    def document_class(self) -> type[models.Model]:
        return apps.get_model(self.document)

    @property
    def table(self) -> str:
        return self.document_class._meta.db_table

    @property
    def fts(self) -> str:
        return f"{self.table}_fts"


def _ticket_texts(ticket: Any) -> tuple[str, str]:
    # The conversation is searched too (an agent remembers what was said, not the title):
    # replies, internal notes included, since only staff search.
    # Each text once: the first reply repeats the description (an API or mail request). A
    # ticket not yet written has no thread but that first reply.
    replies = [r.body for r in ticket.replies.all()] if ticket.pk is not None else []
    body = "\n".join(dict.fromkeys(filter(None, [ticket.description, ticket.fault_location, ticket.solution,
                                                  *replies])))
    return f"{ticket.number} {ticket.title}", body


def _article_texts(article: Any) -> tuple[str, str]:
    # An FAQ entry is found by its question and every other way of asking it.
    title = " ".join(filter(None, [article.title, article.question]))
    return title, "\n".join(filter(None, [article.variants, article.body]))


SOURCES: dict[str, Source] = {
    "ticket": Source(
        kind="ticket", model="service.Ticket", document="search.TicketDocument", key="ticket_id",
        fields=("number", "title", "description", "fault_location", "solution"), texts=_ticket_texts,
        parts=(("service.Reply", "ticket", "replies", "body"),),
    ),
    "article": Source(
        kind="article", model="knowledge.Article", document="search.ArticleDocument", key="article_id",
        fields=("title", "question", "variants", "body"), texts=_article_texts,
    ),
}


def register(source: Source) -> None:
    """Another app adds its searchable model (the knowledge base does)."""
    SOURCES[source.kind] = source


def document_values(source: Source, obj: Any) -> dict[str, str]:
    title, body = source.texts(obj)
    folded_title, folded_body = fold_text(title), fold_text(body[:MAX_BODY])
    return {
        "folded_title": folded_title,
        "folded_body": folded_body,
        "terms": document_terms(f"{folded_title} {folded_body}"),
    }


def new_document(source: Source, obj: Any) -> Any:
    """obj's document, not yet written; its key is obj's (unset while obj is not written)."""
    return source.document_class(pk=obj.pk, **document_values(source, obj))


def index_object(source: Source, obj: Any, *, new: bool = False) -> None:
    """Write obj's document; `new`: obj was created in this transaction, so it has none yet."""
    if new:
        insert_row(new_document(source, obj))
        return
    values = document_values(source, obj)
    documents = source.document_class.objects
    if not documents.filter(pk=obj.pk).update(**values):
        documents.create(pk=obj.pk, **values)


def _on_save(sender: type[models.Model], instance: Any, created: bool, update_fields: Any = None,
             raw: bool = False, **kwargs: Any) -> None:
    if raw:
        return
    source = next((s for s in SOURCES.values() if s.model_class is sender), None)
    if source is None or (update_fields and not set(update_fields) & set(source.fields)):
        return
    index_object(source, instance)


def _part_saved(source: Source, field: str) -> Callable[..., None]:
    def reindex_owner(sender: type[models.Model], instance: Any, raw: bool = False, **kwargs: Any) -> None:
        if raw:
            return
        owner = source.model_class._base_manager.filter(pk=getattr(instance, f"{field}_id")).first()
        if owner is not None:
            index_object(source, owner)
    return reindex_owner


def connect_signals() -> None:
    post_save.connect(_on_save, dispatch_uid="kehu-search-index-on-save")
    for source in SOURCES.values():
        for model, field, _reverse, _text in source.parts:
            post_save.connect(_part_saved(source, field), sender=model, weak=False,
                              dispatch_uid=f"kehu-search-part-{source.kind}-{model}")


def _batches(source: Source) -> Iterator[list[Any]]:
    qs = source.model_class._base_manager.only("pk", *source.fields).order_by("pk")
    for model, field, reverse, text in source.parts:  # one query per batch for each kind of part
        part = apps.get_model(model).objects.only(f"{field}_id", text).order_by("pk")
        qs = qs.prefetch_related(models.Prefetch(reverse, queryset=part))
    last = 0
    while True:
        batch = list(qs.filter(pk__gt=last)[:BATCH])
        if not batch:
            return
        yield batch
        last = batch[-1].pk


def reindex(kind: str, *, progress: Callable[[int], None] | None = None) -> int:
    """Rewrite every document of a kind; returns how many objects were indexed.

    The FTS side is switched off while the documents are rewritten and rebuilt once at
    the end (per-row index maintenance would cost several times more). Objects saved
    meanwhile still get their documents (an upsert), and the final rebuild indexes them.
    Searches during a rebuild find only what is rewritten so far.
    """
    source = SOURCES[kind]
    document = source.document_class
    connection = connections[document.objects.db]
    _drop_index(connection, source)
    document.objects.all().delete()
    done = 0
    for batch in _batches(source):
        rows = [document(pk=obj.pk, **document_values(source, obj)) for obj in batch]
        document.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=[document._meta.pk.name],
            update_fields=["folded_title", "folded_body", "terms"],
        )
        done += len(batch)
        if progress:
            progress(done)
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        # Deferred foreign-key checks still pending in an enclosing transaction would make
        # CREATE INDEX refuse to run; check them now.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    ensure_indexes(document.objects.db)
    return done


def _drop_index(connection: Any, source: Source) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for name in _sqlite_triggers(source):
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            cursor.execute(f"DROP TABLE IF EXISTS {source.fts}")
        elif connection.vendor == "postgresql":
            cursor.execute(f"DROP INDEX IF EXISTS {source.table}_vector")
            cursor.execute(f"DROP INDEX IF EXISTS {source.table}_vector_slice")


def ensure_indexes(using: str = "default", **kwargs: Any) -> None:
    """The FTS5 tables and triggers (SQLite) or GIN indexes (PostgreSQL), made if missing."""
    connection = connections[using]
    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor))
        for source in SOURCES.values():
            try:
                table = source.table
            except LookupError:  # the source's app is not installed
                continue
            if table not in tables:
                continue
            if connection.vendor == "sqlite":
                _ensure_sqlite(cursor, source)
            elif connection.vendor == "postgresql":
                _ensure_postgresql(cursor, table, source.key)


# On PostgreSQL the terms are also kept as a stored tsvector: deciding whether a document
# matches is then a lookup, not a string split per row (ten times cheaper in a scan).
PG_VECTOR = "vector"
PG_VECTOR_EXPRESSION = "array_to_tsvector(string_to_array(terms, ' '))"


# The newest documents are looked at first (query._newest_by_windows): each document also
# carries its key's slice of 65,536, and the GIN index holds the slice beside the terms
# (btree_gin), so "rare terms among the newest slices" is answered inside the index.
PG_SLICE = "slice"
PG_SLICE_SIZE = 65_536


def _ensure_postgresql(cursor: Any, table: str, key: str) -> None:
    cursor.execute(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {PG_VECTOR} tsvector "
                   f"GENERATED ALWAYS AS ({PG_VECTOR_EXPRESSION}) STORED")
    cursor.execute(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {PG_SLICE} integer "
                   f"GENERATED ALWAYS AS (({key} / {PG_SLICE_SIZE})::integer) STORED")
    if _btree_gin(cursor):
        cursor.execute(f"CREATE INDEX IF NOT EXISTS {table}_vector_slice ON {table} "
                       f"USING gin ({PG_VECTOR}, {PG_SLICE})")
        cursor.execute(f"DROP INDEX IF EXISTS {table}_vector")  # the terms-only index of before
    else:  # still correct: the slice is then a filter, and old pages are read as before
        cursor.execute(f"CREATE INDEX IF NOT EXISTS {table}_vector ON {table} USING gin ({PG_VECTOR})")
    cursor.execute(f"DROP INDEX IF EXISTS {table}_terms")  # the expression index of before


def _btree_gin(cursor: Any) -> bool:
    """Is btree_gin there, or can it be made? (Debian's PostgreSQL ships it; making it
    needs the database owner's rights, which a locked-down server may not give.)"""
    try:
        with transaction.atomic(using=cursor.db.alias):
            cursor.execute("CREATE EXTENSION IF NOT EXISTS btree_gin")
    except DatabaseError:  # refused: go without it
        return False
    return True


def _sqlite_triggers(source: Source) -> dict[str, str]:
    table, fts, key = source.table, source.fts, source.key
    return {
        f"{fts}_ai": f"""AFTER INSERT ON {table} BEGIN
            INSERT INTO {fts}(rowid, terms) VALUES (new.{key}, new.terms); END""",
        f"{fts}_ad": f"""AFTER DELETE ON {table} BEGIN
            INSERT INTO {fts}({fts}, rowid, terms) VALUES ('delete', old.{key}, old.terms); END""",
        f"{fts}_au": f"""AFTER UPDATE OF terms ON {table} BEGIN
            INSERT INTO {fts}({fts}, rowid, terms) VALUES ('delete', old.{key}, old.terms);
            INSERT INTO {fts}(rowid, terms) VALUES (new.{key}, new.terms); END""",
    }


def _ensure_sqlite(cursor: Any, source: Source) -> None:
    cursor.execute(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {source.fts} USING fts5("
        f"terms, content='{source.table}', content_rowid='{source.key}', detail='none')"
    )
    cursor.execute("SELECT name FROM sqlite_master WHERE type='trigger' AND tbl_name=%s", [source.table])
    present = {row[0] for row in cursor.fetchall()}
    triggers = _sqlite_triggers(source)
    for name, body in triggers.items():
        if name not in present:
            cursor.execute(f"CREATE TRIGGER {name} {body}")
    if len(present & set(triggers)) < len(triggers):
        cursor.execute(f"INSERT INTO {source.fts}({source.fts}) VALUES ('rebuild')")


def match_ids_sql(source: Source, vendor: str, terms: list[str]) -> tuple[str, list[Any]]:
    """SQL selecting the ids of objects whose documents have every one of `terms`.

    Terms are letters and digits only (document_terms/phrase_terms make them), so
    quoting them is safe.
    """
    if vendor == "postgresql":
        query = " & ".join(f"'{t}'" for t in terms)
        return f"SELECT {source.key} FROM {source.table} WHERE {PG_VECTOR} @@ %s::tsquery", [query]
    query = " AND ".join(f'"{t}"' for t in terms)
    return f"SELECT rowid FROM {source.fts} WHERE {source.fts} MATCH %s", [query]


def count_upto(source: Source, db: str, terms: list[str], cap: int, *, above: int | None = None) -> int:
    """How many documents (with a key above `above`, if given) have every term, counted
    up to `cap`: cheap, because the index stops after `cap` (an FTS5 doclist walk) and
    seeks past the keys below `above`."""
    connection = connections[db]
    sql, params = match_ids_sql(source, connection.vendor, terms)
    if above is not None:
        key = "rowid" if connection.vendor == "sqlite" else source.key
        sql, params = f"{sql} AND {key} > %s", [*params, above]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM ({sql} LIMIT %s) hits", [*params, cap])
        return cursor.fetchone()[0]
