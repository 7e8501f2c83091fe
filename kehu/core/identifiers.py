"""Names and codes compared for duplicates."""

from __future__ import annotations

import re
import unicodedata
from operator import mul

# GB 32100-2015: 18 characters from this alphabet, the last a check character.
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_VALUE = {c: i for i, c in enumerate(_USCC_ALPHABET)}  # imports check 100k codes
_USCC_CHARS = frozenset(_USCC_ALPHABET)
_NAME_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)


def normalize_credit_code(raw: str) -> str:
    return unicodedata.normalize("NFKC", str(raw or "")).strip().upper().replace(" ", "")


def credit_code_problem(code: str) -> str:
    """'' if `code` is a valid unified social credit code, else what is wrong (English key)."""
    if len(code) != 18:
        return "length"
    if not _USCC_CHARS.issuperset(code):
        return "characters"
    total = sum(map(mul, map(_USCC_VALUE.__getitem__, code[:17]), _USCC_WEIGHTS))
    check = (31 - total % 31) % 31
    return "" if _USCC_ALPHABET[check] == code[17] else "check"


def credit_code_with_check(first17: str) -> str:
    """Complete 17 characters with their check character (for demo data and tests)."""
    total = sum(_USCC_ALPHABET.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return first17 + _USCC_ALPHABET[(31 - total % 31) % 31]


NAME_NORM_LENGTH = 200  # Customer.name_norm's max_length


def normalize_name(raw: str) -> str:
    """Fold width, case, spaces and punctuation so 'ABC（北京）有限公司 ' == 'abc(北京)有限公司'.

    Folding can lengthen a name ('ß' → 'ss', 'ﷺ' → 18 letters), so the result is cut
    to the column's length.
    """
    text = unicodedata.normalize("NFKC", str(raw or "")).casefold()
    return _NAME_NOISE.sub("", text)[:NAME_NORM_LENGTH]
