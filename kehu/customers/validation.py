"""Cleaning of customer and contact fields, shared by forms, the API and imports.

Each cleaner returns (cleaned, errors): cleaned holds every valid field, errors maps a
field to what is wrong with it in the user's language, so nothing valid is lost.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _

from kehu.core.identifiers import credit_code_problem, normalize_credit_code, normalize_name
from kehu.core.phones import PhoneError, normalize_phone
from kehu.core.search import index_terms
from kehu.customers.choices import (
    BehaviourType,
    CustomerKind,
    NeedType,
    Relation,
    Source,
    TimeState,
    ValueTier,
)

CHOICE_FIELDS: dict[str, type[models.TextChoices]] = {
    "kind": CustomerKind,
    "source": Source,
    "value_tier": ValueTier,
    "time_state": TimeState,
    "relation": Relation,
    "need_type": NeedType,
    "behaviour_type": BehaviourType,
}
TEXT_LIMITS = {
    "name": 200, "industry": 60, "province": 30, "city": 30, "district": 30,
    "address": 255, "notes": 10000,
}
CUSTOMER_FIELDS = ["kind", "name", "credit_code", "phone", "email", *TEXT_LIMITS.keys(), *CHOICE_FIELDS.keys()]
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_ALIASES: dict[str, dict[str, str]] = {}


def choice_aliases(field: str) -> dict[str, str]:
    """Code, English label and Chinese label of every choice, folded, mapped to the code."""
    if field not in _ALIASES:
        choices = CHOICE_FIELDS[field]
        aliases: dict[str, str] = {}
        for code, label in choices.choices:
            aliases[code.casefold()] = code
            for lang in ("en", "zh-hans"):
                with translation.override(lang):
                    aliases[str(label).casefold()] = code
        # The common short Chinese forms people type in spreadsheets.
        aliases.update(_SHORT_FORMS.get(field, {}))
        _ALIASES[field] = aliases
    return _ALIASES[field]


_SHORT_FORMS: dict[str, dict[str, str]] = {
    "kind": {"公司": "company", "企业": "company", "单位": "company", "个人": "individual", "个体": "individual"},
    "value_tier": {"大客户": "key", "优质": "quality", "一般": "general", "边缘": "marginal"},
    "time_state": {"潜在": "potential", "现在": "current", "现有": "current", "过去": "past", "流失": "lost"},
    "relation": {"外部": "external", "内部": "internal"},
    "need_type": {"价格敏感": "price", "服务主导": "service", "产品主导": "product"},
}


def clean_phone(raw: Any) -> tuple[str, str, str]:
    """(as entered, normalised, error)."""
    text = str(raw or "").strip()
    if not text:
        return "", "", ""
    try:
        return text[:40], normalize_phone(text), ""
    except PhoneError:
        return text, "", _("“%(value)s” is not a Chinese mobile or landline number.") % {"value": text}


def clean_email(raw: Any) -> tuple[str, str]:
    text = str(raw or "").strip()
    if text and (not _EMAIL.match(text) or len(text) > 254):
        return "", _("“%(value)s” is not an e-mail address.") % {"value": text}
    return text, ""


def clean_date(raw: Any) -> tuple[dt.date | None, str]:
    if raw in (None, ""):
        return None, ""
    if isinstance(raw, dt.datetime):
        return raw.date(), ""
    if isinstance(raw, dt.date):
        return raw, ""
    text = str(raw).strip().replace("/", "-").replace(".", "-")
    text = re.sub(r"[年月]", "-", text).rstrip("日")
    try:
        return dt.date.fromisoformat("-".join(p.zfill(2) for p in text.split("-"))), ""
    except ValueError:
        return None, _("“%(value)s” is not a date (use 2026-11-22).") % {"value": raw}


def clean_customer(data: dict[str, Any], *, partial: bool = False) -> tuple[dict[str, Any], dict[str, str]]:
    """Validate customer fields. With partial=True only the given fields are checked."""
    cleaned: dict[str, Any] = {}
    errors: dict[str, str] = {}
    present = set(data) if partial else set(CUSTOMER_FIELDS)

    if "name" in present:
        name = str(data.get("name") or "").strip()
        if not name:
            errors["name"] = _("The name is required.")
        elif len(name) > TEXT_LIMITS["name"]:
            errors["name"] = _("The name is longer than %(n)d characters.") % {"n": TEXT_LIMITS["name"]}
        else:
            cleaned["name"], cleaned["name_norm"] = name, normalize_name(name)
            cleaned["search_text"] = index_terms(cleaned["name_norm"])

    for field, choices in CHOICE_FIELDS.items():
        if field not in present:
            continue
        raw = str(data.get(field) or "").strip()
        if not raw:
            if field in ("kind", "time_state", "relation"):
                cleaned[field] = {"kind": "company", "time_state": "potential", "relation": "external"}[field]
            else:
                cleaned[field] = ""
            continue
        code = choice_aliases(field).get(raw.casefold())
        if code is None:
            allowed = "、".join(str(label) for _code, label in choices.choices)
            errors[field] = _("“%(value)s” is not one of: %(allowed)s.") % {"value": raw, "allowed": allowed}
        else:
            cleaned[field] = code

    if "phone" in present:
        shown, norm, error = clean_phone(data.get("phone"))
        if error:
            errors["phone"] = error
        else:
            cleaned["phone"], cleaned["phone_norm"] = shown, norm

    if "credit_code" in present:
        code = normalize_credit_code(data.get("credit_code") or "")
        problem = credit_code_problem(code) if code else ""
        if problem:
            errors["credit_code"] = _(
                "“%(value)s” is not a valid unified social credit code (18 characters with a check character)."
            ) % {"value": data.get("credit_code")}
        else:
            cleaned["credit_code"] = code

    if "email" in present:
        email, error = clean_email(data.get("email"))
        if error:
            errors["email"] = error
        else:
            cleaned["email"] = email

    for field, limit in TEXT_LIMITS.items():
        if field == "name" or field not in present:
            continue
        text = str(data.get(field) or "").strip()
        if len(text) > limit:
            errors[field] = _("Longer than %(n)d characters.") % {"n": limit}
        else:
            cleaned[field] = text
    return cleaned, errors


CONTACT_FIELDS = ["name", "title", "mobile", "phone", "email", "wechat", "birthday", "is_decision_maker", "notes"]


def clean_contact(data: dict[str, Any], *, partial: bool = False) -> tuple[dict[str, Any], dict[str, str]]:
    cleaned: dict[str, Any] = {}
    errors: dict[str, str] = {}
    present = set(data) if partial else set(CONTACT_FIELDS)
    if "name" in present:
        name = str(data.get("name") or "").strip()
        if not name or len(name) > 60:
            errors["name"] = _("The contact's name is required (at most 60 characters).")
        else:
            cleaned["name"] = name
    for field in ("mobile", "phone"):
        if field in present:
            shown, norm, error = clean_phone(data.get(field))
            if error:
                errors[field] = error
            else:
                cleaned[field], cleaned[field + "_norm"] = shown, norm
    if "email" in present:
        email, error = clean_email(data.get("email"))
        if error:
            errors["email"] = error
        else:
            cleaned["email"] = email
    if "birthday" in present:
        day, error = clean_date(data.get("birthday"))
        if error:
            errors["birthday"] = error
        else:
            cleaned["birthday"] = day
    for field, limit in (("title", 60), ("wechat", 60), ("notes", 255)):
        if field in present:
            text = str(data.get(field) or "").strip()
            if len(text) > limit:
                errors[field] = _("Longer than %(n)d characters.") % {"n": limit}
            else:
                cleaned[field] = text
    if "is_decision_maker" in present:
        cleaned["is_decision_maker"] = str(data.get("is_decision_maker")).strip().lower() in {
            "1", "true", "yes", "on", "是", "y",
        }
    return cleaned, errors


# --- the fast path of the import --------------------------------------------------------
#
# An import validates 100,000 rows with the cleaners above; most rows are valid, and for
# those the cleaners spend most of their time on generic bookkeeping (str() of every
# value, the `present` set, a loop over every choice field with its alias table). The
# functions below give the same cleaned values for a row they accept and return None
# for anything else, so the caller falls back to the shared cleaner, which produces the
# error messages: the rules and the wording stay in one place. They take what an import
# passes (a dict of str; missing keys count as "") and are checked against the shared
# cleaners by a property test (kehu/customers/tests/test_import_fast.py).

_CHOICE_DEFAULTS = {"kind": "company", "time_state": "potential", "relation": "external"}
_TEXT_LIMITS_BUT_NAME = tuple((f, n) for f, n in TEXT_LIMITS.items() if f != "name")
_NAME_LIMIT = TEXT_LIMITS["name"]
# Valid cell text -> code, per choice field, filled as rows come (a few values each).
_CHOICE_MEMO: dict[str, dict[str, str]] = {f: {} for f in CHOICE_FIELDS}
_CHOICE_MEMO_ITEMS = tuple(_CHOICE_MEMO.items())
_CHOICE_MEMO_SIZE = 1000
_TRUE_WORDS = frozenset({"1", "true", "yes", "on", "是", "y"})


def _fast_choice(field: str, raw: str) -> str | None:
    """The code clean_customer gives `raw` for a choice field, None if it refuses it."""
    text = raw.strip()
    code = choice_aliases(field).get(text.casefold()) if text else _CHOICE_DEFAULTS.get(field, "")
    memo = _CHOICE_MEMO[field]
    if code is not None and len(memo) < _CHOICE_MEMO_SIZE:
        memo[raw] = code
    return code


def _fast_phone(raw: str) -> tuple[str, str] | None:
    """(as entered, normalised) as clean_phone gives them, None when clean_phone refuses."""
    text = raw.strip()
    if not text:
        return "", ""
    try:
        return text[:40], normalize_phone(text)
    except PhoneError:
        return None


def fast_clean_customer(data: dict[str, str]) -> dict[str, Any] | None:
    """clean_customer(data)[0] when it finds no error, else None (see above)."""
    get = data.get
    name = get("name", "").strip()
    if not name or len(name) > _NAME_LIMIT:
        return None
    name_norm = normalize_name(name)
    cleaned: dict[str, Any] = {"name": name, "name_norm": name_norm, "search_text": index_terms(name_norm)}
    for field, memo in _CHOICE_MEMO_ITEMS:
        raw = get(field, "")
        code = memo.get(raw)
        if code is None:
            code = _fast_choice(field, raw)
            if code is None:
                return None
        cleaned[field] = code
    phone = _fast_phone(get("phone", ""))
    if phone is None:
        return None
    cleaned["phone"], cleaned["phone_norm"] = phone
    raw = get("credit_code", "")
    code = normalize_credit_code(raw) if raw else ""
    if code and credit_code_problem(code):
        return None
    cleaned["credit_code"] = code
    email = get("email", "").strip()
    if email and (len(email) > 254 or not _EMAIL.match(email)):
        return None
    cleaned["email"] = email
    for field, limit in _TEXT_LIMITS_BUT_NAME:
        text = get(field, "").strip()
        if len(text) > limit:
            return None
        cleaned[field] = text
    return cleaned


def fast_clean_contact(data: dict[str, str]) -> dict[str, Any] | None:
    """clean_contact(data)[0] when it finds no error, else None (see above)."""
    get = data.get
    name = get("name", "").strip()
    if not name or len(name) > 60:
        return None
    cleaned: dict[str, Any] = {"name": name}
    for field in ("mobile", "phone"):
        phone = _fast_phone(get(field, ""))
        if phone is None:
            return None
        cleaned[field], cleaned[field + "_norm"] = phone
    email = get("email", "").strip()
    if email and (len(email) > 254 or not _EMAIL.match(email)):
        return None
    cleaned["email"] = email
    if get("birthday"):  # dates are rare in imports: the shared cleaner reads them
        return None
    cleaned["birthday"] = None
    for field, limit in (("title", 60), ("wechat", 60), ("notes", 255)):
        text = get(field, "").strip()
        if len(text) > limit:
            return None
        cleaned[field] = text
    cleaned["is_decision_maker"] = str(get("is_decision_maker")).strip().lower() in _TRUE_WORDS
    return cleaned
