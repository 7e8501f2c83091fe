"""Turning whatever arrives (HTML, 100 KB pastes, traditional characters) into analysable text."""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import opencc

# Long texts keep their head and tail: the request is usually stated first and the demand
# (or threat) last, and a bounded length keeps analysis time bounded.
HEAD = 2000
TAIL = 2000

_SCRIPT_STYLE = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.I | re.S)
_TAG = re.compile(r"<[^<>]{0,1000}>")
_SPACE = re.compile(r"\s+")
# Lone surrogates (from broken JSON escapes) cannot be encoded for OpenCC or rjieba, and
# NUL would end the text early in C code: both become spaces.
_UNENCODABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
# Zero-width characters (often pasted from chat apps) would split words: dropped.
_INVISIBLE = re.compile("[\u200b-\u200f\u2060\ufeff]")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


@dataclass(frozen=True)
class Prepared:
    shown: str  # tags stripped and truncated: what reasons are quoted from
    folded: str  # simplified characters, lower case: what features and cues read
    chinese: bool  # False when there is nothing Chinese to read (emoji, other scripts)


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def check_text(text: object) -> str:
    if not isinstance(text, str):
        raise TypeError(f"assist needs text (str), not {type(text).__name__}")
    return text


def strip_html(text: str) -> str:
    if "<" not in text and "&" not in text:
        return text
    text = _SCRIPT_STYLE.sub(" ", text)
    return html.unescape(_TAG.sub(" ", text))


def truncate(text: str) -> str:
    if len(text) <= HEAD + TAIL:
        return text
    return text[:HEAD] + "\n" + text[-TAIL:]


def fold(text: str) -> str:
    """Traditional to simplified (OpenCC t2s), full-width to half-width, lower case."""
    return unicodedata.normalize("NFKC", _t2s().convert(text)).lower()


def is_chinese(text: str) -> bool:
    """Han characters must be present and outnumber kana, hangul and other non-Latin letters."""
    han = len(_HAN.findall(text))
    if not han:
        return False
    other = sum(1 for ch in text if ch.isalpha() and not ch.isascii() and not _HAN.match(ch))
    return han >= other


def prepare(text: object, *, folding: bool = True) -> Prepared:
    raw = check_text(text)
    shown = _UNENCODABLE.sub(" ", truncate(strip_html(truncate(raw))))
    shown = _INVISIBLE.sub("", shown)
    shown = _SPACE.sub(" ", shown).strip()
    folded = fold(shown) if folding else unicodedata.normalize("NFKC", shown).lower()
    return Prepared(shown=shown, folded=folded, chinese=is_chinese(shown))
