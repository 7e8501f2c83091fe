"""HTML views of the contact center: staffing planner, screen pop, interactions, CDR import,
wallboard and interval reports."""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kehu.contact import reports, staffing, wallboard
from kehu.contact.cdr import MAX_BYTES, cdr_import, parse_mapping
from kehu.contact.cti import can_post_cti
from kehu.contact.forms import CdrForm, StaffingForm
from kehu.contact.models import Interaction, Queue
from kehu.contact.screen_pop import open_call_for, pop_context
from kehu.core.errors import InvalidInput


def _forecast(form: StaffingForm) -> tuple[list[staffing.Interval], list[str]]:
    """Intervals from the upload when there is one, else from the text; bad lines listed."""
    upload = form.cleaned_data.get("file")
    if upload:
        return staffing.parse_upload(upload.name, upload.read(staffing.MAX_UPLOAD_BYTES + 1))
    return staffing.parse_text(form.cleaned_data["forecast"])


def _chart(plan: dict[str, Any]) -> dict[str, Any]:
    rows = plan["intervals"]
    return {
        "locale": "ZH" if (get_language() or "").startswith("zh") else "EN",
        "starts": [r["start"] for r in rows],
        "agents": [r["agents"] for r in rows],
        "scheduled": [r["scheduled"] for r in rows],
        "text": {"agents": _("Required agents"), "scheduled": _("Scheduled agents")},
    }


def _rows(plan: dict[str, Any]) -> list[dict[str, Any]]:
    """Table rows with the probabilities as percentages (templates cannot multiply)."""
    return [
        {
            **r,
            "sl_pct": r["service_level"] * 100,
            "occupancy_pct": r["occupancy"] * 100,
            "abandon_pct": (r["prob_abandon"] or 0.0) * 100,
        }
        for r in plan["intervals"]
    ]


@login_required
def staffing_page(request: HttpRequest) -> HttpResponse:
    """A planner's day: forecast in, agents and scheduled agents per interval out."""
    form = StaffingForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"form": form, "problems": [], "plan": None}
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            intervals, problems = _forecast(form)
            intervals, too_big = staffing.feasible(intervals, form.params())
            context["problems"] = problems + too_big
            if intervals:
                context["plan"] = staffing.staffing_day(intervals=intervals, params=form.params())
                context["chart"] = _chart(context["plan"])
                context["rows"] = _rows(context["plan"])
            elif not context["problems"]:
                form.add_error("forecast", _("The forecast has no intervals."))
        except InvalidInput as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    if request.method == "POST" and (form.errors or not context["plan"]):
        status = 422
    return render(request, "contact/staffing.html", context, status=status)


# --- screen pop, interactions, CDR import -----------------------------------------------------

def screen_pop(request: HttpRequest) -> HttpResponse:
    """The agent's open call as {"v", "html"}; 204 when the browser already has version `v`."""
    if not request.user.is_authenticated:
        return HttpResponse(status=204)
    interaction = open_call_for(request.user)
    version = str(interaction.pk) if interaction else ""
    if request.GET.get("v", "") == version:
        return HttpResponse(status=204)
    html = render_to_string("contact/_pop_card.html", pop_context(request.user, interaction),
                            request=request) if interaction else ""
    return JsonResponse({"v": version, "html": html})


def _interactions_for(user: Any) -> Any:
    qs = Interaction.objects.select_related("queue", "agent", "customer").order_by("-offered_at", "-id")
    if user.is_superuser or getattr(user, "role", "") in ("admin", "manager", "supervisor"):
        return qs
    return qs.filter(agent=user)


@login_required
def interactions_page(request: HttpRequest) -> HttpResponse:
    """The latest calls: all for supervisors and managers, an agent's own for an agent."""
    rows = list(_interactions_for(request.user)[:100])
    return render(request, "contact/interactions.html", {"rows": rows})


@login_required
def cdr_import_page(request: HttpRequest) -> HttpResponse:
    """Upload a CDR export with its column mapping; bad rows are listed, good rows kept."""
    form = CdrForm(request.POST or None, request.FILES or None)
    result, status = None, 200
    if request.method == "POST":
        if not can_post_cti(request.user):
            return render(request, "contact/cdr.html", {"form": form, "forbidden": True}, status=403)
        if form.is_valid():
            try:
                mapping = parse_mapping(form.cleaned_data["mapping"])
                result = cdr_import(data=form.cleaned_data["file"].read(MAX_BYTES + 1), mapping=mapping)
            except InvalidInput as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        status = 200 if result is not None else 422
    return render(request, "contact/cdr.html", {"form": form, "result": result}, status=status)


# --- wallboard and interval reports -----------------------------------------------------------

def _watcher(request: HttpRequest) -> None:
    """The wallboard and the reports are the floor's figures: supervisors and up (403 else)."""
    if not wallboard.can_watch(request.user):
        raise PermissionDenied(_("The wallboard and the contact reports are for supervisors, managers "
                                 "and administrators."))


def _chosen_queue(request: HttpRequest) -> Queue | None:
    code = request.GET.get("queue", "").strip()
    return get_object_or_404(Queue, code=code) if code else None


@login_required
def wallboard_page(request: HttpRequest) -> HttpResponse:
    """The live floor: tiles, queues and agents; the body refreshes itself every few seconds."""
    _watcher(request)
    queue = _chosen_queue(request)
    context = wallboard.page_context(wallboard.wallboard(queue=queue))
    context.update({"queue": queue, "queues": Queue.objects.all(), "refresh_s": wallboard.REFRESH_S})
    return render(request, "contact/wallboard.html", context)


@login_required
def wallboard_partial(request: HttpRequest) -> HttpResponse:
    """The wallboard's body alone, polled by htmx."""
    _watcher(request)
    queue = _chosen_queue(request)
    context = wallboard.page_context(wallboard.wallboard(queue=queue))
    context.update({"queue": queue, "refresh_s": wallboard.REFRESH_S})
    return render(request, "contact/wallboard_body.html", context)


@login_required
def reports_page(request: HttpRequest) -> HttpResponse:
    """Interval and daily reports per queue or agent, a chart and the Excel export link."""
    _watcher(request)
    form = reports.report_form(request.GET)
    context: dict[str, Any] = {"form": form, "report": None}
    if not form.is_valid():
        return render(request, "contact/reports.html", context, status=422)
    data = form.cleaned_data
    report = reports.build_report(start=data["start"], end=data["end"],
                                  interval=reports.INTERVALS[data["interval"]], by=data["by"])
    context.update({
        "report": report, "chart": reports.chart_data(report),
        "rows": reports.table_rows(report, report.rows[: reports.PAGE_ROWS]),
        "totals": reports.table_rows(report, [*report.totals, report.total]),
        "floor": reports.table_rows(report, report.floor),
        "cut": len(report.rows) > reports.PAGE_ROWS, "page_rows": reports.PAGE_ROWS,
        "export_query": urlencode({"start": data["start"].isoformat(), "end": data["end"].isoformat(),
                                   "interval": data["interval"], "by": data["by"]}),
    })
    return render(request, "contact/reports.html", context)


@login_required
def reports_export(request: HttpRequest) -> HttpResponse:
    """The same report as an Excel workbook: by interval, totals, all queues per interval."""
    _watcher(request)
    form = reports.report_form(request.GET)
    if not form.is_valid():
        return render(request, "contact/reports.html", {"form": form, "report": None}, status=422)
    data = form.cleaned_data
    report = reports.build_report(start=data["start"], end=data["end"],
                                  interval=reports.INTERVALS[data["interval"]], by=data["by"])
    name = f"contact-{data['by']}-{data['interval']}-{data['start']:%Y%m%d}-{data['end']:%Y%m%d}.xlsx"
    return FileResponse(io.BytesIO(reports.write_workbook(report)), as_attachment=True, filename=name,
                        content_type=reports.XLSX)
