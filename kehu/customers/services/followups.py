"""Follow-up records and the reminders they produce."""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from kehu.accounts.models import User
from kehu.core.audit import log_action
from kehu.core.errors import InvalidInput
from kehu.core.holidays import holidays_between
from kehu.customers.choices import Channel
from kehu.customers.models import Contact, Customer, FollowUp
from kehu.customers.validation import clean_date


@transaction.atomic
def followup_create(*, customer: Customer, by: User, data: dict[str, Any]) -> FollowUp:
    errors: dict[str, str] = {}
    channel = str(data.get("channel") or "")
    if channel not in Channel.values:
        errors["channel"] = _("Choose a channel: %(allowed)s.") % {
            "allowed": "、".join(str(label) for label in Channel.labels)
        }
    content = str(data.get("content") or "").strip()
    if not content:
        errors["content"] = _("Write what was said or done.")
    next_date, error = clean_date(data.get("next_date"))
    if error:
        errors["next_date"] = error
    contact = None
    contact_id = data.get("contact_id")
    if contact_id:
        # An id past 2**63 cannot exist, and SQLite fails on it rather than finding nothing.
        if not isinstance(contact_id, int) or 0 < contact_id < 2**63:
            contact = Contact.objects.filter(pk=contact_id, customer=customer).first()
        if contact is None:
            errors["contact_id"] = _("This contact does not belong to the customer.")
    if errors:
        raise InvalidInput(_("Some fields are not valid."), errors=errors)
    now = timezone.now()
    followup = FollowUp.objects.create(
        customer=customer, contact=contact, channel=channel, content=content[:10000],
        outcome=str(data.get("outcome") or "")[:255], next_date=next_date, by=by, at=now,
    )
    Customer.objects.filter(pk=customer.pk).update(last_followup_at=now)
    log_action("followup.created", actor=by, obj=followup, customer_id=customer.pk,
               changes={"channel": [None, channel], "next_date": [None, next_date]})
    return followup


def reminders_for(user: User, today: dt.date, *, days_ahead: int = 7) -> dict[str, list[Any]]:
    """What the user should act on: follow-ups due, contacts' birthdays, coming holidays."""
    visible = Customer.objects.visible_to(user)
    if user.role in ("agent", "account_manager"):
        visible = visible.filter(owner_id=user.pk)
    # Only the newest follow-up of a customer counts: a later one supersedes the plan.
    newest = FollowUp.objects.filter(customer_id=OuterRef("customer_id")).order_by("-at", "-id").values("pk")[:1]
    due = list(
        FollowUp.objects.due_on_or_before(today)
        .filter(customer__in=visible, pk=Subquery(newest))
        .select_related("customer", "contact").order_by("next_date")[:100]
    )
    end = today + dt.timedelta(days=days_ahead)
    birthdays = []
    for contact in Contact.objects.filter(customer__in=visible, birthday__isnull=False).select_related("customer").filter(
        _birthday_window(today, end)
    )[:200]:
        assert contact.birthday is not None
        upcoming = _next_anniversary(contact.birthday, today)
        birthdays.append({"contact": contact, "customer": contact.customer, "date": upcoming,
                          "days": (upcoming - today).days})
    birthdays.sort(key=lambda b: b["days"])
    return {"due": due, "birthdays": birthdays, "holidays": holidays_between(today, end)}


def _next_anniversary(born: dt.date, today: dt.date) -> dt.date:
    for year in (today.year, today.year + 1):
        try:
            day = born.replace(year=year)
        except ValueError:  # born on 29 February
            day = dt.date(year, 3, 1)
        if day >= today:
            return day
    return today


def _birthday_window(start: dt.date, end: dt.date) -> Q:
    """Contacts whose month/day falls between start and end (inclusive), across a year end."""
    days = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
    q = Q()
    for d in days:
        q |= Q(birthday__month=d.month, birthday__day=d.day)
        if (d.month, d.day) == (3, 1) and not calendar.isleap(d.year):
            q |= Q(birthday__month=2, birthday__day=29)  # celebrated on 1 March, as _next_anniversary says
    return q
