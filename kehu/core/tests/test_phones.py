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
