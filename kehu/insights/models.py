"""What `kehu insights refresh` computed for each customer (one row per live customer)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kehu.customers.models import Customer
from kehu.insights.querysets import InsightQuerySet


class ChurnLevel(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class RfmSegment(models.TextChoices):
    CHAMPIONS = "champions", pgettext_lazy("rfm segment", "Champions")
    LOYAL = "loyal", pgettext_lazy("rfm segment", "Loyal")
    NEW = "new", pgettext_lazy("rfm segment", "New")
    PROMISING = "promising", pgettext_lazy("rfm segment", "Promising")
    CANT_LOSE = "cant_lose", pgettext_lazy("rfm segment", "Can't lose")
    AT_RISK = "at_risk", pgettext_lazy("rfm segment", "At risk")
    HIBERNATING = "hibernating", pgettext_lazy("rfm segment", "Hibernating")
    PROSPECT = "prospect", pgettext_lazy("rfm segment", "Never bought")


class CustomerInsight(models.Model):
    # The customer's id is the key: the refresh replaces rows by id in one statement.
    customer = models.OneToOneField(
        Customer, verbose_name=_("customer"), primary_key=True, on_delete=models.CASCADE, related_name="insight",
    )
    r = models.PositiveSmallIntegerField(_("recency score"), default=0)
    f = models.PositiveSmallIntegerField(_("frequency score"), default=0)
    m = models.PositiveSmallIntegerField(_("monetary score"), default=0)
    segment = models.CharField(_("RFM segment"), max_length=12, choices=RfmSegment.choices)
    purchases = models.PositiveIntegerField(_("payments"), default=0)
    monetary = models.FloatField(_("amount paid"), default=0)
    last_purchase = models.DateField(_("last payment"), null=True, blank=True)
    usual_gap = models.FloatField(_("usual days between payments"), null=True, blank=True)
    churn_risk = models.FloatField(_("churn risk"), default=0)
    churn_level = models.CharField(_("churn risk level"), max_length=6, choices=ChurnLevel.choices)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    computed_at = models.DateTimeField(_("computed"))

    objects = InsightQuerySet.as_manager()

    class Meta:
        verbose_name = _("customer insight")
        verbose_name_plural = _("customer insights")
        indexes = [
            # The win-back list: one level, most money first.
            models.Index(fields=["churn_level", "-monetary"], name="insight_winback"),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id}: R{self.r} F{self.f} M{self.m}"
