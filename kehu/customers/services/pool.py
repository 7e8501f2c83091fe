"""The customer pool (公海): claim, release, and the sweep that returns neglected customers."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from kehu.accounts.models import Department, User
from kehu.core.audit import log_action
from kehu.core.errors import Conflict, NotAllowed
from kehu.customers.models import Customer


def _hold_limit(user: User) -> int:
    return user.department.effective_max_customers() if user.department_id else settings.KEHU_MAX_CUSTOMERS_PER_REP


def customer_claim(*, customer: Customer, by: User) -> Customer:
    """Take a pool customer. Of two simultaneous claims exactly one wins.

    The claim is one conditional UPDATE … WHERE owner IS NULL: the database decides
    the race, on SQLite and PostgreSQL alike, and the loser sees zero rows changed.
    """
    if customer.owner_id == by.pk:
        return customer
    with transaction.atomic():
        # Lock the claimant so two of their own claims cannot both pass the limit.
        User.objects.select_for_update().filter(pk=by.pk).first()
        held = Customer.objects.alive().filter(owner_id=by.pk).count()
        if held >= _hold_limit(by):
            raise NotAllowed(
                _("You already hold %(n)d customers, the most allowed. Release some before claiming more.")
                % {"n": held}
            )
        now = timezone.now()
        won = Customer.objects.filter(pk=customer.pk, owner__isnull=True, deleted_at__isnull=True).update(
            owner=by, team=by.department, claimed_at=now, updated_at=now, version=F("version") + 1
        )
        if not won:
            raise Conflict(_("Someone else has already claimed this customer."), existing_id=customer.pk)
        log_action("customer.claimed", actor=by, obj=customer, customer_id=customer.pk,
                   changes={"owner": [None, str(by)]})
    customer.refresh_from_db()
    return customer


def customer_release(*, customer: Customer, by: User, reason: str = "") -> Customer:
    """Put a customer back into the pool (its owner, or someone above them)."""
    with transaction.atomic():
        current = Customer.objects.select_for_update().get(pk=customer.pk)
        if current.owner_id is None:
            return current
        if current.owner_id != by.pk and by.role in ("agent", "account_manager") and not by.is_superuser:
            raise NotAllowed(_("Only the owner or a supervisor can release this customer."))
        old_owner = str(current.owner)
        current.owner, current.claimed_at, current.updated_at = None, None, timezone.now()
        current.version = F("version") + 1
        current.save(update_fields=["owner", "claimed_at", "updated_at", "version"])
        log_action("customer.released", actor=by, obj=current, customer_id=current.pk,
                   changes={"owner": [old_owner, None]}, note=reason)
    current.refresh_from_db()
    return current


def pool_sweep(*, now: dt.datetime | None = None) -> int:
    """Return owned customers without a follow-up for their team's N days. Idempotent."""
    now = now or timezone.now()
    returned = 0
    overrides = dict(Department.objects.filter(pool_return_days__isnull=False).values_list("pk", "pool_return_days"))
    groups: list[tuple[int, Q]] = [
        (days, Q(team_id=team_id)) for team_id, days in overrides.items()
    ]
    groups.append((settings.KEHU_POOL_RETURN_DAYS, ~Q(team_id__in=list(overrides)) | Q(team__isnull=True)))
    for days, where in groups:
        cutoff = now - dt.timedelta(days=days)
        stale = (
            Customer.objects.alive().filter(owner__isnull=False).filter(where)
            .annotate(active_at=Greatest(
                Coalesce("last_followup_at", "claimed_at", "created_at"),
                Coalesce("claimed_at", "created_at"),
            ))
            .filter(active_at__lt=cutoff)
        )
        for customer in stale.select_related("owner").iterator(chunk_size=500):
            with transaction.atomic():
                changed = Customer.objects.filter(pk=customer.pk, owner_id=customer.owner_id).update(
                    owner=None, claimed_at=None, updated_at=now, version=F("version") + 1
                )
                if changed:
                    returned += 1
                    log_action("customer.returned_to_pool", actor=None, obj=customer, customer_id=customer.pk,
                               changes={"owner": [str(customer.owner), None]},
                               note=_("No follow-up for %(days)d days.") % {"days": days})
    return returned
