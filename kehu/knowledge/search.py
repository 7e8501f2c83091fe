"""Finding articles by words: the full-text search of `kehu.search`, behind one function.

Callers use `article_search(qs, query)` and `fold(text)` (FAQ matching in recommend()).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from django.db.models import QuerySet

MAX_QUERY = 200
MAX_TERMS = 8
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_LATIN = re.compile(r"[a-z0-9]+")
# OpenCC keeps 帳 as 帐 (a valid simplified character), but accounts and bills are written
# 账 in mainland usage: without this, 帳單 would never find 账单.
_VARIANTS = str.maketrans({"帐": "账"})


@lru_cache(maxsize=1)
def _t2s():  # type: ignore[no-untyped-def]
    import opencc

    return opencc.OpenCC("t2s")


def fold(text: str) -> str:
    """Traditional to simplified, full width to half width, lower case: the form the
    starter set and most entries are written in."""
    text = unicodedata.normalize("NFKC", text or "").casefold()
    return _t2s().convert(text).translate(_VARIANTS)


def terms(text: str) -> list[str]:
    """Space-separated words of a folded query, at most MAX_TERMS of them."""
    return [t for t in fold(text[:MAX_QUERY].replace("\x00", "")).split() if t][:MAX_TERMS]


def bigrams(text: str) -> set[str]:
    """CJK character pairs and Latin words of folded text: the unit of loose matching."""
    folded = fold(text)
    grams = {run[i:i + 2] for run in _CJK.findall(folded) for i in range(max(len(run) - 1, 1))}
    return grams | set(_LATIN.findall(folded))


def article_search(qs: QuerySet, query: str) -> QuerySet:
    """The articles of `qs` that full-text search finds for `query` (see docs/search.md):
    every word as typed, else a sentence's words, else the closest by shared bigrams."""
    from kehu.search.query import search

    results = search(query=query[:MAX_QUERY], querysets={"article": qs}, limit=500)
    return qs.filter(pk__in=[hit.id for hit in results.hits])
