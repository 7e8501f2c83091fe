"""Finding articles by words: the full-text search of `kehu.search`, behind one function,
and the character pairs recommend() compares a customer's words with."""

from __future__ import annotations

from functools import lru_cache

from django.db.models import QuerySet

from kehu.core.search import fold_text, phrase_terms

MAX_QUERY = 200


def bigrams(text: str) -> frozenset[str]:
    """CJK character pairs and Latin words of the folded text: the unit of loose matching."""
    return _bigrams(text)


@lru_cache(maxsize=8192)
def _bigrams(text: str) -> frozenset[str]:
    # Articles change seldom and recommend() compares every script and FAQ entry on each
    # call: their texts come back, so their pairs are kept rather than folded again.
    return frozenset(t for t in phrase_terms(fold_text(text)) if len(t) > 1 or t.isascii())


def article_search(qs: QuerySet, query: str) -> QuerySet:
    """The articles of `qs` that full-text search finds for `query` (see docs/search.md):
    every word as typed, else a sentence's words, else the closest by shared bigrams."""
    from kehu.search.query import search

    results = search(query=query[:MAX_QUERY], querysets={"article": qs}, limit=500)
    return qs.filter(pk__in=[hit.id for hit in results.hits])
