"""JSON API of the insights app: one customer's scores and the win-back list."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from kehu.core.errors import InvalidInput
from kehu.core.schemas import Message
from kehu.customers.choices import ValueTier
from kehu.insights.models import CustomerInsight
from kehu.insights.reasons import reason_text
from kehu.insights.schemas import MAX_ID, InsightOut, WinBackFilters, WinBackOut

router = Router(tags=["Insights"])


def insight_out(i: CustomerInsight) -> dict[str, Any]:
    c = i.customer
    return {
        "customer_id": c.pk, "name": c.name, "r": i.r, "f": i.f, "m": i.m, "segment": i.segment,
        "tier": c.value_tier, "lifecycle": c.time_state, "purchases": i.purchases, "monetary": i.monetary,
        "last_purchase": i.last_purchase, "usual_gap": i.usual_gap, "churn_risk": i.churn_risk,
        "churn_level": i.churn_level, "computed_at": i.computed_at,
        "reasons": [{"code": r["code"], "text": reason_text(r), "data": r} for r in i.reasons],
    }


@router.get("/insights/customers/{int:customer_id}", response={200: InsightOut, 404: Message})
def customer_insight(request: HttpRequest, customer_id: int) -> Any:
    insight = None
    if customer_id <= MAX_ID:
        insight = (CustomerInsight.objects.visible_to(request.user).select_related("customer")
                   .filter(customer_id=customer_id).first())
    if insight is None:
        return Status(404, {"message": _(
            "No insight for this customer: it is not visible to you or has not been computed yet.")})
    return insight_out(insight)


@router.get("/insights/win-back", response={200: WinBackOut, 422: Message})
def win_back(request: HttpRequest, filters: Query[WinBackFilters]) -> dict[str, Any]:
    if filters.tier and filters.tier not in ValueTier.values:
        raise InvalidInput(_("Unknown tier; use key, quality, general or marginal."), field="tier")
    qs = CustomerInsight.objects.visible_to(request.user).win_back(tier=filters.tier)
    if filters.team:
        qs = qs.filter(customer__team_id=filters.team)
    if filters.owner:
        qs = qs.filter(customer__owner_id=filters.owner)
    items = qs[filters.offset:filters.offset + filters.limit]
    return {"count": qs.count(), "items": [insight_out(i) for i in items]}
