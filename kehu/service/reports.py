"""Service desk reports (filled in by the reports slice)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@login_required
def report_page(request: HttpRequest) -> HttpResponse:
    return render(request, "service/reports.html", {})


@login_required
def report_export(request: HttpRequest) -> HttpResponse:
    return HttpResponse(status=204)
