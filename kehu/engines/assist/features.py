"""Sparse features of a prepared text: words, character n-grams, Latin words, emoji and cues.

Feature names carry a prefix (`w:` segmented word, `c:` Han character 1–3-gram, `l:` Latin
word or number, `e:` emoji/symbol, `q:` cue) so one vocabulary holds them all.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

import rjieba

from kehu.engines.assist.cues import find_cues
from kehu.engines.assist.text import Prepared

_RUNS = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[a-z0-9]+")
NGRAMS = (1, 2, 3)


def ngram_counts(folded: str, *, words: bool = True) -> Counter[str]:
    counts: Counter[str] = Counter()
    for match in _RUNS.finditer(folded):
        run = match.group(0)
        if run[0].isascii():
            counts["l:" + run] += 1
            continue
        for n in NGRAMS:
            for i in range(len(run) - n + 1):
                counts["c:" + run[i : i + n]] += 1
    if words:
        for word in rjieba.cut(folded):
            if len(word) > 1 and not word[0].isascii():
                counts["w:" + word] += 1
    for ch in folded:
        if ord(ch) > 0x2000 and unicodedata.category(ch) == "So":
            counts["e:" + ch] += 1
    return counts


def features(prep: Prepared, *, words: bool = True) -> tuple[Counter[str], dict[str, list[str]]]:
    """(feature -> count, cue name -> matched phrases)."""
    counts = ngram_counts(prep.folded, words=words)
    cues = find_cues(prep.folded, prep.shown)
    for name, phrases in cues.items():
        counts["q:" + name] += len(phrases)
    return counts, cues
