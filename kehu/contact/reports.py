"""Interval (15/30/60 min) and daily reports of the contact center, per queue or per agent.

The same measures as the wallboard (kehu/contact/wallboard.py), grouped in SQL by the
local day and the interval of the call's *offer* in the server's time zone
(settings.TIME_ZONE), so a call offered at 09:29:59 is in 09:00–09:30 and one at 09:30:00
in 09:30–10:00, and a day runs from local midnight. Occupancy per agent and interval is the
work of the calls offered in that interval over the agent's logged-in time in it.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import IntegerField
from django.db.models.functions import Cast, ExtractHour, ExtractMinute, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from kehu.accounts.models import User
from kehu.contact.models import Interaction, Queue
from kehu.contact.wallboard import Counts, Measures, counts_by, pct, secs, sessions

DAY = 1440
INTERVALS = {"15": 15, "30": 30, "60": 60, "day": DAY}
MAX_DAYS = 92  # daily reports
MAX_INTERVAL_DAYS = 31  # 15/30/60-minute reports
PAGE_ROWS = 2000  # the page's detail table; the export has every row
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Spans = dict[int, list[tuple[dt.datetime, dt.datetime]]]


class ReportForm(forms.Form):
    start = forms.DateField(label=gettext_lazy("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=gettext_lazy("To"), widget=forms.DateInput(attrs={"type": "date"}))
    interval = forms.ChoiceField(label=gettext_lazy("Interval"), initial="30", choices=[
        ("15", gettext_lazy("15 minutes")), ("30", gettext_lazy("30 minutes")),
        ("60", gettext_lazy("1 hour")), ("day", gettext_lazy("Day"))])
    by = forms.ChoiceField(label=gettext_lazy("Group by"), initial="queue", choices=[
        ("queue", gettext_lazy("Queue")), ("agent", gettext_lazy("Agent"))])

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end, interval = data.get("start"), data.get("end"), data.get("interval")
        if start and end and start > end:
            self.add_error("end", _("The end date is before the start date."))
        elif start and end and interval:
            limit = MAX_DAYS if interval == "day" else MAX_INTERVAL_DAYS
            if (end - start).days + 1 > limit:
                self.add_error("end", _("This report covers at most %(days)d days; choose a shorter period.")
                               % {"days": limit})
        return data

    def first_error(self) -> tuple[str, str]:
        """(field, message) of the first problem, for the API's 422."""
        for name, errors in self.errors.items():
            return ("" if name == "__all__" else name), str(errors[0])
        return "", ""


def report_form(params: Any) -> ReportForm:
    """Bind the query string; today, 30-minute intervals and per queue when left out."""
    data = {k: (params.get(k) or "").strip() for k in ("start", "end", "interval", "by")}
    today = timezone.localdate().isoformat()
    data["start"] = data["start"] or data["end"] or today
    data["end"] = data["end"] or data["start"]
    data["interval"] = data["interval"] or "30"
    data["by"] = data["by"] or "queue"
    return ReportForm(data)


# --- the figures ---------------------------------------------------------------------------


@dataclass
class Row:
    start: dt.datetime | None  # the interval's (or day's) local start; None for a period total
    key: int | None  # queue or agent id
    label: str
    measures: Measures
    occupancy: float | None
    logged_in_s: float | None


@dataclass
class Report:
    start: dt.date
    end: dt.date
    interval: int
    by: str
    rows: list[Row]  # interval × queue/agent, with calls (or, per agent, logged-in time)
    totals: list[Row]  # queue/agent over the whole period
    floor: list[Row]  # every interval of the period, all queues together (also empty ones)
    total: Row


def _local(day: dt.date, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(minute // 60, minute % 60)))


def _bucket_of(moment: dt.datetime, interval: int) -> tuple[dt.date, int]:
    local = timezone.localtime(moment)
    minute = 0 if interval == DAY else (local.hour * 60 + local.minute) // interval * interval
    return local.date(), minute


def _spread(spans: Spans, interval: int) -> dict[tuple[int, dt.date, int], float]:
    """Logged-in seconds per (agent, day, interval start minute)."""
    out: dict[tuple[int, dt.date, int], float] = {}
    for agent_id, agent_spans in spans.items():
        for a, b in agent_spans:
            cursor = a
            while cursor < b:
                day, minute = _bucket_of(cursor, interval)
                nxt = _local(day) + dt.timedelta(days=1) if interval == DAY else \
                    _local(day, minute) + dt.timedelta(minutes=interval)
                upto = min(nxt, b)
                key = (agent_id, day, minute)
                out[key] = out.get(key, 0.0) + (upto - cursor).total_seconds()
                cursor = upto
    return out


def _labels(by: str, ids: Iterable[int | None]) -> dict[int | None, str]:
    wanted = {i for i in ids if i is not None}
    if by == "queue":
        found = {q.pk: f"{q.code} {q.name}" if q.name != q.code else q.code
                 for q in Queue.objects.filter(pk__in=wanted)}
        return {None: _("(no queue)"), **found}
    users = User.objects.filter(pk__in=wanted).values_list("pk", "display_name", "username")
    return {None: _("(no agent)"), **{pk: name or username for pk, name, username in users}}


def _ratio(num: float, den: float | None) -> float | None:
    return num / den if den else None


def build_report(*, start: dt.date, end: dt.date, interval: int, by: str) -> Report:
    """Grouped in one SQL query by (queue or agent, local day, interval); spans in Python."""
    tz = timezone.get_current_timezone()
    t0, t1 = _local(start), _local(end + dt.timedelta(days=1))
    qs = Interaction.objects.filter(offered_at__gte=t0, offered_at__lt=t1)
    key = "queue_id" if by == "queue" else "agent_id"
    named: dict[str, Any] = {"day_": TruncDate("offered_at", tzinfo=tz)}
    if interval != DAY:
        hour = Cast(ExtractHour("offered_at", tzinfo=tz), IntegerField())
        minute = Cast(ExtractMinute("offered_at", tzinfo=tz), IntegerField())
        named["slot_"] = hour * 60 + minute / interval * interval
    grouped = counts_by(qs, key, **named)
    cells = {(k, day, slot[0] if slot else 0): c for (k, day, *slot), c in grouped.items()}

    now = timezone.now()
    agent_ids = {k for k, _d, _s in cells if k is not None} if by == "agent" else set(
        qs.exclude(agent=None).values_list("agent_id", flat=True).distinct())
    spans = sessions(t0, min(t1, now), agent_ids) if t0 < now else {}
    logged = _spread(spans, interval)
    if by == "agent":
        for agent_id, day, slot in logged:
            cells.setdefault((agent_id, day, slot), Counts())
    labels = _labels(by, {k for k, _d, _s in cells})

    rows, per_key, per_bucket = [], {}, {}
    logged_bucket: dict[tuple[dt.date, int], float] = {}
    for (_agent_id, day, slot), seconds in logged.items():
        logged_bucket[(day, slot)] = logged_bucket.get((day, slot), 0.0) + seconds
    logged_key: dict[int, float] = {}
    for (agent_id, _day, _slot), seconds in logged.items():
        logged_key[agent_id] = logged_key.get(agent_id, 0.0) + seconds
    for (k, day, slot), c in sorted(cells.items(), key=lambda i: (i[0][1], i[0][2], labels.get(i[0][0], ""))):
        seconds = logged.get((k, day, slot), 0.0) if by == "agent" and k is not None else None
        rows.append(Row(start=_local(day, slot), key=k, label=labels.get(k, ""), measures=Measures.of(c),
                        occupancy=_ratio(c.work_s, seconds), logged_in_s=seconds))
        per_key[k] = per_key.get(k, Counts()) + c
        per_bucket[(day, slot)] = per_bucket.get((day, slot), Counts()) + c
    totals = []
    for k, c in sorted(per_key.items(), key=lambda i: labels.get(i[0], "")):
        seconds = logged_key.get(k, 0.0) if by == "agent" and k is not None else None
        totals.append(Row(start=None, key=k, label=labels.get(k, ""), measures=Measures.of(c),
                          occupancy=_ratio(c.work_s, seconds), logged_in_s=seconds))
    floor = []
    step = dt.timedelta(days=1) if interval == DAY else dt.timedelta(minutes=interval)
    cursor = t0
    while cursor < t1:
        bucket = _bucket_of(cursor, interval)
        c = per_bucket.get(bucket, Counts())
        seconds = logged_bucket.get(bucket, 0.0)
        floor.append(Row(start=cursor, key=None, label="", measures=Measures.of(c),
                         occupancy=_ratio(c.work_s, seconds), logged_in_s=seconds))
        cursor = _local(*bucket) + step if interval != DAY else _local(bucket[0] + step)
    whole = sum(per_bucket.values(), Counts())
    all_logged = sum(logged_bucket.values())
    total = Row(start=None, key=None, label=_("Total"), measures=Measures.of(whole),
                occupancy=_ratio(whole.work_s, all_logged), logged_in_s=all_logged)
    return Report(start=start, end=end, interval=interval, by=by, rows=rows, totals=totals, floor=floor,
                  total=total)


# --- JSON, chart and Excel -------------------------------------------------------------------------


def _r(value: float | None, places: int = 4) -> float | None:
    return None if value is None else round(value, places)


def row_json(row: Row) -> dict[str, Any]:
    m = row.measures
    return {
        "start": row.start.isoformat() if row.start else None, "key": row.key, "label": row.label,
        "offered": m.offered, "answered": m.answered, "abandoned": m.abandoned,
        "short_abandoned": m.short_abandoned, "service_level": _r(m.service_level),
        "answer_rate": _r(m.answer_rate), "abandon_rate": _r(m.abandon_rate),
        "asa_s": _r(m.asa_s, 1), "aht_s": _r(m.aht_s, 1), "occupancy": _r(row.occupancy),
    }


def report_json(report: Report) -> dict[str, Any]:
    return {
        "start": report.start.isoformat(), "end": report.end.isoformat(),
        "interval": "day" if report.interval == DAY else report.interval, "by": report.by,
        "time_zone": timezone.get_current_timezone_name(),
        "rows": [row_json(r) for r in report.rows], "totals": [row_json(r) for r in report.totals],
        "intervals": [row_json(r) for r in report.floor], "total": row_json(report.total),
    }


def bucket_label(report: Report, moment: dt.datetime | None) -> str:
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    if report.interval == DAY:
        return f"{local:%Y-%m-%d}"
    return f"{local:%m-%d %H:%M}" if report.start != report.end else f"{local:%H:%M}"


def chart_data(report: Report) -> dict[str, Any]:
    floor = report.floor
    return {
        "labels": [bucket_label(report, r.start) for r in floor],
        "offered": [r.measures.offered for r in floor],
        "answered": [r.measures.answered for r in floor],
        "abandoned": [r.measures.abandoned for r in floor],
        "service_level": [None if r.measures.service_level is None else round(r.measures.service_level * 100, 1)
                          for r in floor],
        "text": {"offered": _("Calls offered"), "answered": _("Calls answered"), "abandoned": _("Calls abandoned"),
                 "service_level": _("Service level (%)")},
    }


def _pct(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 2)


def _values(report: Report, row: Row) -> list[Any]:
    m = row.measures
    return [m.offered, m.answered, m.abandoned, m.short_abandoned, _pct(m.service_level), _pct(m.answer_rate),
            _pct(m.abandon_rate), _r(m.asa_s, 1), _r(m.aht_s, 1), _pct(row.occupancy)]


def _headers() -> list[str]:
    return [_("Calls offered"), _("Calls answered"), _("Calls abandoned"), _("Short abandons"), _("Service level (%)"),
            _("Answer rate (%)"), _("Abandon rate (%)"), _("ASA (s)"), _("AHT (s)"), _("Occupancy (%)")]


def _text_cell(sheet: Any, value: str) -> Any:
    """A queue or agent name starting with “=” stays text, not a formula."""
    cell = WriteOnlyCell(sheet, value)
    cell.data_type = "s"
    return cell


def write_workbook(report: Report) -> bytes:
    book = Workbook(write_only=True)
    who = _("Queue") if report.by == "queue" else _("Agent")
    start_label = _("Day") if report.interval == DAY else _("Interval start")

    def local(moment: dt.datetime | None) -> Any:
        if moment is None:
            return None
        naive = timezone.localtime(moment).replace(tzinfo=None)
        return naive.date() if report.interval == DAY else naive

    sheet = book.create_sheet(_("By interval"))
    sheet.append([start_label, who, *_headers()])
    for row in report.rows:
        sheet.append([local(row.start), _text_cell(sheet, row.label), *_values(report, row)])
    sheet = book.create_sheet(_("Totals"))
    sheet.append([who, *_headers()])
    for row in [*report.totals, report.total]:
        sheet.append([_text_cell(sheet, row.label), *_values(report, row)])
    sheet = book.create_sheet(_("All queues"))
    sheet.append([start_label, *_headers()])
    for row in report.floor:
        sheet.append([local(row.start), *_values(report, row)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def table_rows(report: Report, rows: list[Row]) -> list[dict[str, Any]]:
    """Rows formatted for the page: percentages and seconds as text, “—” for nothing."""
    out = []
    for row in rows:
        m = row.measures
        out.append({"start": bucket_label(report, row.start), "label": row.label, "offered": m.offered,
                    "answered": m.answered, "abandoned": m.abandoned, "short_abandoned": m.short_abandoned,
                    "service_level": pct(m.service_level), "answer_rate": pct(m.answer_rate),
                    "abandon_rate": pct(m.abandon_rate), "asa": secs(m.asa_s), "aht": secs(m.aht_s),
                    "occupancy": pct(row.occupancy)})
    return out
