"""Console pages of outbound campaigns: the list, a campaign with its funnel, the agent's call
screen and the do-not-call list. Each page starts from `visible_to(user)` (404 outside) and
calls one service."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kehu.core.errors import ServiceError
from kehu.core.phones import mask_phone
from kehu.core.schemas import MAX_ID
from kehu.knowledge.rendering import template_render
from kehu.outbound import reports, services
from kehu.outbound.forms import AttemptForm, CampaignForm, DncForm, FileForm, FilterForm
from kehu.outbound.models import Campaign, CampaignEntry, CampaignStatus, DoNotCall, EntryStatus
from kehu.outbound.querysets import can_create_campaigns
from kehu.outbound.services.campaigns import MOVES

PAGE_SIZE = 50
REPORT_KEY = "outbound-load-report-%d"


def _campaign(request: HttpRequest, campaign_id: int) -> Campaign:
    qs = Campaign.objects.visible_to(request.user).select_related("script", "survey", "created_by")
    return get_object_or_404(qs, pk=min(campaign_id, MAX_ID))


def _managed(request: HttpRequest, campaign_id: int) -> Campaign:
    campaign = _campaign(request, campaign_id)
    if not campaign.is_managed_by(request.user):
        raise PermissionDenied
    return campaign


def _page(request: HttpRequest) -> int:
    raw = request.GET.get("page", "1")
    return max(1, min(int(raw), 100_000)) if raw.isdigit() else 1


# --- campaigns ----------------------------------------------------------------------------

@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    campaigns = list(Campaign.objects.visible_to(request.user)[:200])
    funnels = reports.campaign_funnels([c.pk for c in campaigns])
    rows = [{"campaign": c, "funnel": funnels[c.pk]} for c in campaigns]
    return render(request, "outbound/campaign_list.html", {
        "rows": rows, "can_create": can_create_campaigns(request.user),
    })


@login_required
def campaign_create(request: HttpRequest) -> HttpResponse:
    if not can_create_campaigns(request.user):
        raise PermissionDenied
    form = CampaignForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(by=request.user, data=form.data_for_service())
        except ServiceError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Campaign created. Load its call list, then start it."))
            return redirect(campaign)
    return render(request, "outbound/campaign_form.html", {"form": form})


@login_required
def campaign_edit(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = _managed(request, campaign_id)
    initial = {f: getattr(campaign, f) for f in ("name", "kind", "description", "script", "survey", "max_attempts",
                                                 "retry_minutes", "call_from", "call_until", "assignment")}
    initial.update(weekdays=list(campaign.weekdays), agents=list(campaign.agents.all()))
    form = CampaignForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.campaign_update(campaign=campaign, by=request.user, data=form.data_for_service())
        except ServiceError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Campaign saved."))
            return redirect(campaign)
    return render(request, "outbound/campaign_form.html", {"form": form, "campaign": campaign})


def _form_errors(form: Any, error: ServiceError) -> None:
    if not error.errors:
        form.add_error(None, error.message)
    for name, message in error.errors.items():
        form.add_error(name if name in form.fields else None, message)


@login_required
def campaign_detail(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = _campaign(request, campaign_id)
    managed = campaign.is_managed_by(request.user)
    funnel = reports.campaign_funnel(campaign)
    agents = reports.agent_funnels(campaign, only=None if managed else request.user)
    status = request.GET.get("status", "")[:20]
    entries = CampaignEntry.objects.filter(campaign=campaign).select_related("agent", "locked_by")
    if status:
        entries = entries.filter(status=status)
    page = _page(request)
    rows = list(entries[(page - 1) * PAGE_SIZE: page * PAGE_SIZE + 1])
    masked = request.user.policy().masks_personal_data and not request.user.is_superuser
    counts = reports.status_counts(campaign)
    chart = {"labels": [_("Entries"), _("Attempted"), _("Connected"), _("Success")],
             "values": [funnel.entries, funnel.attempted, funnel.connected, funnel.success]}
    return render(request, "outbound/campaign_detail.html", {
        "campaign": campaign, "managed": managed, "funnel": funnel, "rates": funnel.rates, "agents": agents,
        "statuses": [(v, label, counts[v]) for v, label in EntryStatus.choices], "status": status, "chart": chart,
        "entries": [{"entry": e, "phone": mask_phone(e.phone_norm) if masked else e.phone_norm}
                    for e in rows[:PAGE_SIZE]],
        "page": page, "has_next": len(rows) > PAGE_SIZE, "query": f"status={status}" if status else "",
        "file_form": FileForm(), "filter_form": FilterForm(),
        "report": request.session.pop(REPORT_KEY % campaign.pk, None),
        "is_agent": campaign.agents.filter(pk=request.user.pk).exists(),
        "moves": _moves(campaign) if managed else [],
    })


def _moves(campaign: Campaign) -> list[tuple[str, str]]:
    labels = {CampaignStatus.ACTIVE: _("Start") if campaign.status == CampaignStatus.DRAFT else _("Resume"),
              CampaignStatus.PAUSED: _("Pause"), CampaignStatus.FINISHED: _("Finish")}
    return [(s, labels[s]) for s in (CampaignStatus.ACTIVE, CampaignStatus.PAUSED, CampaignStatus.FINISHED)
            if s in MOVES[CampaignStatus(campaign.status)]]


@login_required
@require_POST
def campaign_status(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = _campaign(request, campaign_id)
    try:
        services.campaign_set_status(campaign=campaign, by=request.user, status=request.POST.get("status", ""))
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Campaign status changed."))
    return redirect(campaign)


def _keep_report(request: HttpRequest, campaign: Campaign, report: services.LoadReport) -> None:
    request.session[REPORT_KEY % campaign.pk] = {
        "added": report.added, "bad_phones": report.bad_phones, "duplicates": report.duplicates,
        "do_not_call": report.do_not_call, "unknown_customers": report.unknown_customers,
        "problems": [p.__dict__ for p in report.problems[:500]], "more": len(report.problems) > 500,
    }
    messages.success(request, _("%(count)d entries added to the call list.") % {"count": report.added})


@login_required
@require_POST
def campaign_upload(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = _managed(request, campaign_id)
    form = FileForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to upload."))
        return redirect(campaign)
    upload = form.cleaned_data["file"]
    with tempfile.NamedTemporaryFile(suffix=Path(upload.name).suffix.lower()[:10]) as tmp:
        for chunk in upload.chunks():
            tmp.write(chunk)
        tmp.flush()
        try:
            report = services.entries_from_file(campaign=campaign, by=request.user, path=Path(tmp.name),
                                                file_name=upload.name)
        except ServiceError as error:
            messages.error(request, error.message)
            return redirect(campaign)
    _keep_report(request, campaign, report)
    return redirect(campaign)


@login_required
@require_POST
def campaign_from_filter(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = _managed(request, campaign_id)
    form = FilterForm(request.POST)
    raw = form.cleaned_data["filter"] if form.is_valid() else ""
    try:
        report = services.entries_from_filter(campaign=campaign, by=request.user, params=raw.split("?")[-1])
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        _keep_report(request, campaign, report)
    return redirect(campaign)


@login_required
def campaign_export(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = _managed(request, campaign_id)
    tmp = tempfile.NamedTemporaryFile(suffix=".xlsx")  # noqa: SIM115 - closed by the response
    reports.export_campaign(campaign=campaign, user=request.user, path=Path(tmp.name))
    tmp.seek(0)
    return FileResponse(tmp, as_attachment=True, filename=f"campaign-{campaign.pk}.xlsx")


# --- the agent's call screen ------------------------------------------------------------------

@login_required
def work(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = _campaign(request, campaign_id)
    entry = services.entry_held(campaign=campaign, agent=request.user)
    script = ""
    if campaign.script_id:
        customer = entry.customer if entry else None
        script = template_render(campaign.script.body, customer=customer, user=request.user)
    return render(request, "outbound/work.html", {
        "campaign": campaign, "entry": entry, "script": script,
        "history": entry.attempt_set.select_related("agent") if entry else [],
        "form": AttemptForm(), "is_agent": campaign.agents.filter(pk=request.user.pk).exists(),
        "customer_visible": bool(entry and entry.customer_id and _customer_visible(request, entry.customer_id)),
    })


def _customer_visible(request: HttpRequest, customer_id: int) -> bool:
    from kehu.customers.models import Customer

    return Customer.objects.visible_to(request.user).filter(pk=customer_id).exists()


@login_required
@require_POST
def work_next(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = _campaign(request, campaign_id)
    try:
        entry = services.entry_next(campaign=campaign, agent=request.user)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        if entry is None:
            messages.info(request, _("No contact is due right now."))
    return redirect("outbound:work", campaign_id=campaign.pk)


@login_required
@require_POST
def work_attempt(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = get_object_or_404(CampaignEntry.objects.filter(campaign__in=Campaign.objects.visible_to(request.user)),
                              pk=min(entry_id, MAX_ID))
    form = AttemptForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("outbound:work", campaign_id=entry.campaign_id)
    try:
        services.attempt_record(entry=entry, agent=request.user, **form.cleaned_data)
    except ServiceError as error:
        messages.error(request, " ".join([error.message, *error.errors.values()]))
    else:
        messages.success(request, _("Outcome recorded."))
    return redirect("outbound:work", campaign_id=entry.campaign_id)


@login_required
@require_POST
def work_release(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = get_object_or_404(CampaignEntry, pk=min(entry_id, MAX_ID), locked_by=request.user)
    services.entry_release(entry=entry, agent=request.user)
    return redirect("outbound:work", campaign_id=entry.campaign_id)


# --- the do-not-call list ---------------------------------------------------------------------

@login_required
def dnc(request: HttpRequest) -> HttpResponse:
    form = DncForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _item, created = services.dnc_add(by=request.user, **form.cleaned_data)
        except ServiceError as error:
            form.add_error("phone", error.message)
        else:
            messages.success(request, _("Added to the do-not-call list.") if created
                             else _("This number is already on the do-not-call list."))
            return redirect("outbound:dnc")
    q = "".join(c for c in request.GET.get("q", "") if c.isdigit())[:20]
    qs = DoNotCall.objects.select_related("added_by")
    if q:
        qs = qs.filter(phone_norm__contains=q)
    page = _page(request)
    rows = list(qs[(page - 1) * PAGE_SIZE: page * PAGE_SIZE + 1])
    masked = request.user.policy().masks_personal_data and not request.user.is_superuser
    return render(request, "outbound/dnc.html", {
        "form": form, "q": q, "page": page, "has_next": len(rows) > PAGE_SIZE, "query": f"q={q}" if q else "",
        "rows": [{"item": r, "phone": mask_phone(r.phone_norm) if masked else r.phone_norm}
                 for r in rows[:PAGE_SIZE]],
        "can_remove": services.can_remove_dnc(request.user),
    })


@login_required
@require_POST
def dnc_remove(request: HttpRequest, item_id: int) -> HttpResponse:
    item = get_object_or_404(DoNotCall, pk=min(item_id, MAX_ID))
    try:
        services.dnc_remove(phone=item.phone_norm, by=request.user)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Removed from the do-not-call list."))
    return redirect("outbound:dnc")
