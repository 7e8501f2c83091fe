"""Reading the full-text index: matches, ranking, snippets, and the tolerant fallback.

A query is split on spaces into phrases; a hit contains every phrase (after folding
width, case and traditional characters). The index narrows the candidates to objects
having every bigram of every phrase, a substring test on the folded text confirms, and
ranking happens here in Python on at most CANDIDATES rows, newest first, so SQLite and
PostgreSQL return the same hits in the same order. When nothing contains the phrases,
the fallback ranks objects by how many of the query's bigrams they share.
"""

from __future__ import annotations

import html
import json
import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.db import connections
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

from kehu.core.search import fold_text, phrase_terms
from kehu.search.indexing import (
    PG_SLICE,
    PG_SLICE_SIZE,
    PG_VECTOR,
    SOURCES,
    Source,
    count_upto,
    match_ids_sql,
)

CANDIDATES = 500  # newest matching objects ranked per kind
DENSE = 20_000  # an exact query matching more documents than this walks the newest rows
DENSE_WINDOW = 50_000  # SQLite estimates that from the matches among this many newest keys
FUZZY_WALK = 2_000  # the words and overlap tries score this many newest documents (suggestions)
FALLBACK_MIN_SHARE = 0.5  # of the query's bigrams a fallback hit must have, and at least
FALLBACK_MIN_TERMS = 2  # this many: one shared bigram of a short query says little
SNIPPET_BEFORE, SNIPPET_AFTER = 24, 80
COMMON_IN_WINDOW = 4 * CANDIDATES  # expected matches in the first window that make a term common
MAX_SLICES_PER_STEP = 4  # wider steps read the rest by the terms alone (see _newest_by_windows)
FIRST_WINDOW = 50_000  # newest document keys PostgreSQL looks among first (see _newest_by_windows)
SENTENCE_LENGTH = 4  # a phrase this long may be a sentence: try its words when it finds nothing


@dataclass
class Hit:
    kind: str
    id: int
    title: str
    snippet: str  # HTML: escaped text with <mark> around the matches
    url: str
    score: float
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Results:
    query: str
    hits: list[Hit]
    fallback: bool  # True when nothing contained the phrases as typed
    took_ms: float
    mode: str = "exact"  # exact | words (the sentence's words) | overlap (shared bigrams)


def phrases_of(query: str) -> list[str]:
    return [p for p in dict.fromkeys(fold_text(query).split()) if phrase_terms(p)]


def search(*, query: str, querysets: dict[str, QuerySet], limit: int = 20) -> Results:
    """Hits over the given kinds; each queryset is already scoped to what the user may see.

    Three tries, each only when the one before found nothing: the phrases as typed; the
    words of a phrase typed as a sentence (segmented, stopwords dropped); shared bigrams.
    """
    started = time.perf_counter()
    phrases = phrases_of(query)
    mode = "exact"
    scored = _scored(_exact, querysets, phrases) if phrases else []
    if not scored and phrases:
        words = _sentence_words(phrases)
        grams = _bigrams(phrases)
        walks = {kind: _walk(SOURCES[kind], qs) for kind, qs in querysets.items()}
        if words:
            mode, phrases = "words", words
            scored = _scored(lambda src, rows, ws: _words(rows, ws, grams), walks, words)
        if not scored:
            mode = "overlap"
            scored = _scored(_overlap, walks, phrases_of(query))
    scored.sort(key=lambda s: (-s[0], s[1], -s[2]))
    hits = _hits(scored[:limit], querysets, _marks(phrases, mode == "overlap"))
    return Results(query, hits, mode != "exact", (time.perf_counter() - started) * 1000, mode)


def newest_matching_ids(kind: str, qs: QuerySet, query: str) -> list[int] | None:
    """Ids of the newest CANDIDATES objects of `qs` that contain every phrase of `query`
    (the exact try of `search`, without ranking); None when the query has no phrase."""
    phrases = phrases_of(query)
    return [pk for pk, _score in _exact(SOURCES[kind], qs, phrases)] if phrases else None


def _scored(how: Callable, inputs: dict[str, Any], phrases: list[str]) -> list[tuple[float, str, int]]:
    """(score, kind, id) of every kind: `inputs` holds each kind's queryset or its walk."""
    return [(score, kind, pk) for kind, given in inputs.items() for pk, score in how(SOURCES[kind], given, phrases)]


def _sentence_words(phrases: list[str]) -> list[str]:
    """The words of phrases long enough to be sentences; [] when that changes nothing."""
    from kehu.search.segment import words

    out: list[str] = []
    for phrase in phrases:
        out.extend(words(phrase) if len(phrase) >= SENTENCE_LENGTH else [phrase])
    out = list(dict.fromkeys(out))
    return out if out and out != phrases else []


def _match(source: Source, qs: QuerySet, terms: list[str]) -> QuerySet:
    sql, params = match_ids_sql(source, connections[qs.db].vendor, terms)
    return qs.filter(pk__in=RawSQL(sql, params))


def _dense(source: Source, qs: QuerySet, terms: list[str]) -> bool:
    """Do many of the newest documents match (电, 停电)? Then walking the newest rows finds
    a page sooner than SQLite materialising every matching id from FTS5. Counting only
    among the newest keys answers that without walking each term's whole doclist (幸福小区
    电表, 7,000 matches: 12 ms counted everywhere). PostgreSQL's planner makes that choice
    itself (the stored tsvector has statistics). Either way the hits are the newest
    CANDIDATES documents containing every phrase."""
    if connections[qs.db].vendor != "sqlite" or not (top := _top_key(source, qs.db)):
        return False
    window = min(top, DENSE_WINDOW)
    enough = math.ceil(DENSE * window / top)  # as many in the window as DENSE in all
    return count_upto(source, qs.db, terms, enough, above=top - window) >= enough


def _candidates(source: Source, qs: QuerySet) -> QuerySet:
    """(id, folded title, folded body), newest first. The same order on both databases, by
    the column each walks backwards and stops at a page: SQLite the document table's key
    (by the object's own id it sorted every match), PostgreSQL the object's primary key."""
    newest = "-pk" if connections[qs.db].vendor == "postgresql" else f"-search_document__{source.key}"
    return qs.order_by(newest).values_list("pk", "search_document__folded_title", "search_document__folded_body")


def _exact(source: Source, qs: QuerySet, phrases: list[str]) -> list[tuple[int, float]]:
    terms = list(dict.fromkeys(t for p in phrases for t in phrase_terms(p)))
    postgresql = connections[qs.db].vendor == "postgresql"
    if not postgresql and not _dense(source, qs, terms):
        qs = _match(source, qs, terms)
    for phrase in phrases:
        qs = qs.filter(Q(search_document__folded_title__contains=phrase)
                       | Q(search_document__folded_body__contains=phrase))
    if postgresql:
        # On the document row already joined (one visit per document, not two): the planner
        # picks the GIN index for rare terms and a walk of the newest for common ones.
        tsquery = " & ".join(f"'{t}'" for t in terms)
        qs = qs.extra(where=[f'"{source.table}"."{PG_VECTOR}" @@ %s::tsquery'], params=[tsquery])
        rows = _newest_by_windows(source, qs, tsquery)
    else:
        rows = list(_candidates(source, qs)[:CANDIDATES])
    return [(pk, _score(phrases, title, body)) for pk, title, body in rows]


# Both change slowly and only steer the plan, never the hits: kept a minute per process.
HINT_TTL_S = 60.0
_hints: dict[tuple[str, str, str], tuple[float, Any]] = {}


def _hint(key: tuple[str, str, str], compute: Callable[[], Any]) -> Any:
    now = time.monotonic()
    if (hit := _hints.get(key)) is not None and now - hit[0] < HINT_TTL_S:
        return hit[1]
    if len(_hints) > 5000:
        _hints.clear()
    value = compute()
    if value is not None:  # an empty table's "no newest key" would hide the first documents for a minute
        _hints[key] = (now, value)
    return value


def forget_hints() -> None:
    """Drop the kept hints (tests: a rolled-back test's newest key and estimates must not
    steer the next one's plan)."""
    _hints.clear()


def _top_key(source: Source, db: str) -> int | None:
    """The newest document's key. A stale one is harmless: the first slice has no upper
    bound, so documents added since are still read first."""
    return _hint((db, source.table, ""), lambda: source.document_class.objects.using(db)
                 .order_by("-pk").values_list("pk", flat=True).first())


def _expected(source: Source, db: str, tsquery: str) -> float:
    """How many documents the planner expects to match: a planning, not a scan."""
    return _hint((db, source.table, tsquery), lambda: _planned_rows(source, db, tsquery))


def _planned_rows(source: Source, db: str, tsquery: str) -> float:
    with connections[db].cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) SELECT 1 FROM {source.table} WHERE {PG_VECTOR} @@ %s::tsquery",
                       [tsquery])
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return plan[0]["Plan"]["Plan Rows"]


def _newest_common(source: Source, qs: QuerySet, top: int, expected: float) -> list[tuple[int, str, str]]:
    """A common term: the newest keys hold a page of matches. Bounding the key range to
    about twice what should hold one makes the planner walk the key index (電費 in the
    articles: 4 ms) instead of reading every match through the GIN bitmap (28 ms)."""
    width = int(2 * CANDIDATES * top / max(expected, 1))
    if width < top:
        key = f'"{source.table}"."{source.key}"'
        window = qs.extra(where=[f"{key} > %s"], params=[top - width])
        rows = list(_candidates(source, window)[:CANDIDATES])
        if len(rows) >= CANDIDATES:
            return rows
    return list(_candidates(source, qs)[:CANDIDATES])


def _newest_by_windows(source: Source, qs: QuerySet, tsquery: str) -> list[tuple[int, str, str]]:
    """The newest CANDIDATES matches, looked for among the newest documents first.

    Two rarer phrases match ~0.7 % of a million documents, scattered over the table; taking
    every match to keep the newest 500 read ~7,000 pages (90 ms). The GIN index also holds
    each document's key slice (indexing.PG_SLICE), so "these terms in the newest slices" is
    narrowed inside the index and only those pages are read. Older slices follow, as many
    as the density found so far says are needed, until CANDIDATES matches are in hand: the
    hits are the same as without slices. Common terms (the first window would hold several
    pages of them) are found sooner by walking the newest keys: PostgreSQL's own plan.
    """
    top = _top_key(source, qs.db)
    if top is None:
        return []
    expected = _expected(source, qs.db, tsquery)
    if expected * FIRST_WINDOW / top >= COMMON_IN_WINDOW:
        return _newest_common(source, qs, top, expected)
    if top < 2 * PG_SLICE_SIZE:
        return list(_candidates(source, qs)[:CANDIDATES])
    column = f'"{source.table}"."{PG_SLICE}"'
    rows: list[tuple[int, str, str]] = []
    upper, lower = None, max(0, top - FIRST_WINDOW) // PG_SLICE_SIZE
    # Each slice in an index condition costs the index a pass over its 65,536 keys, so a
    # wide step is not worth it: the rest is then taken from the terms alone, the slices
    # already read filtered out (+ 0 keeps that a filter, not an index condition).
    while lower > 0 and (upper is None or upper - lower <= MAX_SLICES_PER_STEP):
        where, params = [f"{column} >= %s"], [lower]
        if upper is not None:
            where, params = [*where, f"{column} < %s"], [*params, upper]
        rows += _candidates(source, qs.extra(where=where, params=params))[:CANDIDATES - len(rows)]
        if len(rows) >= CANDIDATES:
            return rows
        covered = top - lower * PG_SLICE_SIZE
        needed = 1.3 * (CANDIDATES - len(rows)) * covered / max(len(rows), 1)
        upper, lower = lower, max(0, min(lower - 1, int(top - covered - needed) // PG_SLICE_SIZE))
    rest = qs.extra(where=[f"{column} + 0 < %s"], params=[upper]) if upper is not None else qs
    return rows + list(_candidates(source, rest)[:CANDIDATES - len(rows)])


def _bigrams(phrases: list[str]) -> set[str]:
    return set(t for p in phrases for t in phrase_terms(p) if len(t) > 1 or t.isascii())


Walk = list[tuple[int, str, str]]


def _walk(source: Source, qs: QuerySet) -> Walk:
    """The newest FUZZY_WALK documents. Sending them is the cost (~5 ms a kind on
    PostgreSQL; filtering them there by LIKE or the tsvector took longer), so both fuzzy
    tries score the one walk."""
    return list(_candidates(source, qs.filter(search_document__isnull=False))[:FUZZY_WALK])


def _overlap(source: Source, rows: Walk, phrases: list[str]) -> list[tuple[int, float]]:
    """Objects sharing at least half (and at least two) of the query's bigrams."""
    return _shared(rows, _bigrams(phrases), min_count=FALLBACK_MIN_TERMS)


def _words(rows: Walk, words: list[str], grams: set[str]) -> list[tuple[int, float]]:
    """Objects containing at least half of a sentence's words (of two words, one); among
    those with as many words, the ones sharing more of the sentence's bigrams first."""
    return _shared(rows, set(words), min_count=1 if len(words) <= 2 else 2, grams=grams)


def _shared(rows: Walk, units: set[str], *, min_count: int,
            grams: set[str] = frozenset()) -> list[tuple[int, float]]:
    """Score the walked documents by how many of `units` they contain."""
    if not units:
        return []
    need = max(min_count, math.ceil(FALLBACK_MIN_SHARE * len(units)))
    scored = []
    for pk, title, body in rows:
        text = f"{title}\n{body}"  # units never hold a line break (split from the query)
        shared = [u for u in units if u in text]
        if len(shared) >= need:
            in_title = sum(1 for u in shared if u in title)
            near = sum(1 for g in grams if g in text) / len(grams) if grams else 0.0
            scored.append((pk, round(10 * len(shared) / len(units) + in_title / len(units) + near, 4)))
    return scored


def _score(phrases: list[str], title: str, body: str) -> float:
    """Title matches weigh most; repeated body matches add less and less; short texts win ties."""
    score = 0.0
    for phrase in phrases:
        score += 5.0 * (phrase in title) + math.log1p(min(body.count(phrase), 20))
    return round(score / (1 + 0.1 * math.log1p(len(body))), 6)


def _hits(scored: list[tuple[float, str, int]], querysets: dict[str, QuerySet], marks: list[str]) -> list[Hit]:
    """The hits to show, their objects loaded (one query per kind) only now."""
    objects: dict[str, dict[int, Any]] = {}
    for kind in {kind for _, kind, _ in scored}:
        ids = [pk for _, k, pk in scored if k == kind]
        objects[kind] = querysets[kind].model._base_manager.in_bulk(ids)
    hits = []
    for score, kind, pk in scored:
        obj = objects[kind].get(pk)
        if obj is None:  # deleted since it matched
            continue
        title, body, url, extra = VIEWS[kind](obj)
        hits.append(Hit(kind, pk, title, snippet(body or title, marks), url, score, extra))
    return hits


# How a hit of each kind is shown: (title, text for the snippet, url, extra fields).
VIEWS: dict[str, Callable[[Any], tuple[str, str, str, dict[str, Any]]]] = {}


def view(kind: str) -> Callable:
    def register(fn: Callable) -> Callable:
        VIEWS[kind] = fn
        return fn
    return register


@view("ticket")
def _ticket_view(ticket: Any) -> tuple[str, str, str, dict[str, Any]]:
    return (f"{ticket.number} {ticket.title}", ticket.description, ticket.url,
            {"number": ticket.number, "status": ticket.status, "kind": ticket.kind})


@view("article")
def _article_view(article: Any) -> tuple[str, str, str, dict[str, Any]]:
    body = "\n".join(filter(None, [article.question, article.body]))
    return article.title, body, article.get_absolute_url(), {"kind": article.kind, "status": article.status}


def _marks(phrases: list[str], fuzzy: bool) -> list[str]:
    if not fuzzy:
        return phrases
    return list(dict.fromkeys(t for p in phrases for t in phrase_terms(p) if len(t) > 1 or t.isascii()))


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    folded = fold_text(ch)
    return folded if len(folded) == 1 else ch.lower()


def snippet(text: str, marks: list[str]) -> str:
    """An escaped window of `text` around the first match, every match in <mark>."""
    text = text[:5000]
    folded = "".join(_fold_char(ch) for ch in text)  # same length as text, position for position
    spans = []
    for mark in sorted(marks, key=len, reverse=True):
        for m in re.finditer(re.escape(mark), folded):
            if not any(s < m.end() and m.start() < e for s, e in spans):
                spans.append((m.start(), m.end()))
    spans.sort()
    start = max(0, spans[0][0] - SNIPPET_BEFORE) if spans else 0
    end = min(len(text), start + SNIPPET_BEFORE + SNIPPET_AFTER)
    out, pos = [], start
    for s, e in spans:
        if s < start or e > end:
            continue
        out.append(html.escape(text[pos:s]))
        out.append(f"<mark>{html.escape(text[s:e])}</mark>")
        pos = e
    out.append(html.escape(text[pos:end]))
    return ("…" if start > 0 else "") + "".join(out) + ("…" if end < len(text) else "")
