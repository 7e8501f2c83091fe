"""Word segmentation for searches typed as a sentence, with the admin's own words.

rjieba (jieba's dictionary and algorithm, in Rust) cuts 我家停电了怎么办 into 我家 / 停电 / 了 /
怎么办; words the admin adds (domain terms: 峰谷电价, 一户一表) are kept whole. The
segmenter is rebuilt when the dictionary changes (its newest change time is checked at
most every few seconds).
"""

from __future__ import annotations

import threading
import time
from typing import Any

STOPWORDS = frozenset(
    "的 了 吗 呢 吧 啊 呀 和 与 及 或 是 在 有 我 你 他 她 它 我们 你们 他们 这 那 这个 那个 什么 怎么 怎么办 "
    "怎样 如何 为什么 请问 一下 一个 可以 能 能否 是否 没有 不 很 也 都 就 还 要 想 会 把 被 给 让 对 从 到 "
    "吗 么 嘛 哦 喔 哈 您 您好 你好 谢谢 麻烦 我家 你家 家里 今天 昨天 现在 一直 已经 怎么 还是".split()
)
_CHECK_EVERY = 5.0
_lock = threading.Lock()
_state: dict[str, Any] = {"jieba": None, "stamp": None, "checked": 0.0}


def _dictionary_stamp() -> tuple[int, str]:
    from django.db.models import Count, Max

    from kehu.search.models import DictionaryWord

    agg = DictionaryWord.objects.aggregate(n=Count("pk"), last=Max("created_at"))
    return agg["n"], str(agg["last"])


def segmenter() -> Any:
    now = time.monotonic()
    with _lock:
        if _state["jieba"] is not None and now - _state["checked"] < _CHECK_EVERY:
            return _state["jieba"]
        stamp = _dictionary_stamp()
        if _state["jieba"] is None or stamp != _state["stamp"]:
            _state["jieba"] = _build()
            _state["stamp"] = stamp
        _state["checked"] = now
        return _state["jieba"]


def forget() -> None:
    """Drop the cached segmenter (tests, and after the dictionary changes in this process)."""
    with _lock:
        _state.update(jieba=None, stamp=None, checked=0.0)


def _build() -> Any:
    import rjieba

    from kehu.search.models import DictionaryWord

    jieba = rjieba.Jieba()
    for word in DictionaryWord.objects.values_list("word", flat=True):
        jieba.add_word(word, None, None)  # frequency and tag: rjieba's defaults
    return jieba


def words(phrase: str) -> list[str]:
    """The meaningful words of a folded phrase: no stopwords, no lone characters."""
    out = []
    for word in segmenter().cut(phrase):
        word = word.strip()
        if word and word not in STOPWORDS and (len(word) > 1 or (word.isascii() and word.isalnum())):
            if any(ch.isalnum() for ch in word):
                out.append(word)
    return list(dict.fromkeys(out))
