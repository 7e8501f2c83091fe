"""JSON API of the fieldwork app. Handlers parse, call one service, respond."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from kehu.accounts.models import User
from kehu.core.errors import InvalidInput
from kehu.core.schemas import ERRORS, MAX_ID, id_or_404
from kehu.customers.models import Customer
from kehu.customers.validation import clean_date
from kehu.fieldwork import services
from kehu.fieldwork.models import Target, Visit, WorkReport, period_bounds
from kehu.fieldwork.schemas import (
    CheckInIn,
    CommentIn,
    RecordIn,
    ReportIn,
    ReportOut,
    TargetIn,
    TargetOut,
    VisitIn,
    VisitOut,
)
from kehu.fieldwork.services.reports import MAX_BODY
from kehu.fieldwork.services.targets import TargetRow

router = Router(tags=["Visits and work reports"])



class VisitFilters(Schema):
    rep: int | None = None
    date: str = ""
    start: str = ""
    end: str = ""
    status: str = ""
    limit: int = 100
    offset: int = 0


class ReportFilters(Schema):
    author: int | None = None
    kind: str = ""
    status: str = ""
    limit: int = 50
    offset: int = 0


class TargetFilters(Schema):
    rep: int | None = None
    period: str = ""
    date: str = ""
    limit: int = 100
    offset: int = 0



def _window(limit: int, offset: int) -> slice:
    limit, offset = min(max(limit, 1), 500), max(offset, 0)
    return slice(offset, offset + limit)


def _date(raw: str, field: str) -> Any:
    day, error = clean_date(raw)
    if error:
        raise InvalidInput(_("Some fields are not valid."), errors={field: error})
    return day


def person(user: User | None) -> dict[str, Any] | None:
    return None if user is None else {"id": user.pk, "username": user.username, "name": str(user)}


def visit_out(v: Visit) -> dict[str, Any]:
    data = {f: getattr(v, f) for f in VisitOut.model_fields if f not in ("rep", "customer_name")}
    data.update(rep=person(v.rep), customer_name=v.customer.name)
    return data


def report_out(r: WorkReport) -> dict[str, Any]:
    data = {f: getattr(r, f) for f in ("id", "kind", "period_start", "period_end", "body", "figures", "status",
                                       "submitted_at")}
    data.update(author=person(r.author), reviewer=person(r.reviewer), comments=[
        {"by": str(c.by) if c.by else "", "body": c.body, "at": c.at} for c in r.comments.select_related("by")])
    return data


def target_out(row: TargetRow) -> dict[str, Any]:
    t = row.target
    data: dict[str, Any] = {"id": t.pk, "rep": person(t.rep), "period": t.period, "period_start": row.start,
                            "period_end": row.end}
    for m in row.measures:
        data[m.name] = {"target": m.target, "attained": m.attained, "percent": m.percent}
    return data


def _visit(request: HttpRequest, visit_id: int) -> Visit:
    qs = Visit.objects.visible_to(request.user).select_related("customer", "rep")
    return get_object_or_404(qs, pk=id_or_404(visit_id))


def _report(request: HttpRequest, report_id: int) -> WorkReport:
    qs = WorkReport.objects.visible_to(request.user).select_related("author", "reviewer")
    return get_object_or_404(qs, pk=id_or_404(report_id))


def _person(raw: int | None, field: str) -> User | None:
    if raw is None:
        return None
    user = User.objects.filter(pk=raw if 0 < raw <= MAX_ID else 0, is_active=True).first()
    if user is None:
        raise InvalidInput(_("Some fields are not valid."), errors={field: _("No such person.")})
    return user


# --- visits ---------------------------------------------------------------------------------

@router.get("/fieldwork/visits", response={200: list[VisitOut], **ERRORS})
def list_visits(request: HttpRequest, filters: Query[VisitFilters]) -> list[dict[str, Any]]:
    qs = Visit.objects.visible_to(request.user).select_related("customer", "rep")
    if filters.rep is not None:
        qs = qs.filter(rep_id=filters.rep if 0 < filters.rep <= MAX_ID else 0)
    day = _date(filters.date, "date")
    if day:
        qs = qs.filter(planned_date=day)
    start, end = _date(filters.start, "start"), _date(filters.end, "end")
    if start:
        qs = qs.filter(planned_date__gte=start)
    if end:
        qs = qs.filter(planned_date__lte=end)
    if filters.status:
        qs = qs.filter(status=filters.status)
    qs = qs.order_by("planned_date", "rep_id", "route_order", "id")
    return [visit_out(v) for v in qs[_window(filters.limit, filters.offset)]]


@router.post("/fieldwork/visits", response={201: VisitOut, **ERRORS})
def plan_visit(request: HttpRequest, payload: VisitIn) -> Status:
    customer = Customer.objects.visible_to(request.user).filter(
        pk=payload.customer if 0 < payload.customer <= MAX_ID else 0).first()
    if customer is None:
        raise InvalidInput(_("Some fields are not valid."), errors={"customer": _("No such customer.")})
    data = payload.dict()
    data["rep"] = _person(payload.rep, "rep")
    visit = services.visit_plan(by=request.user, customer=customer, data=data)
    return Status(201, visit_out(visit))


@router.get("/fieldwork/visits/{visit_id}", response={200: VisitOut, **ERRORS})
def get_visit(request: HttpRequest, visit_id: int) -> dict[str, Any]:
    return visit_out(_visit(request, visit_id))


@router.post("/fieldwork/visits/{visit_id}/check-in", response={200: VisitOut, **ERRORS})
def check_in(request: HttpRequest, visit_id: int, payload: CheckInIn) -> dict[str, Any]:
    visit = services.visit_check_in(visit=_visit(request, visit_id), by=request.user, location=payload.location)
    return visit_out(visit)


@router.post("/fieldwork/visits/{visit_id}/record", response={200: VisitOut, **ERRORS})
def record(request: HttpRequest, visit_id: int, payload: RecordIn) -> dict[str, Any]:
    visit = services.visit_record(visit=_visit(request, visit_id), by=request.user, data=payload.dict())
    return visit_out(visit)


@router.post("/fieldwork/visits/{visit_id}/cancel", response={200: VisitOut, **ERRORS})
def cancel(request: HttpRequest, visit_id: int, payload: CommentIn) -> dict[str, Any]:
    return visit_out(services.visit_cancel(visit=_visit(request, visit_id), by=request.user, reason=payload.body))


# --- reports --------------------------------------------------------------------------------

@router.get("/fieldwork/reports", response={200: list[ReportOut], **ERRORS})
def list_reports(request: HttpRequest, filters: Query[ReportFilters]) -> list[dict[str, Any]]:
    qs = WorkReport.objects.visible_to(request.user).select_related("author", "reviewer")
    if filters.author is not None:
        qs = qs.filter(author_id=filters.author if 0 < filters.author <= MAX_ID else 0)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.status:
        qs = qs.filter(status=filters.status)
    return [report_out(r) for r in qs.order_by("-period_start", "-id")[_window(filters.limit, filters.offset)]]


@router.post("/fieldwork/reports", response={201: ReportOut, **ERRORS})
def draft_report(request: HttpRequest, payload: ReportIn) -> Status:
    """Draft the caller's report for the day (or week) of `date` (default today)."""
    day = _date(payload.date, "date") or timezone.localdate()
    if payload.body is not None and len(payload.body) > MAX_BODY:
        raise InvalidInput(_("Some fields are not valid."),
                           errors={"body": _("The text is too long (at most 20,000 characters).")})
    report = services.report_draft(author=request.user, kind=payload.kind, day=day)
    if payload.body is not None:
        report = services.report_update(report=report, by=request.user, body=payload.body)
    return Status(201, report_out(report))


@router.get("/fieldwork/reports/{report_id}", response={200: ReportOut, **ERRORS})
def get_report(request: HttpRequest, report_id: int) -> dict[str, Any]:
    return report_out(_report(request, report_id))


@router.post("/fieldwork/reports/{report_id}/refresh", response={200: ReportOut, **ERRORS})
def refresh_report(request: HttpRequest, report_id: int) -> dict[str, Any]:
    return report_out(services.report_refresh(report=_report(request, report_id), by=request.user))


@router.post("/fieldwork/reports/{report_id}/submit", response={200: ReportOut, **ERRORS})
def submit_report(request: HttpRequest, report_id: int) -> dict[str, Any]:
    return report_out(services.report_submit(report=_report(request, report_id), by=request.user))


@router.post("/fieldwork/reports/{report_id}/comment", response={201: ReportOut, **ERRORS})
def comment_report(request: HttpRequest, report_id: int, payload: CommentIn) -> Status:
    report = _report(request, report_id)
    services.report_comment(report=report, by=request.user, body=payload.body)
    report.refresh_from_db()
    return Status(201, report_out(report))


# --- targets --------------------------------------------------------------------------------

@router.get("/fieldwork/targets", response={200: list[TargetOut], **ERRORS})
def list_targets(request: HttpRequest, filters: Query[TargetFilters]) -> list[dict[str, Any]]:
    qs = Target.objects.visible_to(request.user)
    if filters.rep is not None:
        qs = qs.filter(rep_id=filters.rep if 0 < filters.rep <= MAX_ID else 0)
    if filters.period:
        qs = qs.filter(period=filters.period)
        day = _date(filters.date, "date")
        if day:
            qs = qs.filter(period_start=period_bounds(filters.period, day)[0])
    qs = qs.order_by("-period_start", "rep_id")[_window(filters.limit, filters.offset)]
    return [target_out(row) for row in services.targets_with_attainment(qs)]


@router.post("/fieldwork/targets", response={200: TargetOut, **ERRORS})
def set_target(request: HttpRequest, payload: TargetIn) -> dict[str, Any]:
    rep = _person(payload.rep, "rep")
    assert rep is not None
    target = services.target_set(by=request.user, rep=rep, data=payload.dict())
    return target_out(services.targets_with_attainment(Target.objects.filter(pk=target.pk))[0])

