"""Creating, changing, merging and deleting customers and what hangs off them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kehu.accounts.models import Role, User
from kehu.core.audit import diff, log_action, snapshot
from kehu.core.errors import Conflict, InvalidInput, NotAllowed
from kehu.customers.choices import LedgerKind
from kehu.customers.models import Contact, Customer, Equipment, LedgerEntry, Tag
from kehu.customers.validation import CUSTOMER_FIELDS, clean_contact, clean_customer, clean_date

HISTORY_FIELDS = [*CUSTOMER_FIELDS, "owner", "team"]


def find_duplicate(
    *, name_norm: str = "", kind: str = "company", phones: list[str] | None = None,
    credit_code: str = "", exclude_id: int | None = None,
) -> tuple[Customer, str] | None:
    """The live customer that the given identity collides with, and on which field."""
    alive = Customer.objects.alive().exclude(pk=exclude_id) if exclude_id else Customer.objects.alive()
    if credit_code:
        hit = alive.filter(credit_code=credit_code).only("id", "name").first()
        if hit:
            return hit, "credit_code"
    for phone in filter(None, phones or []):
        hit = alive.filter(phone_norm=phone).only("id", "name").first()
        if hit is None:
            contact = (
                Contact.objects.filter(Q(mobile_norm=phone) | Q(phone_norm=phone), customer__deleted_at__isnull=True)
                .exclude(customer_id=exclude_id).select_related("customer").first()
            )
            hit = contact.customer if contact else None
        if hit:
            return hit, "phone"
    # Two people may share a name; only companies are told apart by it.
    if name_norm and kind == "company":
        hit = alive.filter(name_norm=name_norm, kind="company").only("id", "name").first()
        if hit:
            return hit, "name"
    return None


def _duplicate_error(hit: Customer, field: str) -> Conflict:
    labels = {"credit_code": _("credit code"), "phone": _("phone"), "name": _("name")}
    return Conflict(
        _("A customer with the same %(field)s already exists: “%(name)s” (#%(id)d).")
        % {"field": labels[field], "name": hit.name, "id": hit.pk},
        field=field, existing_id=hit.pk,
    )


def _set_tags(customer: Customer, names: list[str]) -> None:
    names = sorted({n.strip()[:40] for n in names if n and n.strip()})
    existing = {t.name: t for t in Tag.objects.filter(name__in=names)}
    missing = [Tag(name=n) for n in names if n not in existing]
    for tag in Tag.objects.bulk_create(missing, ignore_conflicts=True):
        existing.setdefault(tag.name, tag)
    customer.tags.set(Tag.objects.filter(name__in=names))


def _default_owner(by: User) -> User | None:
    return by if by.role == Role.ACCOUNT_MANAGER else None


@transaction.atomic
def customer_create(
    *, by: User, data: dict[str, Any], merge_into: int | None = None,
) -> Customer:
    """Create a customer, refusing duplicates unless the user confirmed merging into one."""
    cleaned, errors = clean_customer(data)
    if errors:
        raise InvalidInput(_("Some fields are not valid."), errors=errors)
    hit = find_duplicate(
        name_norm=cleaned["name_norm"], kind=cleaned["kind"],
        phones=[cleaned["phone_norm"]], credit_code=cleaned["credit_code"],
    )
    if hit and merge_into != hit[0].pk:
        raise _duplicate_error(*hit)
    if hit:
        return _fill_blanks(customer=hit[0], by=by, cleaned=cleaned)
    owner = data.get("owner") if "owner" in data else _default_owner(by)
    now = timezone.now()
    customer = Customer(
        **cleaned, owner=owner, team=(owner.department if owner else by.department),
        claimed_at=now if owner else None, created_by=by, created_at=now, updated_at=now,
    )
    customer.save()
    if data.get("tags"):
        _set_tags(customer, list(data["tags"]))
    log_action("customer.created", actor=by, obj=customer, customer_id=customer.pk,
               changes={k: [None, v] for k, v in snapshot(customer, HISTORY_FIELDS).items() if v})
    return customer


def _fill_blanks(*, customer: Customer, by: User, cleaned: dict[str, Any]) -> Customer:
    """Merge a confirmed duplicate's data into the existing record: fill what it lacks."""
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    before = snapshot(customer, CUSTOMER_FIELDS)
    fields = [k for k, v in cleaned.items() if v and not getattr(customer, k) and k != "name_norm"]
    for k in fields:
        setattr(customer, k, cleaned[k])
    if "phone" in fields:
        fields.append("phone_norm")
    customer.updated_at = timezone.now()
    customer.save(update_fields=[*fields, "updated_at"])
    log_action("customer.duplicate_merged", actor=by, obj=customer, customer_id=customer.pk,
               changes=diff(before, snapshot(customer, CUSTOMER_FIELDS)))
    return customer


@transaction.atomic
def customer_update(
    *, customer: Customer, by: User, data: dict[str, Any], version: int | None = None,
) -> Customer:
    """Change some fields. A stale `version` (someone saved in between) is refused."""
    cleaned, errors = clean_customer({k: v for k, v in data.items() if k in CUSTOMER_FIELDS}, partial=True)
    if errors:
        raise InvalidInput(_("Some fields are not valid."), errors=errors)
    current = Customer.objects.select_for_update().get(pk=customer.pk)
    if version is not None and current.version != version:
        raise Conflict(_("Someone else changed this customer after you opened it. Reload and apply your change again."),
                       field="version", existing_id=current.pk)
    merged_kind = cleaned.get("kind", current.kind)
    hit = find_duplicate(
        name_norm=cleaned.get("name_norm", "") if cleaned.get("name_norm") != current.name_norm else "",
        kind=merged_kind,
        phones=[cleaned["phone_norm"]] if cleaned.get("phone_norm") and cleaned["phone_norm"] != current.phone_norm else [],
        credit_code=cleaned.get("credit_code", "") if cleaned.get("credit_code") != current.credit_code else "",
        exclude_id=current.pk,
    )
    if hit:
        raise _duplicate_error(*hit)
    before = snapshot(current, HISTORY_FIELDS)
    for k, v in cleaned.items():
        setattr(current, k, v)
    fields = list(cleaned)
    if "owner" in data:
        current.owner = data["owner"]
        current.claimed_at = timezone.now() if current.owner else None
        fields += ["owner", "claimed_at"]
    if "team" in data:
        current.team = data["team"]
        fields.append("team")
    current.version = F("version") + 1
    current.updated_at = timezone.now()
    current.save(update_fields=[*fields, "version", "updated_at"])
    current.refresh_from_db(fields=["version"])
    if "tags" in data:
        old_tags = sorted(current.tags.values_list("name", flat=True))
        _set_tags(current, list(data["tags"] or []))
        new_tags = sorted(current.tags.values_list("name", flat=True))
        if old_tags != new_tags:
            before["tags"] = old_tags
    changes = diff(before, snapshot(current, HISTORY_FIELDS))
    if "tags" in before:
        changes["tags"] = [before["tags"], sorted(current.tags.values_list("name", flat=True))]
    if changes:
        log_action("customer.updated", actor=by, obj=current, customer_id=current.pk, changes=changes)
    return current


@transaction.atomic
def customer_delete(*, customer: Customer, by: User) -> None:
    """Move to the recycle bin; an administrator can restore it until it is purged."""
    updated = Customer.objects.filter(pk=customer.pk, deleted_at__isnull=True).update(
        deleted_at=timezone.now(), deleted_by=by
    )
    if updated:
        log_action("customer.deleted", actor=by, obj=customer, customer_id=customer.pk)


@transaction.atomic
def customer_restore(*, customer: Customer, by: User) -> Customer:
    if not by.is_admin_role:
        raise NotAllowed(_("Only an administrator can restore from the recycle bin."))
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if customer.deleted_at is None:
        return customer
    hit = find_duplicate(name_norm=customer.name_norm, kind=customer.kind, phones=[customer.phone_norm],
                         credit_code=customer.credit_code, exclude_id=customer.pk)
    if hit:
        raise _duplicate_error(*hit)
    customer.deleted_at = None
    customer.deleted_by = None
    customer.save(update_fields=["deleted_at", "deleted_by"])
    log_action("customer.restored", actor=by, obj=customer, customer_id=customer.pk)
    return customer


def trash_purge(*, now: dt.datetime | None = None) -> int:
    """Delete for good what has been in the recycle bin longer than the retention period."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.KEHU_TRASH_RETENTION_DAYS)
    doomed = list(Customer.objects.filter(deleted_at__lt=cutoff).values_list("pk", "name"))
    with transaction.atomic():
        Customer.objects.filter(merged_into_id__in=[pk for pk, _n in doomed]).update(merged_into=None)
        Customer.objects.filter(pk__in=[pk for pk, _n in doomed]).delete()
        for pk, name in doomed:
            log_action("customer.purged", actor=None, customer_id=pk, note=name)
    return len(doomed)


@transaction.atomic
def customer_merge(*, keep: Customer, merge: Customer, by: User) -> Customer:
    """Join `merge` into `keep`: everything attached moves over, history included."""
    if keep.pk == merge.pk:
        raise InvalidInput(_("A customer cannot be merged into itself."), field="merge_id")
    keep = Customer.objects.select_for_update().get(pk=keep.pk)
    merge = Customer.objects.select_for_update().get(pk=merge.pk)
    if keep.deleted_at or merge.deleted_at:
        raise Conflict(_("Deleted customers cannot be merged."))
    from kehu.core.models import AuditEntry

    for model in (Contact, Equipment, LedgerEntry):
        model.objects.filter(customer=merge).update(customer=keep)
    merge.followups.update(customer=keep)
    keep.tags.add(*merge.tags.all())
    keep.segments.add(*merge.segments.all())
    AuditEntry.objects.filter(customer_id=merge.pk).update(customer_id=keep.pk)
    before = snapshot(keep, CUSTOMER_FIELDS)
    filled = [f for f in CUSTOMER_FIELDS if not getattr(keep, f) and getattr(merge, f)]
    for f in filled:
        setattr(keep, f, getattr(merge, f))
    if "phone" in filled:
        keep.phone_norm = merge.phone_norm
        filled.append("phone_norm")
    if not keep.last_followup_at or (merge.last_followup_at and merge.last_followup_at > keep.last_followup_at):
        keep.last_followup_at = merge.last_followup_at
    keep.version = F("version") + 1
    keep.save(update_fields=[*filled, "last_followup_at", "version"])
    keep.refresh_from_db(fields=["version"])
    merge.deleted_at, merge.deleted_by, merge.merged_into = timezone.now(), by, keep
    merge.save(update_fields=["deleted_at", "deleted_by", "merged_into"])
    log_action("customer.merged", actor=by, obj=keep, customer_id=keep.pk,
               changes=diff(before, snapshot(keep, CUSTOMER_FIELDS)),
               note=_("Merged “%(name)s” (#%(id)d) into this customer.") % {"name": merge.name, "id": merge.pk})
    return keep


def customer_unmask(*, customer: Customer, by: User) -> Customer:
    """Show the real phone and e-mail to someone who sees them masked, and log that."""
    if customer.masks_for(by):
        log_action("customer.unmasked", actor=by, obj=customer, customer_id=customer.pk)
    return customer


def _contact_phones(cleaned: dict[str, Any]) -> list[str]:
    return [cleaned.get("mobile_norm", ""), cleaned.get("phone_norm", "")]


@transaction.atomic
def contact_create(*, customer: Customer, by: User, data: dict[str, Any], confirm_duplicate: bool = False) -> Contact:
    cleaned, errors = clean_contact(data)
    if errors:
        raise InvalidInput(_("Some fields are not valid."), errors=errors)
    hit = find_duplicate(phones=_contact_phones(cleaned), exclude_id=customer.pk)
    if hit and not confirm_duplicate:
        raise _duplicate_error(*hit)
    contact = Contact.objects.create(customer=customer, **cleaned)
    log_action("contact.created", actor=by, obj=contact, customer_id=customer.pk,
               changes={k: [None, v] for k, v in snapshot(contact, ["name", "title", "mobile", "phone", "email"]).items() if v})
    return contact


@transaction.atomic
def contact_update(*, contact: Contact, by: User, data: dict[str, Any]) -> Contact:
    cleaned, errors = clean_contact(data, partial=True)
    if errors:
        raise InvalidInput(_("Some fields are not valid."), errors=errors)
    fields = list(cleaned)
    before = snapshot(contact, fields)
    for k, v in cleaned.items():
        setattr(contact, k, v)
    contact.save(update_fields=fields)
    changes = diff(before, snapshot(contact, fields))
    if changes:
        log_action("contact.updated", actor=by, obj=contact, customer_id=contact.customer_id, changes=changes)
    return contact


@transaction.atomic
def contact_delete(*, contact: Contact, by: User) -> None:
    log_action("contact.deleted", actor=by, obj=contact, customer_id=contact.customer_id, note=contact.name)
    contact.delete()


@transaction.atomic
def equipment_create(*, customer: Customer, by: User, data: dict[str, Any]) -> Equipment:
    errors: dict[str, str] = {}
    name = str(data.get("name") or "").strip()
    if not name:
        errors["name"] = _("The product is required.")
    dates = {}
    for field in ("installed_on", "warranty_until"):
        dates[field], error = clean_date(data.get(field))
        if error:
            errors[field] = error
    if errors:
        raise InvalidInput(_("Some fields are not valid."), errors=errors)
    item = Equipment.objects.create(
        customer=customer, name=name[:100], model=str(data.get("model") or "")[:60],
        serial_number=str(data.get("serial_number") or "")[:60], notes=str(data.get("notes") or "")[:255],
        **dates,
    )
    log_action("equipment.created", actor=by, obj=item, customer_id=customer.pk, note=str(item))
    return item


@transaction.atomic
def ledger_entry_create(*, customer: Customer, by: User, data: dict[str, Any]) -> LedgerEntry:
    errors: dict[str, str] = {}
    kind = data.get("kind")
    if kind not in LedgerKind.values:
        errors["kind"] = _("Choose invoiced or received.")
    try:
        amount = Decimal(str(data.get("amount")))
        if not amount.is_finite() or amount <= 0 or amount >= Decimal("1e12"):
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        errors["amount"] = _("The amount must be a positive number.")
        amount = Decimal(0)
    day, error = clean_date(data.get("date") or timezone.localdate())
    if error:
        errors["date"] = error
    due, error = clean_date(data.get("due_date"))
    if error:
        errors["due_date"] = error
    if errors:
        raise InvalidInput(_("Some fields are not valid."), errors=errors)
    entry = LedgerEntry.objects.create(
        customer=customer, kind=kind, amount=amount.quantize(Decimal("0.01")), date=day, due_date=due,
        reference=str(data.get("reference") or "")[:60], note=str(data.get("note") or "")[:255], created_by=by,
    )
    log_action("ledger.created", actor=by, obj=entry, customer_id=customer.pk,
               changes={"kind": [None, kind], "amount": [None, str(entry.amount)]})
    return entry
