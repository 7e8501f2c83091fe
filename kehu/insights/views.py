"""Pages: the insights dashboard (with a CSV per chart) and the win-back list (with Excel export)."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook

from kehu.insights import dashboard
from kehu.insights.forms import WinBackFilterForm
from kehu.insights.models import CustomerInsight
from kehu.insights.querysets import InsightQuerySet
from kehu.insights.reasons import reasons_text

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def dashboard_page(request: HttpRequest) -> HttpResponse:
    charts = dashboard.all_charts(request.user)
    data = {"locale": "ZH" if translation.get_language().startswith("zh") else "EN",
            "charts": [c.as_json() for c in charts]}
    return render(request, "insights/dashboard.html", {"charts": charts, "chart_data": data})


@login_required
def chart_csv(request: HttpRequest, key: str) -> HttpResponse:
    if key not in dashboard.CHARTS:
        raise Http404
    chart = dashboard.chart(request.user, key)
    out = io.StringIO()
    out.write("\ufeff")  # Excel opens UTF-8 CSV with Chinese text correctly only with a BOM
    writer = csv.writer(out)
    writer.writerow(chart.headers)
    writer.writerows(chart.rows)
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="insights-{key}.csv"'
    return response


def _win_back(request: HttpRequest) -> tuple[WinBackFilterForm, InsightQuerySet]:
    form = WinBackFilterForm(request.GET or None)
    filters: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    qs = CustomerInsight.objects.visible_to(request.user).win_back(
        team=filters.get("team"), owner=filters.get("owner"), tier=filters.get("tier", ""))
    return form, qs


@login_required
def win_back(request: HttpRequest) -> HttpResponse:
    form, qs = _win_back(request)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(i, reasons_text(i.reasons)) for i in page]
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "insights/win_back.html", {
        "form": form, "page": page, "rows": rows, "query": query.urlencode()})


@login_required
def win_back_export(request: HttpRequest) -> HttpResponse:
    _form, qs = _win_back(request)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Win-back list"))
    sheet.append([_("Customer"), _("Owner"), _("Team"), _("Value tier"), _("Lifecycle"), _("Churn risk"),
                  _("Amount paid"), _("Last payment"), _("Reasons")])
    for i in qs.iterator(chunk_size=2000):
        c = i.customer
        sheet.append([c.name, str(c.owner or ""), str(c.team or ""), c.get_value_tier_display(),
                      c.get_time_state_display(), i.churn_risk, i.monetary, i.last_purchase,
                      "; ".join(reasons_text(i.reasons))])
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="win-back.xlsx"'
    return response
