"""QA reports: average score, fatal rate and count per agent, team or item, week by week.

Only scored evaluations count (submitted and after); an upheld appeal counts with its new
score. Everything starts from `Evaluation.objects.visible_to(user)`.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, Count, F, FloatField, IntegerField, Q, Sum, When
from django.db.models.functions import Cast
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from kehu.accounts.models import Department, User
from kehu.quality.models import SCORED_STATUSES, Evaluation, ItemScore, week_of
from kehu.quality.services.sampling import parse_week

GROUPS = ("agent", "team", "item")
MAX_WEEKS = 53
CHART_SERIES = 10


@dataclass
class Cell:
    count: int = 0
    score_sum: float = 0.0
    fatal: int = 0

    @property
    def average(self) -> float | None:
        return round(self.score_sum / self.count, 2) if self.count else None

    @property
    def fatal_rate(self) -> float | None:
        return round(100 * self.fatal / self.count, 1) if self.count else None

    def add(self, other: Cell) -> None:
        self.count += other.count
        self.score_sum += other.score_sum
        self.fatal += other.fatal


@dataclass
class Row:
    label: str
    weeks: dict[str, Cell] = field(default_factory=dict)
    total: Cell = field(default_factory=Cell)

    def cells(self, weeks: list[str]) -> list[Cell | None]:
        return [self.weeks.get(w) for w in weeks]


@dataclass
class Report:
    group: str
    weeks: list[str]
    rows: list[Row]
    total: Cell


def week_range(start: str, end: str) -> list[str]:
    """Every ISO week label from start to end inclusive (at most a year)."""
    _label, first, _ = parse_week(start)
    _label, last, _ = parse_week(end)
    weeks: list[str] = []
    day = timezone.localtime(first).date()
    while day <= timezone.localtime(last).date() and len(weeks) < MAX_WEEKS:
        weeks.append(week_of(day))
        day += dt.timedelta(days=7)
    return weeks


def default_weeks(today: dt.date | None = None, count: int = 8) -> tuple[str, str]:
    today = today or timezone.localdate()
    return week_of(today - dt.timedelta(weeks=count - 1)), week_of(today)


def _scored(user: User, weeks: list[str]) -> Any:
    return Evaluation.objects.visible_to(user).filter(status__in=SCORED_STATUSES, week__in=weeks)


def _by_people(user: User, group: str, weeks: list[str]) -> dict[tuple[Any, str], Cell]:
    key = "agent_id" if group == "agent" else "team_id"
    rows = (_scored(user, weeks).order_by().values(key, "week")
            .annotate(n=Count("id"), total=Sum(Cast("score", FloatField())),
                      fatal=Sum(Case(When(fatal_failed=True, then=1), default=0, output_field=IntegerField()))))
    return {(r[key], r["week"]): Cell(r["n"], r["total"] or 0.0, r["fatal"] or 0) for r in rows}


def _by_item(user: User, weeks: list[str]) -> dict[tuple[Any, str], Cell]:
    """Per item: the average share of its maximum (%), and for a fatal item how often it failed."""
    percent = Case(When(fatal=True, passed=True, then=100.0), When(fatal=True, then=0.0),
                   default=Cast(F("points"), FloatField()) * 100.0 / Cast(F("max_points"), FloatField()),
                   output_field=FloatField())
    rows = (ItemScore.objects.filter(Q(fatal=True) | Q(max_points__gt=0), evaluation__in=_scored(user, weeks).values("id"))
            .order_by().values("item__section", "item__name", "evaluation__week")
            .annotate(n=Count("id"), total=Sum(percent),
                      fatal=Sum(Case(When(fatal=True, passed=False, then=1), default=0,
                                     output_field=IntegerField()))))
    return {((r["item__section"], r["item__name"]), r["evaluation__week"]): Cell(r["n"], r["total"] or 0.0,
                                                                                  r["fatal"] or 0)
            for r in rows}


def _labels(group: str, keys: set[Any]) -> dict[Any, str]:
    if group == "agent":
        return {pk: str(u) for pk, u in User.objects.in_bulk([k for k in keys if k]).items()}
    if group == "team":
        labels: dict[Any, str] = {pk: d.name for pk, d in Department.objects.in_bulk([k for k in keys if k]).items()}
        labels[None] = _("No team")
        return labels
    return {k: f"{k[0]} · {k[1]}" if k[0] else k[1] for k in keys}


def build_report(user: User, *, group: str, weeks: list[str]) -> Report:
    cells = _by_item(user, weeks) if group == "item" else _by_people(user, group, weeks)
    labels = _labels(group, {key for key, _w in cells})
    rows: dict[Any, Row] = {}
    total = Cell()
    for (key, week), cell in cells.items():
        row = rows.setdefault(key, Row(labels.get(key, str(key))))
        row.weeks[week] = cell
        row.total.add(cell)
        total.add(cell)
    ordered = sorted(rows.values(), key=lambda r: r.label) if group == "item" else sorted(
        rows.values(), key=lambda r: (-(r.total.average or 0), r.label))
    return Report(group, weeks, ordered, total)


def chart_data(report: Report) -> dict[str, Any]:
    busiest = sorted(report.rows, key=lambda r: -r.total.count)[:CHART_SERIES]
    return {
        "locale": "ZH" if (translation.get_language() or "").startswith("zh") else "EN",
        "weeks": report.weeks,
        "series": [{"name": r.label, "data": [c.average if c else None for c in r.cells(report.weeks)]}
                   for r in busiest],
        "text": {"score": _("Average score (%)")},
    }


def _cell(sheet: Any, value: Any) -> Any:
    if isinstance(value, str) and value.startswith("="):  # a name typed as a formula stays text
        cell = WriteOnlyCell(sheet, value)
        cell.data_type = "s"
        return cell
    return value


def write_workbook(report: Report) -> bytes:
    book = Workbook(write_only=True)
    heads = {"agent": _("Agent"), "team": _("Team"), "item": _("Item")}
    measures = [_("Evaluations"), _("Average score (%)"), _("Fatal rate (%)")]
    weekly = book.create_sheet(_("By week"))
    weekly.append([heads[report.group], _("Week"), *measures])
    for row in report.rows:
        for week in report.weeks:
            if (cell := row.weeks.get(week)) is not None:
                weekly.append([_cell(weekly, row.label), week, cell.count, cell.average, cell.fatal_rate])
    overall = book.create_sheet(_("Overall"))
    overall.append([heads[report.group], *measures])
    for row in report.rows:
        overall.append([_cell(overall, row.label), row.total.count, row.total.average, row.total.fatal_rate])
    overall.append([_("Total"), report.total.count, report.total.average, report.total.fatal_rate])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
