"""The do-not-call list (勿扰名单): numbers never put on or handed out from a call list."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from kehu.accounts.models import User
from kehu.core.audit import log_action
from kehu.core.errors import InvalidInput, NotAllowed
from kehu.core.phones import PhoneError, mask_phone, normalize_phone
from kehu.outbound.models import OPEN_STATUSES, CampaignEntry, DoNotCall, EntryStatus

REMOVING_ROLES = ("supervisor", "manager", "admin")


def _phone(raw: str) -> str:
    try:
        return normalize_phone(raw)
    except PhoneError:
        raise InvalidInput(_("This is not a phone number."), field="phone") from None


def can_remove_dnc(user: User) -> bool:
    return bool(user.is_superuser or user.role in REMOVING_ROLES)


@transaction.atomic
def dnc_add(*, phone: str, by: User, reason: str = "") -> tuple[DoNotCall, bool]:
    """Put a number on the list (a repeat changes nothing); its open entries in every campaign stop."""
    phone_norm = _phone(phone)
    item, created = DoNotCall.objects.get_or_create(
        phone_norm=phone_norm, defaults={"reason": reason.strip()[:255], "added_by": by})
    if created:
        stopped = CampaignEntry.objects.filter(phone_norm=phone_norm, status__in=OPEN_STATUSES).update(
            status=EntryStatus.DNC, locked_by=None, locked_at=None)
        log_action("outbound.dnc.added", actor=by, obj=item, changes={"phone": [None, mask_phone(phone_norm)]},
                   note=_("%(count)d open call-list entries stopped") % {"count": stopped})
    return item, created


@transaction.atomic
def dnc_remove(*, phone: str, by: User) -> None:
    """Take a number off the list; entries it stopped stay stopped (load the list again to call it)."""
    if not can_remove_dnc(by):
        raise NotAllowed(_("Only supervisors and managers can take a number off the do-not-call list."))
    phone_norm = _phone(phone)
    item = DoNotCall.objects.filter(phone_norm=phone_norm).first()
    if item is None:
        raise InvalidInput(_("This number is not on the do-not-call list."), field="phone")
    log_action("outbound.dnc.removed", actor=by, obj=item, changes={"phone": [mask_phone(phone_norm), None]})
    item.delete()
