"""What the kanban board shows: per stage column, its count, sum and the top cards."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils import timezone

from kehu.sales.models import Opportunity, Pipeline, Stage
from kehu.sales.querysets import OpportunityQuerySet

# A column lists its largest opportunities; the rest are counted and summed, not drawn,
# so the board stays fast with ten thousand open opportunities.
CARDS_PER_COLUMN = 40
# Won and lost columns show what closed recently, not the whole archive.
CLOSED_DAYS = 90


@dataclass
class Column:
    stage: Stage
    count: int = 0
    amount: Decimal = Decimal(0)
    cards: list[Opportunity] = field(default_factory=list)

    @property
    def hidden(self) -> int:
        return self.count - len(self.cards)


def board_columns(*, opportunities: OpportunityQuerySet, pipeline: Pipeline,
                  now: dt.datetime | None = None) -> list[Column]:
    since = (now or timezone.now()) - dt.timedelta(days=CLOSED_DAYS)
    shown = opportunities.filter(pipeline=pipeline).filter(Q(is_closed=False) | Q(closed_at__gte=since))
    columns = {s.pk: Column(stage=s) for s in pipeline.stages.order_by("order", "id")}
    for row in shown.order_by().values("stage_id").annotate(n=Count("id"), total=Sum("amount")):
        if row["stage_id"] in columns:
            columns[row["stage_id"]].count, columns[row["stage_id"]].amount = row["n"], row["total"] or Decimal(0)
    for column in columns.values():
        if column.count:
            column.cards = list(
                shown.filter(stage=column.stage).select_related("customer", "owner")
                .only("id", "title", "amount", "expected_close", "stage_id", "is_closed",
                      "customer__name", "owner__username", "owner__display_name", "owner__first_name",
                      "owner__last_name")
                .order_by("-amount", "-id")[:CARDS_PER_COLUMN]
            )
    return list(columns.values())


def board_filters(params: Any) -> dict[str, str]:
    """The board's filters as clean strings (ids), for the queryset and for links."""
    return {k: str(params.get(k) or "") for k in ("owner", "team") if str(params.get(k) or "").isdigit()
            and len(str(params.get(k))) < 18}
