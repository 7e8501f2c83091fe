"""Leads: create (with the duplicate check), qualify, the lead pool, and conversion."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kehu.accounts.models import Role, User
from kehu.core.audit import diff, log_action, snapshot
from kehu.core.errors import Conflict, InvalidInput, NotAllowed
from kehu.core.identifiers import normalize_name
from kehu.core.phones import try_normalize_phone
from kehu.customers.models import Contact, Customer
from kehu.customers.services import contact_create, customer_create, find_duplicate, followup_create
from kehu.customers.validation import clean_email
from kehu.sales.models import LEAD_SOURCES, Answer, Lead, LeadStatus, Opportunity, Pipeline
from kehu.sales.services.opportunities import opportunity_create

TEXT_FIELDS = {"company": 200, "contact_name": 60, "phone": 40, "email": 254, "notes": 10000,
               "money_note": 255, "authority_note": 255, "need_note": 255}
HISTORY_FIELDS = ["source", "company", "contact_name", "phone", "email", "status",
                  "money", "authority", "need", "money_note", "authority_note", "need_note", "notes"]


@dataclass(frozen=True)
class Duplicate:
    kind: str  # "customer" or "lead"
    id: int
    name: str
    field: str  # "phone" or "name"
    url: str


def clean_lead(data: dict[str, Any], *, partial: bool = False) -> dict[str, Any]:
    """The lead fields present in `data`, checked; raises InvalidInput naming every bad field."""
    cleaned: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for field, limit in TEXT_FIELDS.items():
        if field in data:
            cleaned[field] = str(data[field] or "").strip()[:limit]
    if not partial or "company" in data:
        if not cleaned.get("company"):
            errors["company"] = _("Enter the company or person's name.")
        cleaned["name_norm"] = normalize_name(cleaned.get("company", ""))
    if cleaned.get("phone"):
        cleaned["phone_norm"] = try_normalize_phone(cleaned["phone"])
        if not cleaned["phone_norm"]:
            errors["phone"] = _("This is not a phone number.")
    elif "phone" in cleaned:
        cleaned["phone_norm"] = ""
    if cleaned.get("email"):
        cleaned["email"], error = clean_email(cleaned["email"])
        if error:
            errors["email"] = error
    _choice(data, cleaned, errors, "source", [v for v, _label in LEAD_SOURCES])
    _choice(data, cleaned, errors, "status", [s for s in LeadStatus.values if s != LeadStatus.CONVERTED])
    for field in ("money", "authority", "need"):
        _choice(data, cleaned, errors, field, Answer.values)
    if errors:
        raise InvalidInput(_("Some fields are not valid."), errors=errors)
    return cleaned


def _choice(data: dict[str, Any], cleaned: dict[str, Any], errors: dict[str, str], field: str,
            allowed: list[str]) -> None:
    if field not in data or data[field] in (None, ""):
        return
    if data[field] not in allowed:
        errors[field] = _("Choose one of: %(allowed)s.") % {"allowed": ", ".join(allowed)}
    else:
        cleaned[field] = data[field]


def lead_duplicates(*, name_norm: str, phone_norm: str, exclude_id: int | None = None) -> list[Duplicate]:
    """Customers and leads with the same normalised phone or the same folded name."""
    hits: list[Duplicate] = []
    match = Q(pk__in=[])
    if phone_norm:
        match |= Q(phone_norm=phone_norm)
        ids = Customer.objects.phone_matches(phone_norm, limit=5, alive=True)
        hits += [Duplicate("customer", c.pk, c.name, "phone", c.get_absolute_url())
                 for c in Customer.objects.filter(pk__in=ids).only("id", "name")]
    if name_norm:
        match |= Q(name_norm=name_norm)
        seen = {h.id for h in hits}
        hits += [Duplicate("customer", c.pk, c.name, "name", c.get_absolute_url())
                 for c in Customer.objects.alive().filter(name_norm=name_norm).only("id", "name")[:5]
                 if c.pk not in seen]
    leads = Lead.objects.filter(match).exclude(pk=exclude_id).only("id", "company", "phone_norm")[:10]
    hits += [Duplicate("lead", le.pk, le.company, "phone" if phone_norm and le.phone_norm == phone_norm else "name",
                       le.get_absolute_url()) for le in leads]
    return hits


@transaction.atomic
def lead_create(*, by: User, data: dict[str, Any]) -> tuple[Lead, list[Duplicate]]:
    """Record a lead; its duplicates are returned to be shown (a lead is a hint, not refused)."""
    cleaned = clean_lead(data)
    owner = data["owner"] if "owner" in data else (by if by.role == Role.ACCOUNT_MANAGER else None)
    now = timezone.now()
    lead = Lead.objects.create(
        **cleaned, owner=owner, team=owner.department if owner else by.department,
        claimed_at=now if owner else None, created_by=by, created_at=now, updated_at=now,
    )
    log_action("lead.created", actor=by, obj=lead,
               changes={k: [None, v] for k, v in snapshot(lead, HISTORY_FIELDS).items() if v})
    return lead, lead_duplicates(name_norm=lead.name_norm, phone_norm=lead.phone_norm, exclude_id=lead.pk)


@transaction.atomic
def lead_update(*, lead: Lead, by: User, data: dict[str, Any]) -> Lead:
    """Change fields, the MAN qualification or the status of a lead not yet converted."""
    cleaned = clean_lead(data, partial=True)
    current = Lead.objects.select_for_update().get(pk=lead.pk)
    if current.status == LeadStatus.CONVERTED:
        raise Conflict(_("This lead has been converted; change the customer or the opportunity instead."))
    before = snapshot(current, HISTORY_FIELDS)
    for field, value in cleaned.items():
        setattr(current, field, value)
    current.updated_at = timezone.now()
    current.save(update_fields=[*cleaned, "updated_at"])
    changes = diff(before, snapshot(current, HISTORY_FIELDS))
    if changes:
        log_action("lead.updated", actor=by, obj=current, changes=changes)
    return current


def lead_claim(*, lead: Lead, by: User) -> Lead:
    """Take a pool lead: one conditional UPDATE … WHERE owner IS NULL, so of two claims one wins."""
    if lead.owner_id == by.pk:
        return lead
    with transaction.atomic():
        now = timezone.now()
        won = Lead.objects.filter(pk=lead.pk, owner__isnull=True).exclude(status=LeadStatus.CONVERTED).update(
            owner=by, team=by.department, claimed_at=now, updated_at=now)
        if not won:
            raise Conflict(_("Someone else has already claimed this lead."), existing_id=lead.pk)
        log_action("lead.claimed", actor=by, obj=lead, changes={"owner": [None, str(by)]})
    lead.refresh_from_db()
    return lead


@transaction.atomic
def lead_release(*, lead: Lead, by: User) -> Lead:
    """Put a lead back into the pool (its owner, or someone above them)."""
    current = Lead.objects.select_for_update().get(pk=lead.pk)
    if current.owner_id is None:
        return current
    if current.owner_id != by.pk and by.role in (Role.AGENT, Role.ACCOUNT_MANAGER) and not by.is_superuser:
        raise NotAllowed(_("Only the owner or a supervisor can release this lead."))
    if current.status == LeadStatus.CONVERTED:
        raise Conflict(_("A converted lead stays with the one who converted it."))
    old = str(current.owner)
    current.owner, current.claimed_at, current.updated_at = None, None, timezone.now()
    current.save(update_fields=["owner", "claimed_at", "updated_at"])
    log_action("lead.released", actor=by, obj=current, changes={"owner": [old, None]})
    return current


def lead_convert(
    *, lead: Lead, by: User, pipeline: Pipeline | None = None, title: str = "",
    amount: Decimal | None = None, expected_close: dt.date | None = None,
) -> Opportunity:
    """Turn a qualified lead into a customer, a contact and an opportunity, in one transaction.

    An existing customer with the lead's phone or name is reused rather than duplicated.
    The lead keeps what it became; the customer's history says where it came from.
    """
    with transaction.atomic():
        current = Lead.objects.select_for_update().get(pk=lead.pk)
        _check_convertible(current)
        owner = current.owner or by
        customer = _customer_for(current, by=by, owner=owner)
        contact = _contact_for(current, customer=customer, by=by)
        opportunity = opportunity_create(by=by, data={
            "customer": customer, "pipeline": pipeline or Pipeline.objects.first(),
            "title": title or current.company, "amount": amount if amount is not None else Decimal(0),
            "expected_close": expected_close, "owner": owner, "lead": current,
        })
        _carry_notes(current, customer=customer, contact=contact, by=by)
        current.status, current.converted_at, current.updated_at = LeadStatus.CONVERTED, timezone.now(), timezone.now()
        current.customer, current.contact, current.opportunity = customer, contact, opportunity
        current.save(update_fields=["status", "converted_at", "updated_at", "customer", "contact", "opportunity"])
        log_action("lead.converted", actor=by, obj=current, customer_id=customer.pk,
                   changes={"status": [lead.status, LeadStatus.CONVERTED], "opportunity": [None, str(opportunity)]},
                   note=_("From lead #%(id)d “%(name)s”") % {"id": current.pk, "name": current.company})
    lead.refresh_from_db()
    return opportunity


def _check_convertible(lead: Lead) -> None:
    if lead.status == LeadStatus.CONVERTED:
        raise Conflict(_("This lead has already been converted."), field="status", existing_id=lead.opportunity_id)
    if lead.status == LeadStatus.UNQUALIFIED:
        raise Conflict(_("This lead is marked unqualified and cannot be converted."), field="status")
    if lead.status != LeadStatus.QUALIFIED:
        raise Conflict(_("Qualify the lead (money, authority, need) before converting it."), field="status")


def _customer_for(lead: Lead, *, by: User, owner: User) -> Customer:
    hit = find_duplicate(name_norm=lead.name_norm, phones=[lead.phone_norm])
    if hit:
        return hit[0]
    return customer_create(by=by, data={
        "name": lead.company, "phone": lead.phone, "email": lead.email, "source": lead.source, "owner": owner,
    })


def _contact_for(lead: Lead, *, customer: Customer, by: User) -> Contact | None:
    if not lead.contact_name:
        return None
    existing = customer.contacts.filter(name=lead.contact_name).first()
    if existing:
        return existing
    mobile = lead.phone if lead.phone_norm.startswith("1") else ""
    return contact_create(customer=customer, by=by, confirm_duplicate=True, data={
        "name": lead.contact_name, "mobile": mobile, "phone": "" if mobile else lead.phone,
        "email": lead.email, "is_decision_maker": lead.authority == Answer.YES,
    })


def _carry_notes(lead: Lead, *, customer: Customer, contact: Contact | None, by: User) -> None:
    """The lead's qualification and notes become one follow-up on the customer."""
    labels = {"money": _("Money"), "authority": _("Authority"), "need": _("Need")}
    lines = [_("Converted from lead #%(id)d (%(source)s).") % {"id": lead.pk, "source": lead.get_source_display()}]
    for field, label in labels.items():
        note = getattr(lead, f"{field}_note")
        lines.append(f"{label}: {Answer(getattr(lead, field)).label}" + (f" — {note}" if note else ""))
    if lead.notes:
        lines.append(lead.notes)
    followup_create(customer=customer, by=by, data={
        "channel": "phone" if lead.source == "phone" else "meeting", "content": "\n".join(lines),
        "outcome": str(_("Lead converted")), "contact_id": contact.pk if contact else None,
    })
