"""Chinese phone numbers: normalise what people type into one comparable form.

Mobiles become their 11 digits (13812345678); landlines keep the trunk 0 and the
area code (01012345678, 075512345678); 400/800 service numbers their 10 digits.
"""

from __future__ import annotations

import re
import unicodedata

_EXTENSION = re.compile(r"(转|分机|ext\.?|x)\s*\d+$", re.IGNORECASE)
_NOISE = re.compile(r"[\s\-–—()（）.·/]+")
_MOBILE = re.compile(r"1[3-9]\d{9}")
_LANDLINE = re.compile(r"0[1-9]\d{8,10}")
_SERVICE = re.compile(r"[48]00\d{7}")
# The fewest digits a search reads as the ending of a phone (尾号); the phone-ending
# indexes hold this many.
PHONE_ENDING_DIGITS = 4


class PhoneError(ValueError):
    """The text is not a phone number we can recognise."""


def normalize_phone(raw: str) -> str:
    """Return the canonical digits of a Chinese phone number, or raise PhoneError."""
    if raw.__class__ is str and len(raw) == 11 and raw.isascii() and raw.isdigit() and _MOBILE.match(raw):
        # The common case, 11 plain digits of a mobile (imports check 100k of them):
        # nothing below would change it.
        return raw
    text = unicodedata.normalize("NFKC", str(raw or "")).strip()
    if not text:
        raise PhoneError("empty")
    text = _EXTENSION.sub("", text)
    text = _NOISE.sub("", text)
    if text.startswith("+"):
        text = text[1:]
        if not text.startswith("86"):
            raise PhoneError("foreign")
    # isdigit() alone would also let Arabic-Indic and other non-ASCII digits through.
    if not (text.isascii() and text.isdigit()):
        raise PhoneError("not digits")
    international = False
    if text.startswith("0086"):
        text, international = text[4:], True
    elif text.startswith("86") and len(text) in (12, 13, 14) and not _MOBILE.fullmatch(text):
        text, international = text[2:], True
    if _MOBILE.fullmatch(text) or _SERVICE.fullmatch(text) or _LANDLINE.fullmatch(text):
        return text
    # "+86 10 1234 5678": the trunk 0 of the area code is dropped after the country code
    # (only there: a 10-digit "1381234567" is a mistyped mobile, not a landline).
    if international and _LANDLINE.fullmatch("0" + text):
        return "0" + text
    raise PhoneError("unrecognised")


def try_normalize_phone(raw: str) -> str:
    """Like normalize_phone, but '' for anything that is not a phone number."""
    try:
        return normalize_phone(raw)
    except PhoneError:
        return ""


def mask_phone(value: str) -> str:
    """138****5678: keep the first three and last four characters."""
    if not value:
        return ""
    if len(value) <= 7:
        return value[:1] + "*" * (len(value) - 2) + value[-1:]
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_email(value: str) -> str:
    if "@" not in value:
        return mask_phone(value)
    local, domain = value.split("@", 1)
    return (local[:1] + "***@" + domain) if local else value
