"""Cleaning of ticket input, shared by the console forms, the API, e-mail and the public page.

Returns (cleaned, errors) like the customer cleaners: every valid field is kept and each
wrong one is named with what is wrong, in the user's language.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from kehu.core.phones import PhoneError, normalize_phone
from kehu.service.choices import Priority, TicketChannel, TicketKind

TEXT_LIMITS = {"title": 200, "caller_name": 60, "fault_location": 255, "safety_note": 255}
MAX_DESCRIPTION = 20_000


def _text(data: dict[str, Any], name: str) -> str:
    value = data.get(name)
    return "" if value is None else str(value).strip()


def clean_ticket(data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    cleaned: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name, choices in (("kind", TicketKind), ("channel", TicketChannel)):
        value = _text(data, name)
        if not value:
            errors[name] = _("This field is required.")
        elif value not in choices.values:
            errors[name] = _("“%(value)s” is not one of: %(choices)s.") % {
                "value": value[:40], "choices": ", ".join(choices.values)}
        else:
            cleaned[name] = value
    priority = _text(data, "priority") or Priority.NORMAL
    if priority in Priority.values:
        cleaned["priority"] = priority
    else:
        errors["priority"] = _("“%(value)s” is not one of: %(choices)s.") % {
            "value": priority[:40], "choices": ", ".join(Priority.values)}
    description = _text(data, "description")
    if len(description) > MAX_DESCRIPTION:
        errors["description"] = _("At most %(n)d characters.") % {"n": MAX_DESCRIPTION}
    else:
        cleaned["description"] = description
    for name, limit in TEXT_LIMITS.items():
        value = _text(data, name)
        if len(value) > limit:
            errors[name] = _("At most %(n)d characters.") % {"n": limit}
        else:
            cleaned[name] = value
    if not cleaned.get("title") and "title" not in errors:
        # A caller's words often are the title; take the start of the description.
        first_line = description.splitlines()[0] if description else ""
        if first_line:
            cleaned["title"] = first_line[:60]
        else:
            errors["title"] = _("Give a title or a description.")
    phone = _text(data, "phone") or _text(data, "caller_phone")
    cleaned["caller_phone"] = phone[:40]
    if phone:
        try:
            cleaned["phone_norm"] = normalize_phone(phone)
        except PhoneError as exc:
            errors["phone"] = str(exc)
    email = _text(data, "caller_email") or _text(data, "email")
    if email:
        try:
            validate_email(email)
            cleaned["caller_email"] = email
        except ValidationError:
            errors["caller_email"] = _("Enter a valid e-mail address.")
    cleaned["anonymous"] = bool(data.get("anonymous"))
    for name in ("customer_id", "contact_id", "category_id", "assignee_id", "team_id", "master_id"):
        value = data.get(name)
        if value in (None, ""):
            continue
        try:
            ident = int(value)
            if not 0 < ident < 2**63:
                raise ValueError
            cleaned[name] = ident
        except (TypeError, ValueError):
            errors[name] = _("Not a valid id.")
    return cleaned, errors
