"""Scoping for insights: a user sees the insight of a customer they may see, nothing else."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models

from kehu.customers.models import Customer

if TYPE_CHECKING:
    from kehu.accounts.models import User


class InsightQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> InsightQuerySet:
        return self.filter(customer__in=Customer.objects.visible_to(user).values("pk"))

    def win_back(self, *, team: Any = None, owner: Any = None, tier: str = "") -> InsightQuerySet:
        """High churn risk, the most valuable first (money paid, then risk)."""
        qs = self.filter(churn_level="high")
        if team is not None:
            qs = qs.filter(customer__team=team)
        if owner is not None:
            qs = qs.filter(customer__owner=owner)
        if tier:
            qs = qs.filter(customer__value_tier=tier)
        return qs.select_related("customer", "customer__owner", "customer__team").order_by(
            "-monetary", "-churn_risk", "customer_id")
