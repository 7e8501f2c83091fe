"""The import's fast path gives what the shared cleaners give, or steps aside.

fast_clean_customer/fast_clean_contact (kehu.customers.validation) must, for any row,
either return None (the import then asks the shared cleaner, which reports the errors)
or return exactly the cleaned values of clean_customer/clean_contact, which must then
find no error. Generated rows mix realistic values, valid and invalid, with arbitrary text.
"""

from __future__ import annotations

import re
import unicodedata

from hypothesis import example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from kehu.core.identifiers import credit_code_with_check, normalize_name
from kehu.core.search import index_terms
from kehu.customers import imports
from kehu.customers.validation import (
    CHOICE_FIELDS,
    TEXT_LIMITS,
    choice_aliases,
    clean_contact,
    clean_customer,
    fast_clean_contact,
    fast_clean_customer,
)

any_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=30)
spaces = st.sampled_from(["", " ", "  ", "\t", "\u3000"])


def padded(values: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.builds(lambda a, v, b: a + v + b, spaces, values, spaces)


phones = padded(st.one_of(
    st.sampled_from([
        "13812345678", "138 1234 5678", "+86 138-1234-5678", "１３８１２３４５６７８", "010-12345678",
        "0755-1234-5678", "400-123-4567", "010-12345678 转 801", "12345", "1381234567", "not a phone",
        "+1 650 555 0100", "٠١٣٨١٢٣٤٥٦٧٨", "",
    ]),
    st.from_regex(r"1[0-9]{10}", fullmatch=True),
    st.from_regex(r"0[0-9]{2,3}-?[0-9]{7,8}", fullmatch=True),
    any_text,
))
codes = padded(st.one_of(
    st.builds(credit_code_with_check, st.text("0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=17, max_size=17)),
    st.builds(lambda c: c.lower(), st.builds(credit_code_with_check, st.text("0123456789ABCD", min_size=17,
                                                                             max_size=17))),
    st.sampled_from(["91110000MA0000001X", "91110000MA00000011", "９１１１００００ＭＡ０００００１Ｘ", ""]),
    any_text,
))
names = padded(st.one_of(
    st.sampled_from(["杭州恒达机电设备有限公司", "ABC（北京）有限公司", "张三", "Acme Ltd.", "测试123科技", "ß", "ﷺ", ""]),
    st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x4E60), min_size=1, max_size=12),
    st.text(max_size=210).filter(lambda t: len(t) > 195),
    any_text,
))


def choice_values(field: str) -> st.SearchStrategy[str]:
    labels = sorted(choice_aliases(field))
    return padded(st.one_of(st.sampled_from([*labels, *(label.upper() for label in labels), "超级VIP", ""]),
                            any_text))


def texts(limit: int) -> st.SearchStrategy[str]:
    return padded(st.one_of(st.just(""), any_text, st.text(max_size=limit + 3).filter(lambda t: len(t) >= limit - 2)))


emails = padded(st.one_of(st.sampled_from(["info@acme.cn", "a@b.c", "no-at-sign", "a@b", "a b@c.d", ""]),
                          st.emails().map(str), st.text(min_size=250, max_size=260).map(lambda t: t + "@x.cn"),
                          any_text))

customer_rows = st.fixed_dictionaries({}, optional={
    "name": names, "phone": phones, "credit_code": codes, "email": emails,
    **{f: choice_values(f) for f in CHOICE_FIELDS},
    **{f: texts(n) for f, n in TEXT_LIMITS.items() if f != "name"},
})
contact_rows = st.fixed_dictionaries({}, optional={
    "name": texts(60), "mobile": phones, "phone": phones, "email": emails,
    "birthday": st.sampled_from(["", "2026-11-22", "1990年1月2日", "not a date", " "]),
    "title": texts(60), "wechat": texts(60), "notes": texts(255),
    "is_decision_maker": st.sampled_from(["", "是", "yes", "no", "1", " TRUE "]),
})


@hypothesis_settings(max_examples=1500, deadline=None)
@given(customer_rows)
@example({"name": "华为技术有限公司", "kind": "公司", "phone": "138 1234 5678", "value_tier": "大客户"})
@example({"name": " 张三 ", "kind": "个人"})
@example({"name": "甲公司", "credit_code": "91110000MA0000001X"})
def test_the_fast_customer_cleaner_agrees_with_the_shared_one(row: dict[str, str]) -> None:
    fast = fast_clean_customer(row)
    cleaned, errors = clean_customer(row)
    if fast is not None:
        assert errors == {} and fast == cleaned and list(fast) == list(imports._CUSTOMER_KEYS)


@hypothesis_settings(max_examples=1000, deadline=None)
@given(contact_rows)
@example({"name": "李四", "mobile": "13900000001", "title": "经理"})
def test_the_fast_contact_cleaner_agrees_with_the_shared_one(row: dict[str, str]) -> None:
    fast = fast_clean_contact(row)
    cleaned, errors = clean_contact(row)
    if fast is not None:
        assert errors == {} and fast == cleaned and list(fast) == list(imports._CONTACT_KEYS)


def test_the_fast_path_takes_the_common_rows() -> None:
    """Typical valid rows do not fall back (else the import would be slow, not wrong)."""
    assert fast_clean_customer({
        "name": "测试123科技有限公司", "kind": "公司", "phone": "13507000001",
        "credit_code": credit_code_with_check("91178507000001001"), "province": "浙江", "city": "杭州",
        "industry": "制造业", "source": "website", "value_tier": "优质", "notes": "",
    }) is not None
    assert fast_clean_contact({"name": "联系人1", "mobile": "15507000001", "title": "经理"}) is not None


def test_the_cleaned_fields_are_the_same_on_both_paths() -> None:
    assert set(clean_customer({"name": "甲公司"})[0]) == set(imports._CUSTOMER_KEYS)
    assert set(clean_contact({"name": "李四"})[0]) == set(imports._CONTACT_KEYS)


# --- index terms: the faster version gives what the earlier one gave ---------------------

_RUNS = re.compile(r"[a-z0-9]+|[^\sa-z0-9]+")
_ASCII_RUN = re.compile(r"[a-z0-9\s]")


def index_terms_before(folded_name: str) -> str:
    """kehu.core.search.index_terms as it was before the import was made faster."""
    if not _ASCII_RUN.search(folded_name):
        n = folded_name
        return " ".join([*(n[i:i + 2] for i in range(len(n) - 1)), *dict.fromkeys(n)])
    bigrams: list[str] = []
    singles: list[str] = []
    for run in _RUNS.findall(folded_name):
        if run[0].isascii():
            bigrams.append(run)
            continue
        bigrams.extend(run[i:i + 2] for i in range(len(run) - 1))
        singles.extend(run)
    return " ".join([*bigrams, *dict.fromkeys(singles)])


@hypothesis_settings(max_examples=1000, deadline=None)
@given(st.one_of(names, any_text, st.text("恒达机电ab12 ", max_size=12)))
@example("杭州恒达机电设备有限公司")
@example("恒")
@example("")
def test_index_terms_are_unchanged(name: str) -> None:
    for folded in (normalize_name(name), unicodedata.normalize("NFKC", name).casefold()):
        assert index_terms(folded) == index_terms_before(folded)
