"""Phone numbers as people type them all compare equal once normalised."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kehu.core.phones import (
    PhoneError,
    mask_email,
    mask_phone,
    normalize_phone,
    try_normalize_phone,
)


@pytest.mark.parametrize("typed", [
    "13812345678",
    "138 1234 5678",
    "138-1234-5678",
    "+86 138-1234-5678",
    "+8613812345678",
    "86 138 1234 5678",
    "0086 138 1234 5678",
    "(+86) 138.1234.5678",
    "１３８１２３４５６７８",
    " 13812345678 ",
])
def test_every_way_of_typing_a_mobile_gives_its_eleven_digits(typed: str) -> None:
    assert normalize_phone(typed) == "13812345678"


@pytest.mark.parametrize("typed", [
    "010-12345678",
    "010 1234 5678",
    "(010)12345678",
    "（010）12345678",
    "+86 10 1234 5678",
    "+86-10-12345678",
    "0086 10 12345678",
    "01012345678",
    "010-12345678 转 801",
    "010-12345678 ext. 12",
])
def test_every_way_of_typing_a_beijing_landline_keeps_the_trunk_zero(typed: str) -> None:
    assert normalize_phone(typed) == "01012345678"


def test_landline_with_three_digit_area_code_is_recognised() -> None:
    assert normalize_phone("0755-1234-5678") == "075512345678"
    assert normalize_phone("+86 755 1234 5678") == "075512345678"


def test_service_numbers_keep_their_ten_digits() -> None:
    assert normalize_phone("400-123-4567") == "4001234567"
    assert normalize_phone("800 123 4567") == "8001234567"


@pytest.mark.parametrize("typed", [
    "", "   ", "hello", "12345", "1381234567", "138123456789", "23812345678",
    "+1 415 555 0100", "+44 20 7946 0958", "138-1234-567x", "１３８１２３４５６７８９",
    "١٣٨١٢٣٤٥٦٧٨", "13８１２٣٤٥٦٧٨",
])
def test_text_that_is_not_a_chinese_phone_number_is_refused(typed: str) -> None:
    with pytest.raises(PhoneError):
        normalize_phone(typed)
    assert try_normalize_phone(typed) == ""


@given(st.text(max_size=40))
def test_normalising_any_text_either_refuses_or_gives_ascii_digits_that_normalise_to_themselves(text: str) -> None:
    norm = try_normalize_phone(text)
    if norm:
        assert norm.isascii() and norm.isdigit()
        assert 10 <= len(norm) <= 12
        assert normalize_phone(norm) == norm


def test_masked_mobile_keeps_first_three_and_last_four_digits() -> None:
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("") == ""
    assert mask_phone("12345") == "1***5"


def test_masked_email_keeps_first_letter_and_domain() -> None:
    assert mask_email("zhang.san@example.com") == "z***@example.com"
    assert mask_email("") == ""


def normalize_phone_before(raw: str) -> str:
    """normalize_phone as it was before its shortcut for 11 plain digits (the import's common case)."""
    import re
    import unicodedata

    text = unicodedata.normalize("NFKC", str(raw or "")).strip()
    if not text:
        raise PhoneError("empty")
    text = re.sub(r"(转|分机|ext\.?|x)\s*\d+$", "", text, flags=re.IGNORECASE)
    text = re.sub(r"[\s\-–—()（）.·/]+", "", text)
    if text.startswith("+"):
        text = text[1:]
        if not text.startswith("86"):
            raise PhoneError("foreign")
    if not (text.isascii() and text.isdigit()):
        raise PhoneError("not digits")
    international = False
    mobile, landline, service = r"1[3-9]\d{9}", r"0[1-9]\d{8,10}", r"[48]00\d{7}"
    if text.startswith("0086"):
        text, international = text[4:], True
    elif text.startswith("86") and len(text) in (12, 13, 14) and not re.fullmatch(mobile, text):
        text, international = text[2:], True
    if re.fullmatch(mobile, text) or re.fullmatch(service, text) or re.fullmatch(landline, text):
        return text
    if international and re.fullmatch(landline, "0" + text):
        return "0" + text
    raise PhoneError("unrecognised")


@given(st.one_of(st.text(max_size=20), st.from_regex(r"[0-9]{9,13}", fullmatch=True),
                 st.from_regex(r"1[0-9]{10}\n?", fullmatch=True), st.text("0123456789１３８ +-", max_size=14)))
def test_the_shortcut_for_plain_mobiles_changes_no_answer(text: str) -> None:
    assert try_normalize_phone(text) == (_or_empty(normalize_phone_before, text))


def _or_empty(normalize: object, text: str) -> str:
    try:
        return normalize(text)  # type: ignore[operator]
    except PhoneError:
        return ""
