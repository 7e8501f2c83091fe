"""Quality monitoring (质检): scoring forms, sampling rules, evaluations, appeals, coaching library.

An evaluation scores one interaction (a call or chat) or one ticket against a scoring form.
Each item score keeps a copy of the item's maximum, weight and fatal flag as they were when
it was scored, so editing a form later never changes a total already given.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kehu.quality.querysets import EvaluationQuerySet, LibraryEntryQuerySet

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


class ScoringForm(models.Model):
    """A scoring form (评分表). Once an evaluation uses it, its items are frozen (`is_locked`)."""

    name = models.CharField(_("name"), max_length=100)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    description = models.TextField(_("description"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("scoring form")
        verbose_name_plural = _("scoring forms")
        ordering = ["name", "-version"]
        constraints = [models.UniqueConstraint(fields=["name", "version"], name="scoring_form_version_once")]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    def is_locked(self) -> bool:
        """Items of a form in use are not edited: copy the form to a new version instead."""
        return self.evaluations.exists()


class FormItem(models.Model):
    form = models.ForeignKey(ScoringForm, on_delete=models.CASCADE, related_name="items",
                             verbose_name=_("scoring form"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    section = models.CharField(_("section"), max_length=60, blank=True)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    max_points = models.PositiveSmallIntegerField(_("maximum points"), default=10)
    weight = models.DecimalField(_("weight"), max_digits=5, decimal_places=2, default=Decimal(1))
    fatal = models.BooleanField(
        _("fatal"), default=False,
        help_text=_("Scored pass/fail; a failed fatal item makes the whole score zero."),
    )

    class Meta:
        verbose_name = _("scoring item")
        verbose_name_plural = _("scoring items")
        ordering = ["form", "order", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gte=0), name="form_item_weight_not_negative"),
        ]

    def __str__(self) -> str:
        return self.name


class SamplingRule(models.Model):
    """Pick `per_agent` interactions of every agent every week for scoring."""

    name = models.CharField(_("name"), max_length=100)
    form = models.ForeignKey(ScoringForm, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("scoring form"))
    per_agent = models.PositiveSmallIntegerField(_("interactions per agent per week"), default=3)
    min_talk_s = models.PositiveIntegerField(_("only calls longer than (seconds)"), null=True, blank=True)
    queue = models.ForeignKey("contact.Queue", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name=_("only from queue"))
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("evaluator"), help_text=_("Empty: the agent's supervisor or team leader."),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("sampling rule")
        verbose_name_plural = _("sampling rules")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class EvaluationStatus(models.TextChoices):
    DRAFT = "draft", _("To score")
    SUBMITTED = "submitted", _("Submitted")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    APPEALED = "appealed", _("Appealed")
    UPHELD = "upheld", _("Appeal upheld")
    REJECTED = "rejected", _("Appeal rejected")


# Evaluations whose score counts in reports: scored and submitted to the agent.
SCORED_STATUSES = [EvaluationStatus.SUBMITTED, EvaluationStatus.ACKNOWLEDGED, EvaluationStatus.APPEALED,
                   EvaluationStatus.UPHELD, EvaluationStatus.REJECTED]


@dataclass(frozen=True)
class ItemPoints:
    """One item's result as the total needs it: its maximum and weight when scored."""

    max_points: Decimal
    weight: Decimal
    fatal: bool
    points: Decimal | None = None
    passed: bool | None = None


@dataclass(frozen=True)
class Total:
    score: Decimal
    fatal_failed: bool


def compute_total(items: Iterable[ItemPoints]) -> Total:
    """100 × Σ(weight × points) ÷ Σ(weight × maximum) over the scored items, 2 places.

    A failed fatal item makes it 0; an item not scored yet counts as 0 points.
    """
    earned = possible = Decimal(0)
    fatal_failed = False
    for item in items:
        if item.fatal:
            fatal_failed = fatal_failed or item.passed is False
            continue
        earned += item.weight * (item.points or 0)
        possible += item.weight * item.max_points
    if fatal_failed or not possible:
        return Total(Decimal("0.00"), fatal_failed)
    return Total((HUNDRED * earned / possible).quantize(CENT, rounding=ROUND_HALF_UP), False)


def week_of(moment: dt.datetime | dt.date) -> str:
    """The ISO week "2026-W47" of a moment in the local time zone."""
    day = timezone.localtime(moment).date() if isinstance(moment, dt.datetime) else moment
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


class Evaluation(models.Model):
    form = models.ForeignKey(ScoringForm, on_delete=models.PROTECT, related_name="evaluations",
                             verbose_name=_("scoring form"))
    interaction = models.ForeignKey("contact.Interaction", null=True, blank=True, on_delete=models.CASCADE,
                                    related_name="+", verbose_name=_("interaction"))
    ticket = models.ForeignKey("service.Ticket", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="+", verbose_name=_("ticket"))
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="evaluations",
                              verbose_name=_("agent"))
    # The agent's team when the evaluation was made: team reports keep their history.
    team = models.ForeignKey("accounts.Department", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+", verbose_name=_("team"))
    evaluator = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="evaluations_to_score", verbose_name=_("evaluator"))
    rule = models.ForeignKey(SamplingRule, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                             verbose_name=_("sampling rule"))
    week = models.CharField(_("week"), max_length=8, db_index=True)
    status = models.CharField(_("status"), max_length=12, choices=EvaluationStatus.choices,
                              default=EvaluationStatus.DRAFT)
    score = models.DecimalField(_("score (%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    fatal_failed = models.BooleanField(_("fatal error"), default=False)
    comments = models.TextField(_("comments"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    appeal_reason = models.TextField(_("appeal reason"), blank=True)
    appealed_at = models.DateTimeField(_("appealed"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("appeal decided by"))
    decided_at = models.DateTimeField(_("appeal decided"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    objects = EvaluationQuerySet.as_manager()

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["-id"]
        constraints = [
            # One evaluation per call and per ticket: sampling twice or scoring twice adds nothing.
            models.UniqueConstraint(fields=["interaction"], condition=Q(interaction__isnull=False),
                                    name="evaluation_interaction_once"),
            models.UniqueConstraint(fields=["ticket"], condition=Q(ticket__isnull=False),
                                    name="evaluation_ticket_once"),
            models.CheckConstraint(
                condition=Q(interaction__isnull=False, ticket__isnull=True)
                | Q(interaction__isnull=True, ticket__isnull=False),
                name="evaluation_of_one_thing"),
        ]
        indexes = [
            models.Index(fields=["evaluator", "status"], name="evaluation_queue"),
            models.Index(fields=["agent", "-id"], name="evaluation_agent"),
            models.Index(fields=["rule", "week", "agent"], name="evaluation_sample"),
        ]

    def __str__(self) -> str:
        return f"{_('Evaluation')} #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("quality:evaluation", args=[self.pk])

    @property
    def subject_label(self) -> str:
        if self.interaction_id:
            return str(self.interaction)
        return str(self.ticket.number) if self.ticket_id else ""

    @property
    def recording_url(self) -> str:
        return self.interaction.recording_url if self.interaction_id else ""

    def recompute(self) -> Total:
        """Set `score` and `fatal_failed` from the item scores (not saved)."""
        total = compute_total(s.as_points() for s in self.item_scores.all())
        self.score, self.fatal_failed = total.score, total.fatal_failed
        return total


class ItemScore(models.Model):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="item_scores",
                                   verbose_name=_("evaluation"))
    item = models.ForeignKey(FormItem, on_delete=models.PROTECT, related_name="+", verbose_name=_("item"))
    points = models.DecimalField(_("points"), max_digits=6, decimal_places=1, null=True, blank=True)
    passed = models.BooleanField(_("passed"), null=True, blank=True)
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    # The item as it was when scored.
    max_points = models.PositiveSmallIntegerField(_("maximum points"))
    weight = models.DecimalField(_("weight"), max_digits=5, decimal_places=2)
    fatal = models.BooleanField(_("fatal"), default=False)

    class Meta:
        verbose_name = _("item score")
        verbose_name_plural = _("item scores")
        ordering = ["item__order", "item_id"]
        constraints = [models.UniqueConstraint(fields=["evaluation", "item"], name="item_score_once")]

    def __str__(self) -> str:
        return f"{self.item}: {self.points if not self.fatal else self.passed}"

    def as_points(self) -> ItemPoints:
        return ItemPoints(Decimal(self.max_points), self.weight, self.fatal, self.points, self.passed)


class Remark(models.Model):
    """A remark at a moment of the recording (mm:ss)."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="remarks",
                                   verbose_name=_("evaluation"))
    at_s = models.PositiveIntegerField(_("at (seconds)"))
    text = models.CharField(_("remark"), max_length=500)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("recording remark")
        verbose_name_plural = _("recording remarks")
        ordering = ["evaluation", "at_s", "id"]

    def __str__(self) -> str:
        return f"{self.mmss} {self.text}"

    @property
    def mmss(self) -> str:
        return f"{self.at_s // 60:02d}:{self.at_s % 60:02d}"


class ScoreRevision(models.Model):
    """The score before an upheld appeal changed it: the history of an evaluation's scores."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="revisions",
                                   verbose_name=_("evaluation"))
    old_score = models.DecimalField(_("old score (%)"), max_digits=5, decimal_places=2, null=True)
    new_score = models.DecimalField(_("new score (%)"), max_digits=5, decimal_places=2, null=True)
    old_items = models.JSONField(_("old item scores"), default=list)
    reason = models.TextField(_("reason"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("score revision")
        verbose_name_plural = _("score revisions")
        ordering = ["evaluation", "at", "id"]

    def __str__(self) -> str:
        return f"{self.old_score} → {self.new_score}"


class LibraryEntry(models.Model):
    """An exemplary interaction in the coaching library, with why it is worth hearing."""

    interaction = models.OneToOneField("contact.Interaction", on_delete=models.CASCADE, related_name="+",
                                       verbose_name=_("interaction"))
    evaluation = models.ForeignKey(Evaluation, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("evaluation"))
    title = models.CharField(_("title"), max_length=200)
    note = models.TextField(_("why it is exemplary"))
    # ",tag1,tag2," so one tag is one `contains` lookup on both databases.
    tags_text = models.CharField(_("tags"), max_length=300, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                 verbose_name=_("added by"))
    created_at = models.DateTimeField(_("added"), default=timezone.now)

    objects = LibraryEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("coaching library entry")
        verbose_name_plural = _("coaching library")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def tags(self) -> list[str]:
        return [t for t in self.tags_text.split(",") if t]
