"""Return visits (回访): after closing, call the customer back and record how it went."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kehu.accounts.models import User
from kehu.core.audit import log_action
from kehu.core.errors import Conflict, InvalidInput
from kehu.service.choices import VisitStatus
from kehu.service.models import ReturnVisit, Ticket

# After this many unanswered calls the visit is closed as not reached.
MAX_ATTEMPTS = 3


def plan_return_visit(*, ticket: Ticket) -> ReturnVisit | None:
    """Create the visit for kinds that need one (setting), once per ticket."""
    if ticket.kind not in settings.KEHU_RETURN_VISIT_KINDS or ticket.merged_into_id:
        return None
    due = ticket.closed_at or timezone.now()
    visit, _created = ReturnVisit.objects.get_or_create(
        ticket=ticket,
        defaults={"due_at": due + dt.timedelta(hours=settings.KEHU_RETURN_VISIT_DELAY_HOURS),
                  "assignee": ticket.assignee},
    )
    return visit


@transaction.atomic
def return_visit_record(*, visit: ReturnVisit, by: User, reached: bool, satisfaction: int | None = None,
                        comment: str = "") -> ReturnVisit:
    """Record a call back. Unsatisfied (1–2) reopens the ticket and flags it for review."""
    from kehu.service.services.tickets import ticket_reopen

    visit = ReturnVisit.objects.select_for_update().select_related("ticket").get(pk=visit.pk)
    if visit.status == VisitStatus.DONE:
        raise Conflict(_("This return visit is already recorded."), field="status")
    comment = (comment or "").strip()[:5000]
    if reached:
        if satisfaction is None or not 1 <= int(satisfaction) <= 5:
            raise InvalidInput(_("Give the satisfaction from 1 to 5."), field="satisfaction",
                               errors={"satisfaction": _("Give the satisfaction from 1 to 5.")})
        visit.satisfaction = int(satisfaction)
    visit.reached, visit.comment = reached, comment
    visit.attempts += 1
    now = timezone.now()
    if reached or visit.attempts >= MAX_ATTEMPTS:
        visit.status, visit.done_at, visit.done_by = VisitStatus.DONE, now, by
    else:
        # Try again tomorrow.
        visit.due_at = now + dt.timedelta(days=1)
    visit.flagged = bool(reached and visit.satisfaction is not None and visit.satisfaction <= 2)
    visit.save()
    log_action("ticket.return_visit", actor=by, obj=visit.ticket, customer_id=visit.ticket.customer_id,
               changes={"reached": [None, reached], "satisfaction": [None, visit.satisfaction]}, note=comment)
    if visit.flagged:
        ticket_reopen(ticket=visit.ticket, by=by,
                      reason=_("Return visit: the customer is not satisfied (%(n)d/5). %(comment)s")
                      % {"n": visit.satisfaction, "comment": comment})
    return visit
