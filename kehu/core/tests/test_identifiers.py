"""Unified social credit codes and company names compared for duplicates."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kehu.core.identifiers import (
    credit_code_problem,
    credit_code_with_check,
    normalize_credit_code,
    normalize_name,
)

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
# A real, published code (国家市场监督管理总局's own institutional code is not needed:
# any 17 characters completed by the GB 32100 algorithm form a valid code).
VALID = credit_code_with_check("91110000100000000")


def test_a_code_completed_with_its_check_character_is_valid() -> None:
    assert len(VALID) == 18
    assert credit_code_problem(VALID) == ""


def test_a_known_published_code_is_valid() -> None:
    # 91350100M000100Y43 is the GB 32100-2015 worked example.
    assert credit_code_problem("91350100M000100Y43") == ""


def test_a_wrong_check_character_is_reported() -> None:
    wrong = VALID[:17] + next(c for c in ALPHABET if c != VALID[17])
    assert credit_code_problem(wrong) == "check"


@pytest.mark.parametrize("code, problem", [
    ("", "length"),
    ("9111000010000000", "length"),
    ("9111000010000000001", "length"),
    ("91110000I00000000X", "characters"),  # I, O, S, V and Z are not in the alphabet
    ("91110000O00000000X", "characters"),
    ("91110000s00000000X", "characters"),
])
def test_codes_of_the_wrong_length_or_alphabet_are_reported(code: str, problem: str) -> None:
    assert credit_code_problem(code) == problem


def test_codes_are_compared_in_upper_case_without_spaces_or_full_width() -> None:
    assert normalize_credit_code(" " + VALID.lower()[:9] + " " + VALID.lower()[9:] + " ") == VALID
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in VALID)
    assert normalize_credit_code(full_width) == VALID


@given(st.text(alphabet=ALPHABET, min_size=17, max_size=17))
def test_any_seventeen_characters_with_their_check_character_are_valid(first17: str) -> None:
    assert credit_code_problem(credit_code_with_check(first17)) == ""


@given(st.text(alphabet=ALPHABET, min_size=17, max_size=17), st.sampled_from(ALPHABET))
def test_any_other_last_character_is_refused(first17: str, last: str) -> None:
    code = credit_code_with_check(first17)
    if last != code[17]:
        assert credit_code_problem(first17 + last) == "check"


@pytest.mark.parametrize("a, b", [
    ("ABC（北京）有限公司 ", "abc(北京)有限公司"),
    ("ＡＢＣ科技有限公司", "abc科技有限公司"),
    ("阿里 巴巴  集团", "阿里巴巴集团"),
    ("Huawei Technologies Co., Ltd.", "HUAWEI TECHNOLOGIES CO LTD"),
])
def test_company_names_fold_width_case_spaces_and_punctuation(a: str, b: str) -> None:
    assert normalize_name(a) == normalize_name(b)


def test_different_company_names_stay_different() -> None:
    assert normalize_name("北京科技有限公司") != normalize_name("上海科技有限公司")


def credit_code_problem_before(code: str) -> str:
    """credit_code_problem as it was before it was made faster for imports."""
    value = {c: i for i, c in enumerate(ALPHABET)}
    weights = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
    if len(code) != 18:
        return "length"
    if any(c not in value for c in code):
        return "characters"
    total = sum(value[c] * w for c, w in zip(code[:17], weights, strict=True))
    return "" if ALPHABET[(31 - total % 31) % 31] == code[17] else "check"


@given(st.one_of(st.text(alphabet=ALPHABET, min_size=18, max_size=18), st.text(max_size=20),
                 st.text(alphabet=ALPHABET + "IOSVZ a", min_size=17, max_size=19)))
def test_the_faster_check_gives_the_same_answers(code: str) -> None:
    assert credit_code_problem(code) == credit_code_problem_before(code)
