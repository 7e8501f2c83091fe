"""Screen pop (来电弹屏): the call ringing for an agent and its caller's 360 summary.

The browser polls a per-agent version (the open call's id) every half second; an unchanged
version costs one indexed query and a 204, a new one returns the rendered card.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from kehu.accounts.models import User
from kehu.contact.models import Interaction
from kehu.core.phones import mask_phone
from kehu.customers.models import Customer, FollowUp
from kehu.service.choices import OPEN_STATUSES, TicketKind
from kehu.service.models import Ticket

# A call that rang longer ago than this and never ended is no longer worth a pop.
POP_WINDOW = dt.timedelta(hours=1)


def open_call_for(user: User, *, now: dt.datetime | None = None) -> Interaction | None:
    """The agent's newest call that has not ended (ringing or in progress)."""
    now = now or timezone.now()
    return (Interaction.objects.filter(agent=user, ended_at__isnull=True,
                                       offered_at__gte=now - POP_WINDOW)
            .order_by("-offered_at", "-id").first())


def customer_summary(user: User, customer: Customer) -> dict[str, Any]:
    """The keys `service/_summary.html` expects, scoped and masked for `user`."""
    tickets = Ticket.objects.visible_to(user).filter(customer=customer)
    return {
        "customer": customer,
        "phone": mask_phone(customer.phone) if customer.masks_for(user) else customer.phone,
        "open_tickets": list(tickets.open().order_by("-id")[:5]),
        "recent_tickets": list(tickets.exclude(status__in=OPEN_STATUSES).order_by("-id")[:3]),
        "followups": list(FollowUp.objects.filter(customer=customer).order_by("-at")[:3]),
        "counts": tickets.aggregate(total=Count("id"),
                                    complaints=Count("id", filter=Q(kind=TicketKind.COMPLAINT))),
    }


def pop_context(user: User, interaction: Interaction) -> dict[str, Any]:
    """What the pop card shows: the caller (masked where the customer is) and the summary."""
    customer = None
    if interaction.customer_id:
        customer = (Customer.objects.visible_to(user).filter(pk=interaction.customer_id)
                    .select_related("owner").first())
    masked = customer is not None and customer.masks_for(user)
    return {
        "interaction": interaction,
        "caller": mask_phone(interaction.caller) if masked else interaction.caller,
        "queue": interaction.queue.name if interaction.queue_id else "",
        "summary": customer_summary(user, customer) if customer else None,
    }
