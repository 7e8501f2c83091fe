"""Console pages of customer development: leads, the lead pool, the kanban board, the forecast.

Every page starts from `visible_to(user)` (404 outside the scope) and calls one service.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kehu.accounts.models import Department, User
from kehu.core.errors import ServiceError
from kehu.core.models import AuditEntry
from kehu.core.schemas import MAX_ID
from kehu.sales import services
from kehu.sales.board import board_columns, board_filters
from kehu.sales.forms import ConvertForm, LeadForm, QualifyForm
from kehu.sales.models import Lead, LeadStatus, Opportunity, Pipeline, Stage
from kehu.sales.querysets import scope_q

PAGE_SIZE = 50
ACTIONS = {
    "lead.created": gettext_lazy("Lead recorded"),
    "lead.updated": gettext_lazy("Lead changed"),
    "lead.claimed": gettext_lazy("Claimed from the lead pool"),
    "lead.released": gettext_lazy("Released to the lead pool"),
    "lead.converted": gettext_lazy("Converted"),
}


def _page(request: HttpRequest) -> int:
    raw = request.GET.get("page", "1")
    return max(1, min(int(raw), 100_000)) if raw.isdigit() else 1


def _paged(qs: Any, page: int) -> tuple[list[Any], bool]:
    rows = list(qs[(page - 1) * PAGE_SIZE: page * PAGE_SIZE + 1])
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE


def _lead(request: HttpRequest, lead_id: int) -> Lead:
    return get_object_or_404(Lead.objects.visible_to(request.user).select_related("owner"), pk=min(lead_id, MAX_ID))


def _opportunity(request: HttpRequest, opportunity_id: int) -> Opportunity:
    qs = Opportunity.objects.visible_to(request.user).select_related("stage", "pipeline", "customer", "owner")
    return get_object_or_404(qs, pk=min(opportunity_id, MAX_ID))


# --- leads ------------------------------------------------------------------------------

@login_required
def lead_list(request: HttpRequest) -> HttpResponse:
    page = _page(request)
    params = {k: request.GET.get(k, "")[:100] for k in ("status", "source", "q", "owner")}
    qs = Lead.objects.visible_to(request.user).filtered(params).select_related("owner")
    rows, has_next = _paged(qs, page)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "sales/lead_list.html", {
        "rows": rows, "page": page, "has_next": has_next, "params": params, "query": query.urlencode(),
        "statuses": LeadStatus.choices, "pool": params["owner"] == "pool",
    })


@login_required
def lead_pool(request: HttpRequest) -> HttpResponse:
    return redirect(f"{reverse('sales:leads')}?owner=pool")


@login_required
def lead_create(request: HttpRequest) -> HttpResponse:
    form = LeadForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if data.pop("to_pool"):
            data["owner"] = None
        try:
            lead, duplicates = services.lead_create(by=request.user, data=data)
        except ServiceError as error:
            for name, message in error.errors.items():
                form.add_error(name if name in form.fields else None, message)
        else:
            messages.success(request, _("Lead recorded."))
            if duplicates:
                messages.warning(request, _("Possible duplicates found: see the list below."))
            return redirect(lead)
    return render(request, "sales/lead_form.html", {"form": form})


@login_required
def lead_detail(request: HttpRequest, lead_id: int) -> HttpResponse:
    lead = _lead(request, lead_id)
    duplicates = services.lead_duplicates(name_norm=lead.name_norm, phone_norm=lead.phone_norm, exclude_id=lead.pk)
    history = AuditEntry.objects.filter(object_type="lead", object_id=lead.pk).select_related("actor")[:100]
    return render(request, "sales/lead_detail.html", {
        "lead": lead, "duplicates": duplicates,
        "qualify": QualifyForm(initial={f: getattr(lead, f) for f in QualifyForm.base_fields}),
        "convert": ConvertForm(initial={"title": lead.company}),
        "history": [{"entry": e, "action": ACTIONS.get(e.action, e.action)} for e in history],
    })


@login_required
@require_POST
def lead_qualify(request: HttpRequest, lead_id: int) -> HttpResponse:
    lead = _lead(request, lead_id)
    form = QualifyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please correct the fields marked below."))
        return redirect(lead)
    _attempt(request, lambda: services.lead_update(lead=lead, by=request.user, data=form.cleaned_data),
             _("Qualification saved."))
    return redirect(lead)


@login_required
@require_POST
def lead_claim(request: HttpRequest, lead_id: int) -> HttpResponse:
    lead = _lead(request, lead_id)
    _attempt(request, lambda: services.lead_claim(lead=lead, by=request.user), _("The lead is now yours."))
    return redirect(lead)


@login_required
@require_POST
def lead_convert(request: HttpRequest, lead_id: int) -> HttpResponse:
    lead = _lead(request, lead_id)
    form = ConvertForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(lead)
    data = form.cleaned_data
    opportunity = _attempt(request, lambda: services.lead_convert(
        lead=lead, by=request.user, pipeline=data["pipeline"], title=data["title"],
        amount=data["amount"], expected_close=data["expected_close"],
    ), _("Converted: a customer, a contact and an opportunity were created."))
    return redirect(opportunity) if opportunity else redirect(lead)


def _attempt(request: HttpRequest, action: Any, success: str) -> Any:
    """Run a service; its refusal becomes an error message, never a 500."""
    try:
        result = action()
    except ServiceError as error:
        messages.error(request, " ".join([error.message, *error.errors.values()]))
        return None
    messages.success(request, success)
    return result


# --- opportunities and the board ---------------------------------------------------------

def _pipeline(request: HttpRequest, raw: str) -> Pipeline:
    pipelines = Pipeline.objects.all()
    chosen = pipelines.filter(pk=int(raw)).first() if raw.isdigit() and len(raw) < 18 else None
    return chosen or get_object_or_404(pipelines[:1])


def _owner_choices(user: User) -> list[User]:
    q = scope_q(user)
    people = User.objects.filter(is_active=True, role__in=["account_manager", "supervisor", "manager"])
    if q is not None:
        people = people.filter(Q(pk=user.pk) | Q(department_id__in=user.department.tree_ids()
                                                  if user.department_id and user.role != "account_manager"
                                                  else []))
    return list(people.order_by("username")[:300])


def _board_context(request: HttpRequest, params: Any, error: str = "") -> dict[str, Any]:
    pipeline = _pipeline(request, str(params.get("pipeline") or ""))
    filters = board_filters(params)
    qs = Opportunity.objects.visible_to(request.user).filtered(filters)
    columns = board_columns(opportunities=qs, pipeline=pipeline)
    return {
        "pipeline": pipeline, "pipelines": Pipeline.objects.all(), "columns": columns, "filters": filters,
        "owners": _owner_choices(request.user), "teams": Department.objects.all()[:200], "error": error,
    }


@login_required
def board(request: HttpRequest) -> HttpResponse:
    return render(request, "sales/board.html", _board_context(request, request.GET))


@login_required
@require_POST
def opportunity_move(request: HttpRequest, opportunity_id: int) -> HttpResponse:
    """A card dropped on a column (htmx): move it and answer the redrawn board."""
    opportunity = _opportunity(request, opportunity_id)
    raw = request.POST.get("stage", "")
    stage = Stage.objects.filter(pk=int(raw)).first() if raw.isdigit() and len(raw) < 18 else None
    error = ""
    try:
        if stage is None:
            raise ServiceError(_("Choose a stage."))
        services.opportunity_move(opportunity=opportunity, stage=stage, by=request.user,
                                  loss_reason=request.POST.get("loss_reason", ""))
    except ServiceError as refusal:
        error = " ".join([refusal.message, *refusal.errors.values()])
    if request.headers.get("HX-Request"):
        params = {**request.POST.dict(), "pipeline": str(opportunity.pipeline_id)}
        return render(request, "sales/_board.html", _board_context(request, params, error))
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Moved."))
    return redirect(opportunity)


@login_required
@require_POST
def opportunity_reopen(request: HttpRequest, opportunity_id: int) -> HttpResponse:
    opportunity = _opportunity(request, opportunity_id)
    _attempt(request, lambda: services.opportunity_reopen(opportunity=opportunity, by=request.user),
             _("Reopened."))
    return redirect(opportunity)


@login_required
def opportunity_detail(request: HttpRequest, opportunity_id: int) -> HttpResponse:
    opportunity = _opportunity(request, opportunity_id)
    changes = opportunity.stage_changes.select_related("from_stage", "to_stage", "by")
    return render(request, "sales/opportunity_detail.html", {
        "o": opportunity, "changes": changes, "stages": opportunity.pipeline.stages.all(),
    })


@login_required
def forecast(request: HttpRequest) -> HttpResponse:
    pipeline = _pipeline(request, request.GET.get("pipeline", ""))
    filters = board_filters(request.GET)
    table = services.forecast(opportunities=Opportunity.objects.visible_to(request.user).filtered(filters),
                              pipeline=pipeline)
    no_date = _("No date")
    labels = [m.strftime("%Y-%m") if m else no_date for m in table.months]
    chart = {"months": labels, "series": [
        {"name": r.stage.name, "data": [float(r.cells.get(m, (0, 0))[1]) for m in table.months]}
        for r in table.rows]}
    rows = [{"row": r, "cells": [r.cells.get(m) for m in table.months]} for r in table.rows]
    return render(request, "sales/forecast.html", {
        "pipeline": pipeline, "pipelines": Pipeline.objects.all(), "table": table, "rows": rows,
        "labels": labels, "month_totals": [table.month_weighted.get(m) for m in table.months],
        "chart": chart, "filters": filters,
        "owners": _owner_choices(request.user), "teams": Department.objects.all()[:200],
    })
