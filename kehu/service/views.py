"""HTML views of the service desk: the agent workbench, ticket pages, unit queues, return visits.

Every view reaches tickets through `Ticket.objects.visible_to(user)` (404 outside the
scope), calls one service and redirects; service errors become messages or form errors.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kehu.core.errors import ServiceError
from kehu.core.phones import mask_email, mask_phone, try_normalize_phone
from kehu.customers.models import Customer, FollowUp
from kehu.service import services
from kehu.service.choices import (
    OPEN_STATUSES,
    ComplaintStepCode,
    TicketKind,
    TicketStatus,
    VisitStatus,
    WorkOrderStatus,
)
from kehu.service.forms import (
    AnswerForm,
    CloseForm,
    DispatchForm,
    ReplyForm,
    ResolveForm,
    StepForm,
    TicketForm,
    VisitForm,
)
from kehu.service.models import (
    ComplaintGrade,
    Escalation,
    ReplyTemplate,
    ReturnVisit,
    Ticket,
    WorkOrder,
)
from kehu.service.querysets import TicketQuerySet
from kehu.service.services.attachments import attachment_add, attachment_problem, safe_filename

PAGE_SIZE = 50
QUEUE_SIZE = 50
SORTS = [
    ("resolution_due", gettext_lazy("Due first")),
    ("priority", gettext_lazy("Priority")),
    ("-id", gettext_lazy("Newest first")),
    ("id", gettext_lazy("Oldest first")),
]


def _visible(request: HttpRequest) -> TicketQuerySet:
    return Ticket.objects.visible_to(request.user)


def _listed(qs: TicketQuerySet) -> TicketQuerySet:
    return qs.select_related("customer", "assignee", "grade")


def _get_ticket(request: HttpRequest, ticket_id: int) -> Ticket:
    qs = _visible(request).select_related("customer__owner", "contact", "assignee", "team", "grade", "category",
                                          "master", "merged_into", "created_by")
    return get_object_or_404(qs, pk=ticket_id)


def _fail(request: HttpRequest, exc: ServiceError) -> None:
    details = [m for m in exc.errors.values() if m != exc.message]
    messages.error(request, " ".join([exc.message, *details]))


# --- workbench and lists ----------------------------------------------------------------

@login_required
def workbench(request: HttpRequest) -> HttpResponse:
    """The agent's day on one page: own queue by due time, the team's unassigned requests,
    escalations, return visits and the unit's work orders."""
    user = request.user
    sort = request.GET.get("sort", "resolution_due")
    mine = _listed(_visible(request).open().filter(assignee=user)).ordered(sort)[:QUEUE_SIZE]
    waiting = _visible(request).open().filter(assignee__isnull=True)
    if user.department_id:
        waiting = waiting.filter(Q(team_id=user.department_id) | Q(team__isnull=True))
    return render(request, "service/workbench.html", {
        "mine": list(mine),
        "waiting": list(_listed(waiting).ordered("resolution_due")[:QUEUE_SIZE]),
        "escalations": list(services.escalations_for(user).select_related("ticket__customer")[:50]),
        "visits": list(ReturnVisit.objects.filter(status=VisitStatus.PENDING, assignee=user,
                                                  due_at__lte=timezone.now() + dt.timedelta(days=1))
                       .select_related("ticket__customer").order_by("due_at")[:50]),
        "work_orders": list(WorkOrder.objects.filter(unit_id=user.department_id, status=WorkOrderStatus.OPEN)
                            .select_related("ticket").order_by("due_at")[:50]) if user.department_id else [],
        "sorts": SORTS, "sort": sort, "now": timezone.now(),
    })


LIST_FILTERS = ("status", "kind", "channel", "grade", "queue", "breached", "q", "sort")


@login_required
def ticket_list(request: HttpRequest) -> HttpResponse:
    f = {k: request.GET.get(k, "").strip()[:40] for k in LIST_FILTERS}
    qs = _visible(request).filtered(
        status=f["status"], kind=f["kind"], channel=f["channel"], grade=f["grade"],
        breached=True if f["breached"] == "yes" else None,
        open_only=f["status"] == "" and f["queue"] != "all",
    )
    if f["queue"] == "mine":
        qs = qs.filter(assignee=request.user)
    elif f["queue"] == "unassigned":
        qs = qs.filter(assignee__isnull=True)
    qs = qs.matching(f["q"])
    page = int(request.GET["page"]) if request.GET.get("page", "").isdigit() else 1
    page = max(1, min(page, 100_000))
    rows = list(_listed(qs).ordered(f["sort"] or "resolution_due")[(page - 1) * PAGE_SIZE: page * PAGE_SIZE + 1])
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "service/list.html", {
        "rows": rows[:PAGE_SIZE], "has_next": len(rows) > PAGE_SIZE, "page": page, "f": f,
        "query": query.urlencode(), "statuses": TicketStatus.choices, "kinds": TicketKind.choices,
        "grades": ComplaintGrade.objects.values_list("code", "name"), "sorts": SORTS, "now": timezone.now(),
    })


# --- new ticket -----------------------------------------------------------------------------

def _caller(request: HttpRequest, phone: str) -> Customer | None:
    """Screen pop: the customer whose phone (or a contact's) is the caller's number."""
    norm = try_normalize_phone(phone)
    if not norm:
        return None
    ids = Customer.objects.phone_matches(norm, limit=5)
    return Customer.objects.visible_to(request.user).filter(pk__in=ids).select_related("owner").first()


@login_required
def ticket_new(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = TicketForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                ticket, _created = services.ticket_create(by=request.user, data=data,
                                                          idempotency_key=request.POST.get("idempotency_key", ""))
            except ServiceError as exc:
                form.add_service_errors(exc)
            else:
                _link_call(request, ticket)
                messages.success(request, _("Ticket %(number)s created.") % {"number": ticket.number})
                return redirect(ticket.get_absolute_url())
        customer = _caller(request, request.POST.get("phone", ""))
    else:
        phone = request.GET.get("phone", "")[:40]
        customer = _caller(request, phone)
        form = TicketForm(initial={
            "phone": phone, "kind": request.GET.get("kind", TicketKind.INQUIRY),
            "customer_id": customer.pk if customer else None,
            "caller_name": customer.name if customer and customer.kind == "individual" else "",
        })
    return render(request, "service/new.html", {
        "form": form, "customer": customer, "summary": _customer_summary(request, customer) if customer else None,
        "idempotency_key": request.POST.get("idempotency_key") or uuid.uuid4().hex,
        "masters": _listed(_visible(request).open().filter(is_master=True)).order_by("-id")[:10],
        "interaction": (request.POST.get("interaction") or request.GET.get("interaction", ""))[:18],
    })


def _link_call(request: HttpRequest, ticket: Ticket) -> None:
    """A ticket opened from a screen pop records the call it came from (the agent's own call)."""
    from kehu.contact.models import Interaction

    call = request.POST.get("interaction", "")
    if call.isdigit() and len(call) <= 18:
        Interaction.objects.filter(pk=int(call), agent=request.user, ticket__isnull=True).update(ticket=ticket)


# --- the ticket page ----------------------------------------------------------------------

def _customer_summary(request: HttpRequest, customer: Customer) -> dict[str, Any]:
    """The 360 summary beside a ticket: profile, open tickets, last interactions."""
    tickets = _visible(request).filter(customer=customer)
    return {
        "customer": customer,
        "phone": mask_phone(customer.phone) if customer.masks_for(request.user) else customer.phone,
        "open_tickets": list(tickets.open().order_by("-id")[:5]),
        "recent_tickets": list(tickets.exclude(status__in=OPEN_STATUSES).order_by("-id")[:3]),
        "followups": list(FollowUp.objects.filter(customer=customer).order_by("-at")[:3]),
        "counts": tickets.aggregate(total=Count("id"), complaints=Count("id", filter=Q(kind=TicketKind.COMPLAINT))),
    }


@login_required
def ticket_detail(request: HttpRequest, ticket_id: int) -> HttpResponse:
    ticket = _get_ticket(request, ticket_id)
    hidden = not ticket.reporter_visible_to(request.user)
    masked = bool(ticket.customer and ticket.created_by_id != request.user.pk and ticket.customer.masks_for(request.user))
    steps = {s.step: s for s in ticket.complaint_steps.select_related("done_by")}
    return render(request, "service/ticket.html", {
        "ticket": ticket, "reporter_hidden": hidden, "now": timezone.now(),
        "caller_phone": mask_phone(ticket.caller_phone) if masked else ticket.caller_phone,
        "caller_email": mask_email(ticket.caller_email) if masked else ticket.caller_email,
        "summary": _customer_summary(request, ticket.customer) if ticket.customer and not hidden else None,
        "replies": list(ticket.replies.select_related("author").prefetch_related("attachments")),
        "attachments": list(ticket.attachments.filter(reply__isnull=True)),
        "steps": [(code, label, steps.get(code)) for code, label in ComplaintStepCode.choices],
        "work_orders": list(ticket.work_orders.select_related("unit", "answered_by")),
        "escalations": list(ticket.escalations.select_related("to_user")[:10]),
        "visit": ReturnVisit.objects.filter(ticket=ticket).first(),
        "attached": list(ticket.attached.order_by("id")[:200]) if ticket.is_master else [],
        "related": list(ticket.related.all()[:20]),
        "masters": list(_visible(request).open().filter(is_master=True).exclude(pk=ticket.pk).order_by("-id")[:10]),
        "templates": [(t.name, t.render(ticket=ticket, agent=request.user)) for t in ReplyTemplate.objects.all()[:50]],
        "reply_form": ReplyForm(), "dispatch_form": DispatchForm(), "resolve_form": ResolveForm(
            initial={"solution": ticket.solution}), "close_form": CloseForm(), "visit_form": VisitForm(),
    })


def _ticket_post(view: Callable[[HttpRequest, Ticket], str | None]) -> Callable[..., HttpResponse]:
    """A POST on a ticket: run the action, report a service error, go back to the ticket."""

    @login_required
    @require_POST
    def wrapper(request: HttpRequest, ticket_id: int) -> HttpResponse:
        ticket = _get_ticket(request, ticket_id)
        try:
            done = view(request, ticket)
        except ServiceError as exc:
            _fail(request, exc)
        else:
            if done:
                messages.success(request, done)
        return redirect(request.POST.get("next") if request.POST.get("next", "").startswith("/service/")
                        else ticket.get_absolute_url())

    wrapper.__name__ = view.__name__
    return wrapper


def _form_or_fail(form: Any) -> dict[str, Any]:
    if not form.is_valid():
        errors = {k: " ".join(str(m) for m in v) for k, v in form.errors.items()}
        raise ServiceError(_("Some fields are not valid."), errors=errors)
    return form.cleaned_data


@_ticket_post
def ticket_reply(request: HttpRequest, ticket: Ticket) -> str:
    """A reply or note, with files. Every file is checked before anything is saved."""
    files = request.FILES.getlist("files")[:10]
    problems = [p for p in (attachment_problem(safe_filename(f.name), f.size) for f in files) if p]
    if problems:
        raise ServiceError(" ".join(problems), field="files")
    body = request.POST.get("body", "").strip()
    if not body and files:
        body = _("(files attached)")
    data = _form_or_fail(ReplyForm({**request.POST.dict(), "body": body}))
    with transaction.atomic():
        reply = services.ticket_reply(ticket=ticket, by=request.user, body=data["body"], internal=data["internal"])
        for f in files:
            attachment_add(ticket=ticket, reply=reply, name=f.name, content=f.read(),
                           content_type=f.content_type or "", by=request.user)
    return _("Note added.") if data["internal"] else _("Reply sent.")


@_ticket_post
def ticket_step(request: HttpRequest, ticket: Ticket) -> str:
    data = _form_or_fail(StepForm(request.POST))
    services.complaint_step_record(ticket=ticket, by=request.user, step=data["step"], note=data["note"])
    return _("Step recorded.")


@_ticket_post
def ticket_accept(request: HttpRequest, ticket: Ticket) -> str:
    services.ticket_accept(ticket=ticket, by=request.user)
    return _("Accepted.")


@_ticket_post
def ticket_start(request: HttpRequest, ticket: Ticket) -> str:
    services.ticket_start(ticket=ticket, by=request.user)
    return _("Work started.")


@_ticket_post
def ticket_dispatch(request: HttpRequest, ticket: Ticket) -> str:
    data = _form_or_fail(DispatchForm(request.POST))
    services.ticket_dispatch(ticket=ticket, by=request.user, units=list(data["units"]),
                             due_at=timezone.now() + dt.timedelta(hours=data["due_hours"]),
                             instructions=data["instructions"])
    return _("Dispatched to %(units)s.") % {"units": ", ".join(str(u) for u in data["units"])}


@_ticket_post
def ticket_resolve(request: HttpRequest, ticket: Ticket) -> str:
    data = _form_or_fail(ResolveForm(request.POST))
    services.ticket_resolve(ticket=ticket, by=request.user, solution=data["solution"])
    return _("Resolved.")


@_ticket_post
def ticket_close(request: HttpRequest, ticket: Ticket) -> str:
    data = _form_or_fail(CloseForm(request.POST))
    services.ticket_close(ticket=ticket, by=request.user, customer_agreed=data["customer_agreed"] or None,
                          reason=data["reason"])
    return _("Closed.")


@_ticket_post
def ticket_reopen(request: HttpRequest, ticket: Ticket) -> str:
    services.ticket_reopen(ticket=ticket, by=request.user, reason=request.POST.get("reason", "")[:500])
    return _("Reopened.")


@_ticket_post
def ticket_master(request: HttpRequest, ticket: Ticket) -> str:
    services.ticket_make_master(ticket=ticket, by=request.user)
    return _("This ticket is now a master incident; attach the other calls to it.")


def _other(request: HttpRequest) -> Ticket:
    number = request.POST.get("number", "").strip().upper()
    ident = request.POST.get("ticket_id", "")
    qs = _visible(request)
    other = qs.filter(number=number).first() if number else (
        qs.filter(pk=int(ident)).first() if ident.isdigit() and len(ident) < 19 else None)
    if other is None:
        raise ServiceError(_("No such ticket: %(number)s") % {"number": number or ident})
    return other


@_ticket_post
def ticket_attach(request: HttpRequest, ticket: Ticket) -> str:
    master = _other(request)
    services.ticket_attach(ticket=ticket, master=master, by=request.user)
    return _("Attached to %(number)s.") % {"number": master.number}


@_ticket_post
def ticket_merge(request: HttpRequest, ticket: Ticket) -> str:
    keep = _other(request)
    services.ticket_merge(keep=keep, merge=ticket, by=request.user)
    return _("Merged into %(number)s.") % {"number": keep.number}


@_ticket_post
def ticket_link(request: HttpRequest, ticket: Ticket) -> str:
    other = _other(request)
    services.ticket_link(ticket=ticket, other=other, by=request.user)
    return _("Linked with %(number)s.") % {"number": other.number}


@_ticket_post
def ticket_visit(request: HttpRequest, ticket: Ticket) -> str:
    visit = ReturnVisit.objects.filter(ticket=ticket).first()
    if visit is None:
        raise ServiceError(_("This ticket has no return visit."))
    data = _form_or_fail(VisitForm(request.POST))
    visit = services.return_visit_record(visit=visit, by=request.user, reached=data["reached"],
                                         satisfaction=data["satisfaction"], comment=data["comment"])
    return _("Not satisfied: the ticket is reopened for review.") if visit.flagged else _("Return visit recorded.")


# --- work orders, escalations, return visits ------------------------------------------------

@login_required
def work_orders(request: HttpRequest) -> HttpResponse:
    """The responsible unit's queue: what was dispatched to it, oldest due first."""
    user = request.user
    show = request.GET.get("status", WorkOrderStatus.OPEN)
    qs = WorkOrder.objects.filter(unit_id=user.department_id).select_related("ticket", "unit", "created_by")
    if show in WorkOrderStatus.values:
        qs = qs.filter(status=show)
    return render(request, "service/work_orders.html", {
        "orders": list(qs.order_by("due_at")[:200]) if user.department_id else [], "show": show,
        "statuses": WorkOrderStatus.choices, "form": AnswerForm(), "now": timezone.now(),
    })


@login_required
@require_POST
def work_order_answer(request: HttpRequest, order_id: int) -> HttpResponse:
    order = get_object_or_404(WorkOrder.objects.select_related("ticket"), pk=order_id)
    if not _visible(request).filter(pk=order.ticket_id).exists():
        raise Http404
    form = AnswerForm(request.POST)
    try:
        services.work_order_answer(work_order=order, by=request.user, answer=_form_or_fail(form)["answer"])
    except ServiceError as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("Answer sent back to the agent."))
    return redirect("service:work_orders")


@login_required
@require_POST
def escalation_ack(request: HttpRequest, escalation_id: int) -> HttpResponse:
    escalation = get_object_or_404(Escalation, pk=escalation_id, to_user=request.user)
    services.escalation_acknowledge(escalation=escalation, by=request.user)
    return redirect("service:workbench")


@login_required
def return_visits(request: HttpRequest) -> HttpResponse:
    visits = ReturnVisit.objects.filter(status=VisitStatus.PENDING)
    flagged = ReturnVisit.objects.filter(flagged=True)
    if not Ticket.objects.sees_all(request.user):
        # Only then: "IN (all tickets)" would make SQLite list a million ids first.
        visits, flagged = visits.filter(ticket__in=_visible(request)), flagged.filter(ticket__in=_visible(request))
    visits = visits.select_related("ticket__customer", "assignee").order_by("due_at")
    flagged = flagged.select_related("ticket__customer").order_by("-done_at")
    return render(request, "service/visits.html", {"visits": list(visits[:200]), "flagged": list(flagged[:50]),
                                                   "now": timezone.now()})
