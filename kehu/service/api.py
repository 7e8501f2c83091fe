"""JSON API of the service desk. Handlers parse, call one service, respond."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Header, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from kehu.accounts.models import Department, User
from kehu.core.errors import InvalidInput
from kehu.core.phones import mask_email, mask_phone
from kehu.core.schemas import Message
from kehu.service import services
from kehu.service.choices import ComplaintStepCode, ReplyVia, WorkOrderStatus
from kehu.service.models import ReturnVisit, Ticket, WorkOrder
from kehu.service.schemas import (
    MAX_ID,
    AnswerIn,
    CloseIn,
    DispatchIn,
    OtherTicketIn,
    ReasonIn,
    ReplyIn,
    ReplyOut,
    ResolveIn,
    ReturnVisitIn,
    ReturnVisitOut,
    StepIn,
    StepOut,
    TicketIn,
    TicketOut,
    TicketPage,
    TicketPatch,
    WorkOrderOut,
)
from kehu.service.services.attachments import attachment_add, attachment_problem

router = Router(tags=["tickets"])
work_orders_router = Router(tags=["work orders"])


def _ref(obj: Any) -> dict[str, Any] | None:
    return None if obj is None else {"id": obj.pk, "name": str(obj)}


def ticket_out(t: Ticket, user: User) -> dict[str, Any]:
    hidden = not t.reporter_visible_to(user)
    masked = t.customer is not None and t.created_by_id != user.pk and t.customer.masks_for(user)
    data = {f: getattr(t, f) for f in TicketOut.model_fields if hasattr(t, f) and f not in (
        "grade", "category", "customer", "assignee", "team")}
    data.update(
        grade=t.grade.code if t.grade else None,
        category=str(t.category) if t.category else None,
        customer=None if hidden else _ref(t.customer),
        contact_id=None if hidden else t.contact_id,
        assignee=_ref(t.assignee), team=_ref(t.team), sla_state=t.sla_state(),
        caller_phone="" if hidden else (mask_phone(t.caller_phone) if masked else t.caller_phone),
        caller_email="" if hidden else (mask_email(t.caller_email) if masked else t.caller_email),
        caller_name="" if hidden else t.caller_name,
    )
    return data


def _visible(request: HttpRequest) -> Any:
    return Ticket.objects.visible_to(request.user).select_related(*services.ANSWER_RELATED)


def _get(request: HttpRequest, ticket_id: int) -> Ticket:
    if not 0 < ticket_id <= MAX_ID:
        raise Http404
    return get_object_or_404(_visible(request), pk=ticket_id)


def _fresh(request: HttpRequest, ticket: Ticket) -> dict[str, Any]:
    return ticket_out(_get(request, ticket.pk), request.user)


@router.post("", response={201: TicketOut, 409: Message, 422: Message},
             summary="Create a ticket (send Idempotency-Key to make retries safe)")
def create_ticket(request: HttpRequest, payload: TicketIn,
                  idempotency_key: str = Header("", alias="Idempotency-Key")) -> HttpResponse:
    ticket, _created = services.ticket_create(by=request.user, data=payload.dict(), idempotency_key=idempotency_key,
                                              via=ReplyVia.API)  # created or not, the answer is the same
    # A new ticket holds its related objects already, so it is answered without reading it
    # back. A replay answers as the first request did, from one read of the ticket with the
    # caller's own team attached (services.ANSWER_RELATED; the others load when set); keys
    # are per user, and the ticket's creator always sees it.
    # ticket_out builds exactly TicketOut's fields, so the answer is rendered without ninja
    # validating it once more (tested equal to what GET /api/tickets/{id} answers).
    from kehu.api import api  # the root imports this module

    return api.create_response(request, ticket_out(ticket, request.user), status=201)


class TicketFilters(Schema):
    q: str = Field("", description="Ticket number, the customer's phone (whole, or its last 4 or more digits: "
                                   "尾号; contacts' phones count too), or words of the ticket (title, description, "
                                   "replies; the newest 500 holding them all).")
    status: str = ""
    kind: str = ""
    channel: str = ""
    grade: str = ""
    assignee: str = Field("", description="A user id, or “me”.")
    team: int | None = Field(None, ge=1, le=MAX_ID)
    customer_id: int | None = Field(None, ge=1, le=MAX_ID)
    breached: bool | None = None
    open: bool = False
    sort: str = "-id"
    page: int = Field(1, ge=1, le=1_000_000)
    page_size: int = Field(50, ge=1, le=200)


@router.get("", response=TicketPage, summary="List tickets in your scope")
def list_tickets(request: HttpRequest, filters: Query[TicketFilters]) -> dict[str, Any]:
    f = filters
    assignee: int | None = None
    if f.assignee == "me":
        assignee = request.user.pk
    elif f.assignee:
        if not (f.assignee.isdecimal() and 0 < int(f.assignee) <= MAX_ID):
            raise InvalidInput(_("Choose an assignee by id or “me”."), field="assignee")
        assignee = int(f.assignee)
    qs = _visible(request).filtered(status=f.status, kind=f.kind, channel=f.channel, grade=f.grade,
                                    assignee=assignee, team=f.team, customer=f.customer_id,
                                    breached=f.breached, open_only=f.open)
    qs = qs.matching(f.q).ordered(f.sort)
    start = (f.page - 1) * f.page_size
    rows = list(qs[start: start + f.page_size + 1])
    has_next = len(rows) > f.page_size
    count = start + len(rows[: f.page_size]) if not has_next else qs.count()
    return {"count": count, "page": f.page, "page_size": f.page_size, "has_next": has_next,
            "items": [ticket_out(t, request.user) for t in rows[: f.page_size]]}


@router.get("/{int:ticket_id}", response=TicketOut)
def get_ticket(request: HttpRequest, ticket_id: int) -> dict[str, Any]:
    return ticket_out(_get(request, ticket_id), request.user)


@router.patch("/{int:ticket_id}", response={200: TicketOut, 409: Message, 422: Message})
def patch_ticket(request: HttpRequest, ticket_id: int, payload: TicketPatch) -> dict[str, Any]:
    data = payload.dict(exclude_unset=True)
    version = data.pop("version", None)
    ticket = services.ticket_update(ticket=_get(request, ticket_id), by=request.user, data=data, version=version)
    return _fresh(request, ticket)


@router.get("/{int:ticket_id}/replies", response=list[ReplyOut])
def list_replies(request: HttpRequest, ticket_id: int) -> list[dict[str, Any]]:
    ticket = _get(request, ticket_id)
    return [{"id": r.pk, "author": r.author_name or (str(r.author) if r.author else ""), "body": r.body,
             "internal": r.internal, "via": r.via, "created_at": r.created_at}
            for r in ticket.replies.select_related("author")]


@router.post("/{int:ticket_id}/replies", response={201: ReplyOut, 422: Message})
def add_reply(request: HttpRequest, ticket_id: int, payload: ReplyIn) -> Status:
    reply = services.ticket_reply(ticket=_get(request, ticket_id), by=request.user, body=payload.body,
                                  internal=payload.internal, via=ReplyVia.API)
    return Status(201, {"id": reply.pk, "author": reply.author_name, "body": reply.body,
                        "internal": reply.internal, "via": reply.via, "created_at": reply.created_at})


class AttachmentOut(Schema):
    id: int
    name: str
    size: int
    content_type: str
    url: str


@router.post("/{int:ticket_id}/attachments", response={201: AttachmentOut, 422: Message},
             summary="Attach a file (multipart field `file`)")
def add_attachment(request: HttpRequest, ticket_id: int, file: File[UploadedFile]) -> Status:
    ticket = _get(request, ticket_id)
    if file.size is not None and file.size > settings.KEHU_MAX_ATTACHMENT_BYTES:
        # Refused before the content is read into memory.
        raise InvalidInput(attachment_problem(file.name or "file", file.size), field="file")
    a = attachment_add(ticket=ticket, name=file.name or "file", content=file.read(),
                       content_type=file.content_type or "", by=request.user)
    return Status(201, {"id": a.pk, "name": a.name, "size": a.size, "content_type": a.content_type,
                        "url": a.file.url})


@router.post("/{int:ticket_id}/accept", response={200: TicketOut, 409: Message})
def accept(request: HttpRequest, ticket_id: int) -> dict[str, Any]:
    return _fresh(request, services.ticket_accept(ticket=_get(request, ticket_id), by=request.user))


@router.post("/{int:ticket_id}/start", response={200: TicketOut, 409: Message})
def start(request: HttpRequest, ticket_id: int) -> dict[str, Any]:
    return _fresh(request, services.ticket_start(ticket=_get(request, ticket_id), by=request.user))


@router.post("/{int:ticket_id}/dispatch", response={200: TicketOut, 409: Message, 422: Message})
def dispatch(request: HttpRequest, ticket_id: int, payload: DispatchIn) -> dict[str, Any]:
    ticket = _get(request, ticket_id)
    units = list(Department.objects.filter(pk__in=[i for i in payload.unit_ids if 0 < i <= MAX_ID]))
    if len(units) != len(set(payload.unit_ids)):
        raise InvalidInput(_("No such unit."), field="unit_ids", errors={"unit_ids": _("No such unit.")})
    due = payload.due_at or timezone.now() + dt.timedelta(hours=payload.due_hours or 24)
    if timezone.is_naive(due):
        due = timezone.make_aware(due)
    services.ticket_dispatch(ticket=ticket, by=request.user, units=units, due_at=due,
                             instructions=payload.instructions)
    return _fresh(request, ticket)


@router.post("/{int:ticket_id}/resolve", response={200: TicketOut, 409: Message, 422: Message})
def resolve(request: HttpRequest, ticket_id: int, payload: ResolveIn) -> dict[str, Any]:
    ticket = services.ticket_resolve(ticket=_get(request, ticket_id), by=request.user, solution=payload.solution)
    return _fresh(request, ticket)


@router.post("/{int:ticket_id}/close", response={200: TicketOut, 409: Message, 422: Message})
def close(request: HttpRequest, ticket_id: int, payload: CloseIn) -> dict[str, Any]:
    ticket = services.ticket_close(ticket=_get(request, ticket_id), by=request.user,
                                   customer_agreed=payload.customer_agreed, reason=payload.reason)
    return _fresh(request, ticket)


@router.post("/{int:ticket_id}/reopen", response={200: TicketOut, 409: Message})
def reopen(request: HttpRequest, ticket_id: int, payload: ReasonIn) -> dict[str, Any]:
    ticket = services.ticket_reopen(ticket=_get(request, ticket_id), by=request.user, reason=payload.reason)
    return _fresh(request, ticket)


@router.post("/{int:ticket_id}/return-visit", response={200: ReturnVisitOut, 404: Message, 409: Message,
                                                          422: Message})
def return_visit(request: HttpRequest, ticket_id: int, payload: ReturnVisitIn) -> Status:
    ticket = _get(request, ticket_id)
    visit = ReturnVisit.objects.filter(ticket=ticket).first()
    if visit is None:
        return Status(404, {"message": _("This ticket has no return visit; it is planned when the ticket closes."),
                            "field": ""})
    visit = services.return_visit_record(visit=visit, by=request.user, reached=payload.reached,
                                         satisfaction=payload.satisfaction, comment=payload.comment)
    return Status(200, {f: getattr(visit, f) for f in ReturnVisitOut.model_fields})


@router.get("/{int:ticket_id}/complaint-steps", response=list[StepOut])
def list_steps(request: HttpRequest, ticket_id: int) -> list[dict[str, Any]]:
    ticket = _get(request, ticket_id)
    return [{"step": s.step, "label": str(ComplaintStepCode(s.step).label), "done_at": s.done_at, "note": s.note}
            for s in ticket.complaint_steps.all()]


@router.post("/{int:ticket_id}/complaint-steps", response={201: StepOut, 422: Message})
def record_step(request: HttpRequest, ticket_id: int, payload: StepIn) -> Status:
    s = services.complaint_step_record(ticket=_get(request, ticket_id), by=request.user, step=payload.step,
                                       note=payload.note)
    return Status(201, {"step": s.step, "label": str(ComplaintStepCode(s.step).label), "done_at": s.done_at,
                        "note": s.note})


@router.post("/{int:ticket_id}/merge", response={200: TicketOut, 422: Message},
             summary="Merge this ticket into another (the other keeps both threads)")
def merge(request: HttpRequest, ticket_id: int, payload: OtherTicketIn) -> dict[str, Any]:
    keep = services.ticket_merge(keep=_get(request, payload.ticket_id), merge=_get(request, ticket_id),
                                 by=request.user)
    return _fresh(request, keep)


@router.post("/{int:ticket_id}/link", response={200: TicketOut, 422: Message})
def link(request: HttpRequest, ticket_id: int, payload: OtherTicketIn) -> dict[str, Any]:
    ticket = _get(request, ticket_id)
    services.ticket_link(ticket=ticket, other=_get(request, payload.ticket_id), by=request.user)
    return _fresh(request, ticket)


@router.post("/{int:ticket_id}/master", response=TicketOut, summary="Declare a master incident (mass fault)")
def make_master(request: HttpRequest, ticket_id: int) -> dict[str, Any]:
    return _fresh(request, services.ticket_make_master(ticket=_get(request, ticket_id), by=request.user))


@router.post("/{int:ticket_id}/attach", response={200: TicketOut, 409: Message, 422: Message},
             summary="Attach this ticket to a master incident")
def attach(request: HttpRequest, ticket_id: int, payload: OtherTicketIn) -> dict[str, Any]:
    ticket = services.ticket_attach(ticket=_get(request, ticket_id), master=_get(request, payload.ticket_id),
                                    by=request.user)
    return _fresh(request, ticket)


def work_order_out(w: WorkOrder) -> dict[str, Any]:
    return {"id": w.pk, "ticket_id": w.ticket_id, "ticket_number": w.ticket.number, "ticket_title": w.ticket.title,
            "unit": _ref(w.unit), "instructions": w.instructions, "due_at": w.due_at, "status": w.status,
            "overdue": w.is_overdue(), "answer": w.answer, "answered_at": w.answered_at}


@work_orders_router.get("", response=list[WorkOrderOut], summary="Your unit's work orders")
def my_work_orders(request: HttpRequest, status: str = WorkOrderStatus.OPEN) -> list[dict[str, Any]]:
    qs = WorkOrder.objects.select_related("ticket", "unit").filter(unit_id=request.user.department_id)
    if status:
        qs = qs.filter(status=status)
    return [work_order_out(w) for w in qs.order_by("due_at")[:500]]


@work_orders_router.post("/{int:order_id}/answer", response={200: WorkOrderOut, 403: Message, 409: Message,
                                                             422: Message})
def answer_work_order(request: HttpRequest, order_id: int, payload: AnswerIn) -> dict[str, Any]:
    if not 0 < order_id <= MAX_ID:
        raise Http404
    order = get_object_or_404(WorkOrder.objects.select_related("ticket", "unit"), pk=order_id)
    if not Ticket.objects.visible_to(request.user).filter(pk=order.ticket_id).exists():
        raise Http404
    services.work_order_answer(work_order=order, by=request.user, answer=payload.answer)
    order.refresh_from_db()
    return work_order_out(order)

