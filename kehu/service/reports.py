"""The service desk report: volumes, SLA attainment, handling times, categories, complaints
and return-visit satisfaction, as a page with charts and as an Excel workbook.

Every figure is over the tickets *created* in the chosen period that the user may see
(`Ticket.objects.visible_to`), merged duplicates left out: one population for all the
numbers, so they add up. The page and the export are built from one `ServiceReport`,
made with a fixed number of queries whatever the number of tickets. The divisions
happen in `report_data`, so both databases give the same figures.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncDate
from django.http import FileResponse, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from kehu.accounts.models import Department, User
from kehu.customers.models import Customer
from kehu.service import report_data as calc
from kehu.service.choices import TicketChannel, TicketKind
from kehu.service.models import ReturnVisit, Ticket
from kehu.service.querysets import TicketQuerySet

DEFAULT_DAYS = 30
MAX_DAYS = 366
TOP_CATEGORIES = 10
# Dates outside these bounds cannot be turned into aware datetimes on every platform.
EARLIEST, LATEST = dt.date(1970, 1, 1), dt.date(2999, 12, 31)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- filters --------------------------------------------------------------------------


def _date_field(label: str) -> forms.DateField:
    return forms.DateField(label=label, validators=[MinValueValidator(EARLIEST), MaxValueValidator(LATEST)],
                           widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


class ReportFilters(forms.Form):
    start = _date_field(gettext_lazy("From"))
    end = _date_field(gettext_lazy("To"))
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), required=False,
                             choices=[("", gettext_lazy("Any kind")), *TicketKind.choices])
    channel = forms.ChoiceField(label=gettext_lazy("Channel"), required=False,
                                choices=[("", gettext_lazy("Any channel")), *TicketChannel.choices])
    team = forms.ModelChoiceField(label=gettext_lazy("Team"), required=False, queryset=Department.objects.all(),
                                  empty_label=gettext_lazy("Any team"))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error(None, _("The start date is after the end date."))
        elif start and end and (end - start).days + 1 > MAX_DAYS:
            self.add_error(None, _("A report covers at most %(days)d days; choose a shorter period.")
                           % {"days": MAX_DAYS})
        return data

    def messages(self) -> list[str]:
        """Every problem as one sentence, naming the field it is about."""
        out = [str(m) for m in self.non_field_errors()]
        for name, errors in self.errors.items():
            if name != forms.forms.NON_FIELD_ERRORS:
                out.extend(f"{self.fields[name].label}: {m}" for m in errors)
        return out


def _parsed(text: str) -> dt.date | None:
    try:
        return parse_date(text)
    except ValueError:  # well formed but impossible, e.g. 2026-02-30; the form reports it
        return None


def report_filters(params: QueryDict) -> ReportFilters:
    """Bind the query string, filling a missing period with the last 30 days to today."""
    data = params.copy()
    today = timezone.localdate()
    if not data.get("end", "").strip():
        data["end"] = today.isoformat()
    if not data.get("start", "").strip():
        end = _parsed(data["end"].strip()) or today
        data["start"] = max(end - dt.timedelta(days=DEFAULT_DAYS - 1), EARLIEST).isoformat()
    return ReportFilters(data)


# --- the figures ----------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    label: str
    count: int
    percent: float | None


@dataclass(frozen=True)
class SlaRow:
    label: str
    met: int
    missed: int
    pending: int
    attainment: float | None

    @property
    def decided(self) -> int:
        return self.met + self.missed


@dataclass(frozen=True)
class ServiceReport:
    start: dt.date
    end: dt.date
    days: list[dt.date]
    kinds: list[tuple[str, str]]  # the kind columns of the daily table: (code, label)
    daily: list[list[int]]  # one row per day, one column per kind
    total: int
    complaints: int
    by_kind: list[Row]
    by_channel: list[Row]
    sla: list[SlaRow]
    first_response: calc.DurationSummary
    resolution: calc.DurationSummary
    categories: list[Row]
    customers: int
    complaint_rate: float | None
    satisfaction: calc.Satisfaction

    @property
    def per_day(self) -> float | None:
        return calc.mean([sum(counts) for counts in self.daily])

    def daily_rows(self) -> list[tuple[dt.date, list[int], int]]:
        return [(day, counts, sum(counts)) for day, counts in zip(self.days, self.daily, strict=True)]


def period_tickets(user: User, filters: dict[str, Any]) -> TicketQuerySet:
    """The report's population: visible, created in the period (local days), not merged away."""
    tz = timezone.get_current_timezone()
    since = dt.datetime.combine(filters["start"], dt.time.min, tzinfo=tz)
    until = dt.datetime.combine(filters["end"] + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    team = filters.get("team")
    return Ticket.objects.visible_to(user).filter(
        created_at__gte=since, created_at__lt=until, merged_into__isnull=True,
    ).filtered(kind=filters.get("kind", ""), channel=filters.get("channel", ""),
               team=team.pk if team else None).order_by()


def _rows(counts: dict[str, int], choices: list[tuple[str, Any]], total: int) -> list[Row]:
    """Largest first; ties in the order the vocabulary lists them."""
    labels = dict(choices)
    rank = {code: i for i, (code, _label) in enumerate(choices)}
    ordered = sorted(counts.items(), key=lambda item: (-item[1], rank.get(item[0], len(rank)), item[0]))
    return [Row(str(labels.get(code, code)), n, calc.percent(n, total)) for code, n in ordered if n]


def _sla(qs: TicketQuerySet, now: dt.datetime) -> list[SlaRow]:
    """Met = done by the due time; missed = done late, or not done and already past due;
    pending (left out of the share) = not done and not yet due. One query for both targets."""
    counts: dict[str, Any] = {}
    for target, done, due in (("fr", "first_responded_at", "first_response_due"),
                              ("res", "resolved_at", "resolution_due")):
        counts[f"{target}_met"] = Count("id", filter=Q(**{f"{done}__lte": F(due)}))
        counts[f"{target}_missed"] = Count("id", filter=Q(**{f"{done}__gt": F(due)})
                                           | Q(**{f"{done}__isnull": True, f"{due}__lt": now}))
        counts[f"{target}_pending"] = Count("id", filter=Q(**{f"{done}__isnull": True, f"{due}__gte": now}))
    got = qs.aggregate(**counts)
    return [
        SlaRow(label, got[f"{t}_met"], got[f"{t}_missed"], got[f"{t}_pending"],
               calc.attainment(got[f"{t}_met"], got[f"{t}_missed"]))
        for t, label in (("fr", _("First response")), ("res", _("Resolution")))
    ]


def _durations(qs: TicketQuerySet) -> tuple[calc.DurationSummary, calc.DurationSummary]:
    # Medians need the values, and subtracting timestamps differs between SQLite and
    # PostgreSQL, so the three timestamps are read (one query) and subtracted here.
    times = list(qs.filter(Q(first_responded_at__isnull=False) | Q(resolved_at__isnull=False))
                 .values_list("created_at", "first_responded_at", "resolved_at"))
    first = calc.elapsed_hours((created, responded) for created, responded, _resolved in times)
    resolved = calc.elapsed_hours((created, resolved) for created, _responded, resolved in times)
    return calc.summarise(first), calc.summarise(resolved)


def _categories(qs: TicketQuerySet, total: int) -> list[Row]:
    # Ties broken by id, not by name: the databases sort Chinese names differently.
    top = (qs.filter(category__isnull=False)
           .values_list("category_id", "category__name", "category__parent__name")
           .annotate(n=Count("id")).order_by("-n", "category_id")[:TOP_CATEGORIES])
    return [Row(f"{parent} › {name}" if parent else name, n, calc.percent(n, total)) for _id, name, parent, n in top]


def _satisfaction(qs: TicketQuerySet) -> calc.Satisfaction:
    got = ReturnVisit.objects.filter(ticket__in=qs, satisfaction__isnull=False).aggregate(
        scored=Count("id"), total=Sum("satisfaction"),
        unsatisfied=Count("id", filter=Q(satisfaction__lte=calc.UNSATISFIED_AT_MOST)),
    )
    return calc.satisfaction(scored=got["scored"], total_score=got["total"] or 0, unsatisfied=got["unsatisfied"])


def build_report(user: User, filters: dict[str, Any], *, now: dt.datetime | None = None) -> ServiceReport:
    """All the figures for the page and the export: seven queries, whatever the data."""
    now = now or timezone.now()
    qs = period_tickets(user, filters)
    # TruncDate truncates in the current time zone (Asia/Shanghai), on both databases.
    daily = qs.annotate(day=TruncDate("created_at")).values_list("day", "kind").annotate(n=Count("id"))
    by_day_kind = {(day, kind): n for day, kind, n in daily}
    by_kind: dict[str, int] = {}
    for (_day, kind), n in by_day_kind.items():
        by_kind[kind] = by_kind.get(kind, 0) + n
    total = sum(by_kind.values())
    channels = dict(qs.values_list("channel").annotate(n=Count("id")))
    kinds = [(code, str(label)) for code, label in TicketKind.choices if by_kind.get(code)]
    days = calc.days_between(filters["start"], filters["end"])
    complaints = by_kind.get(TicketKind.COMPLAINT, 0)
    customers = Customer.objects.alive().count()
    first_response, resolution = _durations(qs)
    return ServiceReport(
        start=filters["start"], end=filters["end"], days=days, kinds=kinds,
        daily=calc.daily_matrix(days, [code for code, _label in kinds], by_day_kind),
        total=total, complaints=complaints,
        by_kind=_rows(by_kind, TicketKind.choices, total),
        by_channel=_rows(channels, TicketChannel.choices, total),
        sla=_sla(qs, now), first_response=first_response, resolution=resolution,
        categories=_categories(qs, total), customers=customers,
        complaint_rate=calc.rate_per_thousand(complaints, customers), satisfaction=_satisfaction(qs),
    )


# --- the page -------------------------------------------------------------------------


def _round(value: float | None, places: int = 1) -> float | None:
    return None if value is None else round(value, places)


def chart_data(report: ServiceReport) -> dict[str, Any]:
    """What the charts draw, for `json_script` (which escapes it; nothing is marked safe)."""
    return {
        "locale": "ZH" if translation.get_language().startswith("zh") else "EN",
        "days": [day.isoformat() for day in report.days],
        "kinds": [{"name": label, "data": [row[i] for row in report.daily]}
                  for i, (_code, label) in enumerate(report.kinds)],
        "channels": [{"name": r.label, "value": r.count} for r in report.by_channel],
        "sla": [{"name": r.label, "value": _round(r.attainment)} for r in report.sla],
        "categories": [{"name": r.label, "value": r.count} for r in report.categories],
        "text": {"tickets": _("Tickets"), "attainment": _("Attainment (%)")},
    }


def _query(filters: dict[str, Any]) -> str:
    """The filters as a query string, defaults filled in, for the export link."""
    team = filters.get("team")
    return urlencode({"start": filters["start"].isoformat(), "end": filters["end"].isoformat(),
                      "kind": filters.get("kind", ""), "channel": filters.get("channel", ""),
                      "team": team.pk if team else ""})


def _render(request: HttpRequest, form: ReportFilters, *, status: int = 200) -> HttpResponse:
    report = build_report(request.user, form.cleaned_data) if form.is_valid() else None
    return render(request, "service/reports.html", {
        "form": form, "problems": form.messages(), "report": report,
        "charts": chart_data(report) if report and report.total else None,
        "export_query": _query(form.cleaned_data) if report else "",
    }, status=status)


@login_required
def report_page(request: HttpRequest) -> HttpResponse:
    return _render(request, report_filters(request.GET))


# --- the Excel export -----------------------------------------------------------------


def _cells(sheet: Any, values: Iterable[Any]) -> list[Any]:
    """A text starting with “=” (a category may be named so) stays text, not a formula."""
    out = []
    for value in values:
        if isinstance(value, str) and value.startswith("="):
            cell = WriteOnlyCell(sheet, value)
            cell.data_type = "s"
            out.append(cell)
        else:
            out.append(_round(value, 2) if isinstance(value, float) else value)
    return out


def _sheet(book: Workbook, title: str, headers: list[str], rows: Iterable[Iterable[Any]]) -> None:
    sheet = book.create_sheet(title)
    sheet.append(headers)
    for row in rows:
        sheet.append(_cells(sheet, row))


def _summary_rows(report: ServiceReport, filters: dict[str, Any]) -> list[tuple[str, Any]]:
    form_fields = ReportFilters.base_fields
    chosen = {name: dict(form_fields[name].choices).get(filters.get(name, ""), "")  # type: ignore[attr-defined]
              for name in ("kind", "channel")}
    fr, res, sat = report.first_response, report.resolution, report.satisfaction
    return [
        (_("From"), report.start.isoformat()), (_("To"), report.end.isoformat()),
        (_("Kind"), str(chosen["kind"])), (_("Channel"), str(chosen["channel"])),
        (_("Team"), str(filters.get("team") or _("Any team"))),
        (_("Tickets"), report.total), (_("Complaints"), report.complaints),
        (_("Live customers"), report.customers), (_("Complaints per 1,000 customers"), report.complaint_rate),
        (_("First-response SLA attainment (%)"), report.sla[0].attainment),
        (_("Resolution SLA attainment (%)"), report.sla[1].attainment),
        (_("Average first response (hours)"), fr.mean), (_("Median first response (hours)"), fr.median),
        (_("Average resolution (hours)"), res.mean), (_("Median resolution (hours)"), res.median),
        (_("Return visits scored"), sat.scored), (_("Average satisfaction (1–5)"), sat.mean),
        (_("Unsatisfied (1–2) (%)"), sat.unsatisfied_percent),
    ]


def write_workbook(report: ServiceReport, filters: dict[str, Any]) -> bytes:
    book = Workbook(write_only=True)
    share = _("Share (%)")
    _sheet(book, _("Summary"), [_("Measure"), _("Value")], _summary_rows(report, filters))
    _sheet(book, _("Daily volume"), [_("Date"), *(label for _code, label in report.kinds), _("Total")],
           ([day, *counts, total] for day, counts, total in report.daily_rows()))
    _sheet(book, _("By channel"), [_("Channel"), _("Tickets"), share],
           ((r.label, r.count, r.percent) for r in report.by_channel))
    _sheet(book, _("By kind"), [_("Kind"), _("Tickets"), share], ((r.label, r.count, r.percent) for r in report.by_kind))
    _sheet(book, _("SLA"), [_("Target"), _("Met"), _("Missed"), _("Not yet due"), _("Attainment (%)")],
           ((r.label, r.met, r.missed, r.pending, r.attainment) for r in report.sla))
    _sheet(book, _("Handling times"), [_("Measure"), _("Tickets"), _("Average (hours)"), _("Median (hours)")],
           ((label, s.count, s.mean, s.median) for label, s in ((_("First response"), report.first_response),
                                                                (_("Resolution"), report.resolution))))
    _sheet(book, _("Top categories"), [_("Category"), _("Tickets"), share],
           ((r.label, r.count, r.percent) for r in report.categories))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@login_required
def report_export(request: HttpRequest) -> HttpResponse:
    form = report_filters(request.GET)
    if not form.is_valid():
        return _render(request, form, status=400)
    report = build_report(request.user, form.cleaned_data)
    name = f"service-report-{report.start:%Y%m%d}-{report.end:%Y%m%d}.xlsx"
    return FileResponse(io.BytesIO(write_workbook(report, form.cleaned_data)), as_attachment=True,
                        filename=name, content_type=XLSX)
