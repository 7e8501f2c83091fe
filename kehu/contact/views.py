"""HTML views of the contact center: the staffing planner."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kehu.contact import staffing
from kehu.contact.forms import StaffingForm
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
