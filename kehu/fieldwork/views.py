"""Console pages of fieldwork: a rep's day and week of visits, visit records, work reports, targets.

Every page starts from `visible_to(user)` (404 outside the scope) and calls one service.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kehu.accounts.models import Role, User
from kehu.core.errors import Conflict, ServiceError
from kehu.core.schemas import MAX_ID
from kehu.customers.models import Customer
from kehu.fieldwork import services
from kehu.fieldwork.forms import (
    AppointmentForm,
    CancelForm,
    CheckInForm,
    CommentForm,
    NewReportForm,
    RecordForm,
    ReportBodyForm,
    TargetForm,
    VisitForm,
)
from kehu.fieldwork.models import PeriodKind, ReportKind, Target, Visit, WorkReport, period_bounds
from kehu.fieldwork.querysets import can_lead, team_ids
from kehu.sales.models import Opportunity

FIGURE_SECTIONS = ("leads_converted", "new_customers", "visits", "stage_moves", "followups", "tickets", "calls")


def _day(raw: str | None, default: dt.date | None = None) -> dt.date:
    try:
        return dt.date.fromisoformat(str(raw or "")[:10])
    except ValueError:
        return default or timezone.localdate()


def _int(raw: str | None) -> int | None:
    text = str(raw or "")
    return int(text) if text.isdigit() and 0 < int(text) <= MAX_ID else None


def team_people(user: User) -> list[User]:
    """Whom the user may pick as the rep of a visit, a target or a week view."""
    if not can_lead(user):
        return [user]
    ids = team_ids(user)
    people = User.objects.filter(is_active=True, role__in=[Role.ACCOUNT_MANAGER, Role.SUPERVISOR])
    if ids is not None:
        people = people.filter(pk__in=ids)
    found = list(people.order_by("username")[:300])
    return found if any(p.pk == user.pk for p in found) else [user, *found]


def _rep(request: HttpRequest) -> tuple[User, list[User]]:
    """The rep whose visits are shown: ?rep= among the user's team, else the user."""
    people = team_people(request.user)
    wanted = _int(request.GET.get("rep"))
    return next((p for p in people if p.pk == wanted), request.user), people


def _visit(request: HttpRequest, visit_id: int) -> Visit:
    qs = Visit.objects.visible_to(request.user).select_related("customer", "rep", "contact", "opportunity")
    return get_object_or_404(qs, pk=min(visit_id, MAX_ID))


def _refusal(error: ServiceError) -> str:
    return " ".join([error.message, *error.errors.values()])


def _attempt(request: HttpRequest, action: Any, success: str) -> Any:
    """Run a service; its refusal becomes an error message, never a 500."""
    try:
        result = action()
    except ServiceError as error:
        messages.error(request, _refusal(error))
        return None
    messages.success(request, success)
    return result


def _form_errors(form: Any, error: ServiceError) -> None:
    for name, message in error.errors.items():
        form.add_error(name if name in form.fields else None, message)
    if not error.errors:
        form.add_error(error.field if error.field in form.fields else None, error.message)


# --- visits ---------------------------------------------------------------------------------

@login_required
def visit_day(request: HttpRequest) -> HttpResponse:
    rep, people = _rep(request)
    day = _day(request.GET.get("date"))
    visits = list(Visit.objects.visible_to(request.user).filter(rep=rep, planned_date=day)
                  .select_related("customer", "contact").order_by("route_order", "id"))
    return render(request, "fieldwork/day.html", {
        "rep": rep, "people": people, "day": day, "visits": visits, "today": timezone.localdate(),
        "previous": day - dt.timedelta(days=1), "next": day + dt.timedelta(days=1),
        "can_move": rep.pk == request.user.pk or can_lead(request.user),
    })


@login_required
def visit_week(request: HttpRequest) -> HttpResponse:
    rep, people = _rep(request)
    start, end = period_bounds(PeriodKind.WEEK, _day(request.GET.get("week")))
    visits = (Visit.objects.visible_to(request.user).filter(rep=rep, planned_date__range=(start, end))
              .select_related("customer").order_by("planned_date", "route_order", "id"))
    days: list[dict[str, Any]] = [{"date": start + dt.timedelta(days=i), "visits": []} for i in range(7)]
    for v in visits:
        days[(v.planned_date - start).days]["visits"].append(v)
    return render(request, "fieldwork/week.html", {
        "rep": rep, "people": people, "start": start, "end": end, "days": days,
        "today": timezone.localdate(),
        "previous": start - dt.timedelta(days=7), "next": start + dt.timedelta(days=7),
    })


def _visit_form(request: HttpRequest, data: Any = None) -> VisitForm:
    user = request.user
    people = team_people(user)
    ids = [p.pk for p in people]
    customers = Customer.objects.visible_to(user)
    chosen = _int((data or request.GET).get("customer"))
    choices: list[tuple[int, str]] = []
    selected = customers.filter(pk=chosen).first() if chosen else None
    if selected:
        choices.append((selected.pk, selected.name))
    owned = customers.filter(owner_id__in=ids).exclude(pk=chosen or 0).order_by("name")[:500]
    choices += [(c.pk, c.name) for c in owned]
    contacts = [(str(c.pk), c.name) for c in selected.contacts.all()[:100]] if selected else []
    opportunities = ([(str(o.pk), o.title) for o in Opportunity.objects.visible_to(user)
                      .filter(customer=selected, is_closed=False)[:100]] if selected else [])
    initial = {"rep": user.pk, "planned_date": timezone.localdate(), "customer": chosen}
    return VisitForm(data, initial=initial, customers=choices, contacts=contacts, opportunities=opportunities,
                     reps=[(p.pk, str(p)) for p in people])


@login_required
def visit_new(request: HttpRequest) -> HttpResponse:
    form = _visit_form(request, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        customer = get_object_or_404(Customer.objects.visible_to(request.user), pk=data.pop("customer"))
        data["rep"] = next(p for p in team_people(request.user) if p.pk == data["rep"])
        try:
            visit = services.visit_plan(by=request.user, customer=customer, data=data)
        except ServiceError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Visit planned."))
            return redirect(visit)
    return render(request, "fieldwork/visit_form.html", {"form": form})


def _detail(request: HttpRequest, visit: Visit, **forms: Any) -> HttpResponse:
    mine = visit.rep_id == request.user.pk
    return render(request, "fieldwork/visit_detail.html", {
        "v": visit, "mine": mine,
        "appointment_form": forms.get("appointment") or AppointmentForm(initial={"appointment": visit.appointment}),
        "check_in_form": forms.get("check_in") or CheckInForm(),
        "record_form": forms.get("record") or RecordForm(),
        "cancel_form": CancelForm(),
    })


@login_required
def visit_detail(request: HttpRequest, visit_id: int) -> HttpResponse:
    return _detail(request, _visit(request, visit_id))


@login_required
@require_POST
def visit_appointment(request: HttpRequest, visit_id: int) -> HttpResponse:
    visit = _visit(request, visit_id)
    form = AppointmentForm(request.POST)
    if not form.is_valid():
        return _detail(request, visit, appointment=form)
    _attempt(request, lambda: services.visit_set_appointment(
        visit=visit, by=request.user, appointment=form.cleaned_data["appointment"],
        planned_date=form.cleaned_data["planned_date"]), _("Appointment saved."))
    return redirect(visit)


@login_required
@require_POST
def visit_check_in(request: HttpRequest, visit_id: int) -> HttpResponse:
    visit = _visit(request, visit_id)
    form = CheckInForm(request.POST)
    if not form.is_valid():
        return _detail(request, visit, check_in=form)
    _attempt(request, lambda: services.visit_check_in(visit=visit, by=request.user,
                                                     location=form.cleaned_data["location"]), _("Checked in."))
    return redirect(visit)


@login_required
@require_POST
def visit_record(request: HttpRequest, visit_id: int) -> HttpResponse:
    visit = _visit(request, visit_id)
    form = RecordForm(request.POST)
    if form.is_valid():
        try:
            services.visit_record(visit=visit, by=request.user, data=form.cleaned_data)
        except ServiceError as error:
            if not error.errors:
                messages.error(request, error.message)
                return redirect(visit)
            _form_errors(form, error)
        else:
            messages.success(request, _("Visit recorded."))
            return redirect(visit)
    return _detail(request, visit, record=form)


@login_required
@require_POST
def visit_cancel(request: HttpRequest, visit_id: int) -> HttpResponse:
    visit = _visit(request, visit_id)
    form = CancelForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    _attempt(request, lambda: services.visit_cancel(visit=visit, by=request.user, reason=reason),
             _("Visit cancelled."))
    return redirect(visit)


@login_required
@require_POST
def visit_move(request: HttpRequest, visit_id: int) -> HttpResponse:
    visit = _visit(request, visit_id)
    if visit.rep_id != request.user.pk and not can_lead(request.user):
        messages.error(request, _("Only the rep or a supervisor can change the route."))
    else:
        _attempt(request, lambda: services.visit_move(visit=visit, by=request.user,
                                                      direction=request.POST.get("direction", "")),
                 _("Route changed."))
    return redirect(f"{reverse('fieldwork:visits')}?date={visit.planned_date:%Y-%m-%d}&rep={visit.rep_id}")


# --- reports --------------------------------------------------------------------------------

@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    visible = WorkReport.objects.visible_to(request.user).select_related("author", "reviewer")
    mine = list(visible.filter(author=request.user).order_by("-period_start", "-id")[:50])
    queue = team = []
    if can_lead(request.user):
        queue = list(visible.awaiting_comment().exclude(author=request.user).order_by("submitted_at", "id")[:100])
        team = list(visible.exclude(author=request.user).exclude(status="draft")
                    .order_by("-period_start", "-id")[:50])
    return render(request, "fieldwork/reports.html", {
        "mine": mine, "queue": queue, "team": team, "today": timezone.localdate(), "leads": can_lead(request.user),
    })


@login_required
def report_new(request: HttpRequest) -> HttpResponse:
    initial = {"kind": request.GET.get("kind") if request.GET.get("kind") in ReportKind.values else "daily",
               "date": _day(request.GET.get("date"))}
    form = NewReportForm(request.POST or None, initial=initial)
    existing = None
    if request.method == "POST" and form.is_valid():
        try:
            report = services.report_draft(author=request.user, kind=form.cleaned_data["kind"],
                                           day=form.cleaned_data["date"])
        except Conflict as error:
            existing = WorkReport.objects.filter(pk=error.existing_id, author=request.user).first()
            form.add_error(None, error.message)
        except ServiceError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Report drafted from your recorded activity."))
            return redirect(report)
    return render(request, "fieldwork/report_new.html", {"form": form, "existing": existing})


def _report(request: HttpRequest, report_id: int) -> WorkReport:
    qs = WorkReport.objects.visible_to(request.user).select_related("author", "reviewer")
    return get_object_or_404(qs, pk=min(report_id, MAX_ID))


def _report_page(request: HttpRequest, report: WorkReport, **forms: Any) -> HttpResponse:
    mine = report.author_id == request.user.pk
    figures = report.figures or {}
    return render(request, "fieldwork/report_detail.html", {
        "r": report, "mine": mine, "f": figures, "counts": figures.get("counts", {}),
        "editable": mine and report.is_draft,
        "body_form": forms.get("body") or ReportBodyForm(initial={"body": report.body}),
        "comment_form": forms.get("comment") or CommentForm(),
        "can_comment": not mine and not report.is_draft and can_lead(request.user),
        "comments": report.comments.select_related("by"),
    })


@login_required
def report_detail(request: HttpRequest, report_id: int) -> HttpResponse:
    return _report_page(request, _report(request, report_id))


@login_required
@require_POST
def report_edit(request: HttpRequest, report_id: int) -> HttpResponse:
    report = _report(request, report_id)
    form = ReportBodyForm(request.POST)
    if form.is_valid():
        try:
            services.report_update(report=report, by=request.user, body=form.cleaned_data["body"])
        except ServiceError as error:
            _form_errors(form, error)
            return _report_page(request, report, body=form)
        messages.success(request, _("Text saved."))
        if request.POST.get("then") == "submit":
            _attempt(request, lambda: services.report_submit(report=report, by=request.user),
                     _("Report submitted to your supervisor."))
    return redirect(report)


@login_required
@require_POST
def report_refresh(request: HttpRequest, report_id: int) -> HttpResponse:
    report = _report(request, report_id)
    _attempt(request, lambda: services.report_refresh(report=report, by=request.user),
             _("Figures refreshed; your text was kept."))
    return redirect(report)


@login_required
@require_POST
def report_submit(request: HttpRequest, report_id: int) -> HttpResponse:
    report = _report(request, report_id)
    _attempt(request, lambda: services.report_submit(report=report, by=request.user),
             _("Report submitted to your supervisor."))
    return redirect(report)


@login_required
@require_POST
def report_comment(request: HttpRequest, report_id: int) -> HttpResponse:
    report = _report(request, report_id)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.report_comment(report=report, by=request.user, body=form.cleaned_data["body"])
        except ServiceError as error:
            messages.error(request, _refusal(error))
        else:
            messages.success(request, _("Comment saved; the author will see it."))
            return redirect(report)
    return _report_page(request, report, comment=form)


# --- targets --------------------------------------------------------------------------------

@login_required
def targets(request: HttpRequest) -> HttpResponse:
    period = request.GET.get("period") if request.GET.get("period") in PeriodKind.values else PeriodKind.MONTH
    day = _day(request.GET.get("date"))
    start, end = period_bounds(period, day)
    leads = can_lead(request.user)
    people = team_people(request.user)
    form = TargetForm(request.POST or None, reps=[(p.pk, str(p)) for p in people],
                      initial={"period": period, "date": start})
    if request.method == "POST":
        if not leads:
            messages.error(request, _("Only the rep's supervisor or a manager can set targets."))
        elif form.is_valid():
            data = dict(form.cleaned_data)
            rep = next(p for p in people if p.pk == data.pop("rep"))
            try:
                target = services.target_set(by=request.user, rep=rep, data=data)
            except ServiceError as error:
                _form_errors(form, error)
            else:
                messages.success(request, _("Target saved."))
                return redirect(f"{reverse('fieldwork:targets')}?period={target.period}"
                                f"&date={target.period_start:%Y-%m-%d}")
    qs = Target.objects.visible_to(request.user).filter(period=period, period_start=start).order_by("rep__username")
    step = dt.timedelta(days=7) if period == PeriodKind.WEEK else dt.timedelta(days=1)
    return render(request, "fieldwork/targets.html", {
        "rows": services.targets_with_attainment(qs), "period": period, "start": start, "end": end,
        "periods": PeriodKind.choices, "form": form, "leads": leads,
        "previous": period_bounds(period, start - step)[0], "next": end + dt.timedelta(days=1),
    })
