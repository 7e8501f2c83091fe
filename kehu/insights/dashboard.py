"""The dashboard's figures, one `Chart` (a small table) each, scoped to what the user may see.

The same tables feed the ECharts drawing, the table under each chart and its CSV download,
so the three can never disagree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from kehu.customers.choices import TimeState, ValueTier
from kehu.customers.models import Customer, FollowUp
from kehu.insights.models import ChurnLevel, CustomerInsight
from kehu.service.choices import TicketKind
from kehu.service.models import Ticket

if TYPE_CHECKING:
    from kehu.accounts.models import User

FOLLOWUP_DAYS = 90
TREND_MONTHS = 12
TOP_REPS = 20


@dataclass
class Chart:
    key: str
    title: str
    kind: str  # how to draw it: funnel, bar, hbar, stacked
    headers: list[str]
    rows: list[list[Any]]

    def as_json(self) -> dict[str, Any]:
        return {"key": self.key, "kind": self.kind, "headers": self.headers, "rows": self.rows}


def _counts(qs: Any, field: str) -> dict[str, int]:
    return {row[field]: row["n"] for row in qs.order_by().values(field).annotate(n=Count("pk"))}


def tier_chart(user: User) -> Chart:
    counts = _counts(Customer.objects.visible_to(user), "value_tier")
    rows = [[label, counts.get(code, 0)] for code, label in ValueTier.choices]
    if counts.get(""):
        rows.append([_("Not computed yet"), counts[""]])
    return Chart("tiers", _("Value pyramid"), "funnel", [_("Tier"), _("Customers")], rows)


def state_chart(user: User) -> Chart:
    counts = _counts(Customer.objects.visible_to(user), "time_state")
    rows = [[label, counts.get(code, 0)] for code, label in TimeState.choices]
    return Chart("states", _("Lifecycle"), "bar", [_("State"), _("Customers")], rows)


def churn_chart(user: User) -> Chart:
    counts = _counts(CustomerInsight.objects.visible_to(user), "churn_level")
    rows = [[label, counts.get(code, 0)] for code, label in ChurnLevel.choices]
    return Chart("churn", _("Churn risk"), "bar", [_("Churn risk"), _("Customers")], rows)


def _months(today: dt.date) -> list[str]:
    year, month = today.year, today.month
    out = []
    for _i in range(TREND_MONTHS):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return out[::-1]


def ticket_chart(user: User, today: dt.date) -> Chart:
    months = _months(today)
    start = timezone.make_aware(dt.datetime.fromisoformat(months[0] + "-01"))
    qs = (Ticket.objects.visible_to(user).filter(created_at__gte=start, merged_into__isnull=True)
          .annotate(month=TruncMonth("created_at")).order_by().values("month", "kind").annotate(n=Count("pk")))
    table: dict[str, dict[str, int]] = {}
    for r in qs:
        month = r["month"].strftime("%Y-%m")
        table.setdefault(month, {})[r["kind"]] = r["n"]
    kinds = TicketKind.choices
    rows = [[m, *[table.get(m, {}).get(code, 0) for code, _label in kinds]] for m in months]
    return Chart("tickets", _("Tickets by month and kind"), "stacked",
                 [_("Month"), *[str(label) for _code, label in kinds]], rows)


def followup_chart(user: User, today: dt.date) -> Chart:
    since = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=FOLLOWUP_DAYS), dt.time()))
    qs = (FollowUp.objects.filter(at__gte=since, by__isnull=False,
                                  customer__in=Customer.objects.visible_to(user).values("pk"))
          .order_by().values("by").annotate(n=Count("pk")).order_by("-n", "by")[:TOP_REPS])
    counts = list(qs)
    names = {u.pk: str(u) for u in _users([r["by"] for r in counts])}
    rows = [[names.get(r["by"], "?"), r["n"]] for r in counts]
    title = _("Follow-ups per rep, last %(days)s days") % {"days": FOLLOWUP_DAYS}
    return Chart("followups", title, "hbar", [_("Rep"), _("Follow-ups")], rows)


def _users(ids: list[int]) -> list[Any]:
    from kehu.accounts.models import User

    return list(User.objects.filter(pk__in=ids))


CHARTS = ("tiers", "states", "churn", "tickets", "followups")


def chart(user: User, key: str, today: dt.date | None = None) -> Chart:
    today = today or timezone.localdate()
    if key in ("tickets", "followups"):
        return {"tickets": ticket_chart, "followups": followup_chart}[key](user, today)
    return {"tiers": tier_chart, "states": state_chart, "churn": churn_chart}[key](user)


def all_charts(user: User) -> list[Chart]:
    return [chart(user, key) for key in CHARTS]
