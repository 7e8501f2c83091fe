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
import unicodedata
from functools import lru_cache
from operator import add
from typing import Any

from kehu.core.identifiers import normalize_name
from kehu.core.phones import PHONE_ENDING_DIGITS

SHORT_RUN = 3  # Latin or digit runs shorter than this beside Chinese are not looked up
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
    """(whole terms, prefix terms) that every row containing `text` must have.

    The index holds each Latin or digit run of a name whole. A run between Chinese text is
    a whole term. A run at either end is a prefix: people type a number or a brand from its
    start (360安全, 软件abc), and a run typed from its middle is not found (60安全). A run
    at an end shorter than SHORT_RUN asks for nothing: it may be the tail of a longer run
    (the 1 of 1科技 in 测试261科技), and as a prefix the 1 of 测试1 matched every number
    starting with 1, hundreds of thousands of numbered names, for seconds, narrowing
    little. Neither does a query of only a few digits. Callers confirm every candidate
    with a substring test, which then decides alone.
    """
    exact: list[str] = []
    prefix: list[str] = []
    runs = _runs(normalize_name(text))
    if len(runs) == 1 and runs[0].isdigit() and len(runs[0]) < PHONE_ENDING_DIGITS:
        return exact, prefix
    last = len(runs) - 1
    for i, run in enumerate(runs):
        if not run[0].isascii():
            exact.extend([run] if len(run) == 1 else dict.fromkeys(run[j:j + 2] for j in range(len(run) - 1)))
        elif 0 < i < last:
            exact.append(run)
        elif last == 0 or len(run) >= SHORT_RUN:
            prefix.append(run)
    return exact, prefix


def fts5_query(text: str) -> str:
    """An SQLite FTS5 MATCH expression; '' when nothing searchable is left."""
    exact, prefix = query_terms(text)
    return " AND ".join([*(f'"{t}"' for t in exact), *(f'"{t}"*' for t in prefix)])


def tsquery(text: str) -> str:
    """A PostgreSQL tsquery literal (no parser involved, so no locale dependence)."""
    exact, prefix = query_terms(text)
    return " & ".join([*(f"'{t}'" for t in exact), *(f"'{t}':*" for t in prefix)])


# --- Full text (tickets, knowledge): folded text, document terms, highlighting -----------

_FOLD_NOISE = re.compile(r"\s+")
# OpenCC leaves 帳 as 帐, a valid simplified character, but bills and accounts are written
# 账 on the mainland: without this, 帳單 would never meet 账单.
_VARIANTS = str.maketrans({"帐": "账"})


@lru_cache(maxsize=1)
def _t2s() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


def fold_text(raw: str) -> str:
    """Width, case and traditional characters folded: 'ＡＢＣ 電費' → 'abc 电费'.

    OpenCC's t2s maps character for character (its phrase table keeps lengths), so a
    position in the folded text is the same position in the original: highlighting
    relies on it and checks it.
    """
    text = unicodedata.normalize("NFKC", str(raw or "")).casefold()
    return _t2s().convert(_FOLD_NOISE.sub(" ", text)).translate(_VARIANTS)


def _alnum_runs(folded: str) -> list[str]:
    """ASCII words and runs of other letters, punctuation dropped (a bigram may span it)."""
    out = []
    for run in _runs(folded):
        if not run[0].isascii() or not run.isalnum():
            run = "".join(ch for ch in run if ch.isalnum())
        if run:
            out.append(run)
    return out


def document_terms(folded: str) -> str:
    """Index terms of a long folded text: each distinct bigram, character and word once."""
    bigrams: dict[str, None] = {}
    singles: dict[str, None] = {}
    for run in _alnum_runs(folded):
        if run[0].isascii():
            bigrams[run] = None
            continue
        bigrams.update(dict.fromkeys(map(add, run, run[1:])))
        singles.update(dict.fromkeys(run))
    return " ".join([*bigrams, *singles])


def phrase_terms(phrase: str) -> list[str]:
    """Terms every text containing `phrase` (folded) must have."""
    terms: list[str] = []
    for run in _alnum_runs(phrase):
        if run[0].isascii():
            terms.append(run)
            continue
        terms.extend(run if len(run) == 1 else map(add, run, run[1:]))
    return list(dict.fromkeys(terms))
