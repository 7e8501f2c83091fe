"""Work orders (派单): sending a ticket to responsible units and taking their answers back."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kehu.accounts.models import Department, User
from kehu.core.audit import log_action
from kehu.core.errors import Conflict, InvalidInput, NotAllowed
from kehu.service.choices import ReplyVia, TicketStatus, WorkOrderStatus
from kehu.service.models import Reply, Ticket, WorkOrder
from kehu.service.services.tickets import _locked, _move


@transaction.atomic
def ticket_dispatch(*, ticket: Ticket, by: User, units: list[Department], due_at: dt.datetime,
                    instructions: str = "") -> list[WorkOrder]:
    """Dispatch to one or more units; the ticket waits as `dispatched` until all answer."""
    if not units:
        raise InvalidInput(_("Choose at least one responsible unit."), field="unit_ids",
                           errors={"unit_ids": _("This field is required.")})
    if due_at <= timezone.now():
        raise InvalidInput(_("The due time must be in the future."), field="due_at",
                           errors={"due_at": _("The due time must be in the future.")})
    ticket = _locked(ticket)
    if not ticket.can_move_to(TicketStatus.DISPATCHED):
        raise Conflict(_("A ticket that is “%(status)s” cannot be dispatched.")
                       % {"status": ticket.get_status_display()}, field="status")
    orders = [WorkOrder.objects.create(ticket=ticket, unit=unit, due_at=due_at, created_by=by,
                                       instructions=(instructions or "").strip()[:5000]) for unit in units]
    _move(ticket, TicketStatus.DISPATCHED, by=by, note=", ".join(u.name for u in units))
    return orders


@transaction.atomic
def work_order_answer(*, work_order: WorkOrder, by: User, answer: str) -> WorkOrder:
    """The unit answers. When no work order of the ticket is left open, it returns to its agent."""
    answer = (answer or "").strip()
    if not answer:
        raise InvalidInput(_("Write what the unit did."), field="answer", errors={"answer": _("This field is required.")})
    order = WorkOrder.objects.select_for_update().select_related("ticket", "unit").get(pk=work_order.pk)
    if by.department_id != order.unit_id and not by.is_superuser and by.role not in ("manager", "admin"):
        raise NotAllowed(_("Only the responsible unit answers this work order."))
    if order.status != WorkOrderStatus.OPEN:
        raise Conflict(_("This work order is already answered."), field="status")
    now = timezone.now()
    order.status, order.answer, order.answered_at, order.answered_by = WorkOrderStatus.ANSWERED, answer[:20000], now, by
    order.save(update_fields=["status", "answer", "answered_at", "answered_by"])
    ticket = _locked(order.ticket)
    Reply.objects.create(ticket=ticket, author=by, author_name=f"{by} ({order.unit})", internal=True,
                         via=ReplyVia.CONSOLE, created_at=now,
                         body=_("Work order answered by %(unit)s: %(answer)s") % {"unit": order.unit, "answer": answer})
    log_action("ticket.work_order_answered", actor=by, obj=ticket, customer_id=ticket.customer_id,
               changes={"work_order": [None, order.unit.name]})
    still_open = WorkOrder.objects.filter(ticket=ticket, status=WorkOrderStatus.OPEN).exists()
    if not still_open and ticket.status == TicketStatus.DISPATCHED:
        _move(ticket, TicketStatus.IN_PROGRESS, by=by, note=_("All work orders answered."))
    return order
