"""Customer visits (拜访), reps' daily and weekly work reports (日报/周报) and targets."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kehu.accounts.models import Department, User
from kehu.customers.models import Contact, Customer
from kehu.fieldwork.querysets import TargetQuerySet, VisitQuerySet, WorkReportQuerySet
from kehu.sales.models import Opportunity


class VisitStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    CHECKED_IN = "checked_in", _("Checked in")
    RECORDED = "recorded", _("Recorded")
    CANCELLED = "cancelled", _("Cancelled")


class Appointment(models.TextChoices):
    """The phone call that comes before a visit (电话预约)."""

    NOT_CALLED = "not_called", _("Not called yet")
    CONFIRMED = "confirmed", _("Appointment confirmed")
    DECLINED = "declined", _("Declined")
    RESCHEDULED = "rescheduled", _("Rescheduled")


class Visit(models.Model):
    """One visit to a customer: planned, then checked in on site, then recorded (or cancelled)."""

    customer = models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.PROTECT,
                                 related_name="visits")
    contact = models.ForeignKey(Contact, verbose_name=_("contact"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    opportunity = models.ForeignKey(Opportunity, verbose_name=_("opportunity"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="visits")
    rep = models.ForeignKey(User, verbose_name=_("rep"), on_delete=models.PROTECT, related_name="visits")
    team = models.ForeignKey(Department, verbose_name=_("team"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    purpose = models.CharField(_("purpose"), max_length=255)
    planned_date = models.DateField(_("planned date"))
    route_order = models.PositiveSmallIntegerField(_("route order"), default=1)
    appointment = models.CharField(_("phone appointment"), max_length=12, choices=Appointment.choices,
                                   default=Appointment.NOT_CALLED)
    status = models.CharField(_("status"), max_length=12, choices=VisitStatus.choices,
                              default=VisitStatus.PLANNED)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    location = models.CharField(_("location"), max_length=255, blank=True)
    met_whom = models.CharField(_("who was met"), max_length=200, blank=True)
    needs = models.TextField(_("needs found"), blank=True)
    objections = models.TextField(_("objections"), blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    next_visit_date = models.DateField(_("next visit date"), null=True, blank=True)
    next_visit_content = models.CharField(_("next visit content"), max_length=255, blank=True)
    next_visit = models.ForeignKey("self", verbose_name=_("next visit"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(_("recorded"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=255, blank=True)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("customer visit")
        verbose_name_plural = _("customer visits")
        ordering = ["planned_date", "route_order", "id"]
        indexes = [
            models.Index(fields=["rep", "planned_date", "route_order"], name="visit_rep_day"),
            models.Index(fields=["rep", "recorded_at"], name="visit_rep_recorded"),
        ]

    def __str__(self) -> str:
        return f"{self.customer} {self.planned_date:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("fieldwork:visit", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in (VisitStatus.PLANNED, VisitStatus.CHECKED_IN)


class ReportKind(models.TextChoices):
    DAILY = "daily", _("Daily report")
    WEEKLY = "weekly", _("Weekly report")


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    COMMENTED = "commented", _("Commented")


class WorkReport(models.Model):
    """A rep's daily or weekly report: the figures are drafted from recorded activity,
    the body is the rep's own text (kept when the figures are refreshed)."""

    author = models.ForeignKey(User, verbose_name=_("written by"), on_delete=models.PROTECT,
                               related_name="work_reports")
    kind = models.CharField(_("kind"), max_length=8, choices=ReportKind.choices)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    body = models.TextField(_("text"), blank=True)
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    figures_at = models.DateTimeField(_("figures drafted"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ReportStatus.choices,
                              default=ReportStatus.DRAFT)
    reviewer = models.ForeignKey(User, verbose_name=_("supervisor"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="reports_to_review")
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    objects = WorkReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("work report")
        verbose_name_plural = _("work reports")
        ordering = ["-period_start", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["author", "kind", "period_start"], name="report_once_per_period"),
        ]
        indexes = [models.Index(fields=["reviewer", "status"], name="report_review_queue")]

    def __str__(self) -> str:
        if self.kind == ReportKind.DAILY:
            return f"{self.get_kind_display()} {self.period_start:%Y-%m-%d}"
        return f"{self.get_kind_display()} {self.period_start:%Y-%m-%d} – {self.period_end:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("fieldwork:report", args=[self.pk])

    @property
    def is_draft(self) -> bool:
        return self.status == ReportStatus.DRAFT


class ReportComment(models.Model):
    report = models.ForeignKey(WorkReport, on_delete=models.CASCADE, related_name="comments")
    by = models.ForeignKey(User, verbose_name=_("by"), null=True, on_delete=models.SET_NULL, related_name="+")
    body = models.TextField(_("comment"))
    at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("report comment")
        verbose_name_plural = _("report comments")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return self.body[:50]


class PeriodKind(models.TextChoices):
    MONTH = "month", _("Month")
    WEEK = "week", _("Week")


class Target(models.Model):
    """What a rep should reach in a month or a week."""

    rep = models.ForeignKey(User, verbose_name=_("rep"), on_delete=models.CASCADE, related_name="targets")
    period = models.CharField(_("period"), max_length=5, choices=PeriodKind.choices)
    period_start = models.DateField(_("period start"))
    new_customers = models.PositiveIntegerField(_("new customers"), default=0)
    visits = models.PositiveIntegerField(_("visits"), default=0)
    won_amount = models.DecimalField(_("won amount"), max_digits=14, decimal_places=2, default=Decimal(0))
    set_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    objects = TargetQuerySet.as_manager()

    class Meta:
        verbose_name = _("sales target")
        verbose_name_plural = _("sales targets")
        ordering = ["-period_start", "rep_id"]
        constraints = [
            models.UniqueConstraint(fields=["rep", "period", "period_start"], name="target_once_per_period"),
        ]

    def __str__(self) -> str:
        return f"{self.rep} {self.period_start:%Y-%m-%d}"

    @property
    def period_end(self) -> dt.date:
        return period_bounds(self.period, self.period_start)[1]


def period_bounds(kind: str, day: dt.date) -> tuple[dt.date, dt.date]:
    """First and last day of the month or the week (Monday to Sunday) that holds `day`."""
    if kind == PeriodKind.MONTH:
        start = day.replace(day=1)
        following = (start + dt.timedelta(days=32)).replace(day=1)
        return start, following - dt.timedelta(days=1)
    start = day - dt.timedelta(days=day.weekday())
    return start, start + dt.timedelta(days=6)
