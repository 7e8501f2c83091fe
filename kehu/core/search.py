"""Index terms for Chinese substring search, the same on SQLite and PostgreSQL.

Neither database can find a 2-character Chinese fragment fast: SQLite's trigram
tokenizer ignores queries under 3 characters and pg_trgm sees no CJK trigrams under
a C locale. So a name is indexed as its CJK bigrams (恒达 达机 机电) followed by its
single characters, and ASCII/digit runs as words. A query becomes the AND of its
bigrams (a single character: itself; a Latin run: a prefix), which finds every row
containing the fragment; callers confirm with a plain substring test.
"""

from __future__ import annotations

import re
from operator import add

from kehu.core.identifiers import normalize_name

_RUNS = re.compile(r"[a-z0-9]+|[^\sa-z0-9]+")
_ASCII_RUN = re.compile(r"[a-z0-9\s]")


def _runs(folded: str) -> list[str]:
    return _RUNS.findall(folded)


def index_terms(folded_name: str) -> str:
    """Space-separated terms to index for an already folded name (normalize_name)."""
    if not _ASCII_RUN.search(folded_name):
        # The common case, a name all in Chinese: one run, no regex (imports index 100k names).
        # map(add, n, n[1:]) pairs each character with the next: the bigrams, in order.
        n = folded_name
        return " ".join([*map(add, n, n[1:]), *dict.fromkeys(n)])
    bigrams: list[str] = []
    singles: list[str] = []
    for run in _runs(folded_name):
        if run[0].isascii():
            bigrams.append(run)
            continue
        bigrams.extend(map(add, run, run[1:]))
        singles.extend(run)
    return " ".join([*bigrams, *dict.fromkeys(singles)])


def query_terms(text: str) -> tuple[list[str], list[str]]:
    """(whole terms, prefix terms) that every row containing `text` must have."""
    exact: list[str] = []
    prefix: list[str] = []
    for run in _runs(normalize_name(text)):
        if run[0].isascii():
            prefix.append(run)
        elif len(run) == 1:
            exact.append(run)
        else:
            exact.extend(dict.fromkeys(run[i:i + 2] for i in range(len(run) - 1)))
    return exact, prefix


def fts5_query(text: str) -> str:
    """An SQLite FTS5 MATCH expression; '' when nothing searchable is left."""
    exact, prefix = query_terms(text)
    return " AND ".join([*(f'"{t}"' for t in exact), *(f'"{t}"*' for t in prefix)])


def tsquery(text: str) -> str:
    """A PostgreSQL tsquery literal (no parser involved, so no locale dependence)."""
    exact, prefix = query_terms(text)
    return " & ".join([*(f"'{t}'" for t in exact), *(f"'{t}':*" for t in prefix)])
