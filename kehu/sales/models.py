"""Leads (线索), pipelines with their stages, opportunities (商机) and their stage history."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kehu.accounts.models import Department, User
from kehu.customers.choices import Source
from kehu.customers.models import Contact, Customer
from kehu.sales.querysets import LeadQuerySet, OpportunityQuerySet


class LeadStatus(models.TextChoices):
    NEW = "new", _("New")
    CONTACTED = "contacted", _("Contacted")
    QUALIFIED = "qualified", _("Qualified")
    UNQUALIFIED = "unqualified", _("Unqualified")
    CONVERTED = "converted", _("Converted")


class Answer(models.TextChoices):
    """One MAN criterion: is it met?"""

    UNKNOWN = "unknown", _("Unknown")
    YES = "yes", _("Yes")
    NO = "no", _("No")


# Sources a lead can come from: the customer vocabulary less the two that describe
# how a record entered the system rather than where the prospect was found.
LEAD_SOURCES = [(v, label) for v, label in Source.choices if v not in ("walk_in", "import")]


class Lead(models.Model):
    source = models.CharField(_("source"), max_length=20, choices=LEAD_SOURCES, default=Source.OTHER)
    company = models.CharField(_("company or person"), max_length=200)
    name_norm = models.CharField(max_length=200, db_index=True, editable=False)
    contact_name = models.CharField(_("contact name"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    phone_norm = models.CharField(max_length=20, blank=True, db_index=True, editable=False)
    email = models.EmailField(_("e-mail"), blank=True)
    owner = models.ForeignKey(User, verbose_name=_("owner"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="leads")
    team = models.ForeignKey(Department, verbose_name=_("team"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="leads")
    claimed_at = models.DateTimeField(_("owned since"), null=True, blank=True)
    money = models.CharField(_("money"), max_length=8, choices=Answer.choices, default=Answer.UNKNOWN)
    money_note = models.CharField(_("money note"), max_length=255, blank=True)
    authority = models.CharField(_("authority"), max_length=8, choices=Answer.choices, default=Answer.UNKNOWN)
    authority_note = models.CharField(_("authority note"), max_length=255, blank=True)
    need = models.CharField(_("need"), max_length=8, choices=Answer.choices, default=Answer.UNKNOWN)
    need_note = models.CharField(_("need note"), max_length=255, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=LeadStatus.choices, default=LeadStatus.NEW)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    # What the lead became: kept so the lead stays a readable record after conversion.
    converted_at = models.DateTimeField(_("converted"), null=True, blank=True)
    customer = models.ForeignKey(Customer, verbose_name=_("customer"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="leads")
    contact = models.ForeignKey(Contact, verbose_name=_("contact"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    opportunity = models.ForeignKey("Opportunity", verbose_name=_("opportunity"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    objects = LeadQuerySet.as_manager()

    class Meta:
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        ordering = ["-id"]
        indexes = [models.Index(fields=["owner", "-id"], name="lead_owner_id")]

    def __str__(self) -> str:
        return self.company

    def get_absolute_url(self) -> str:
        return reverse("sales:lead", args=[self.pk])

    @property
    def in_pool(self) -> bool:
        return self.owner_id is None

    def man_score(self) -> int:
        """How many of Money, Authority and Need are confirmed."""
        return [self.money, self.authority, self.need].count(Answer.YES)


class Pipeline(models.Model):
    name = models.CharField(_("name"), max_length=60, unique=True)
    code = models.SlugField(_("code"), max_length=30, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("pipeline")
        verbose_name_plural = _("pipelines")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name

    def first_stage(self) -> Stage:
        return self.stages.filter(is_won=False, is_lost=False, is_side=False).order_by("order", "id").first()


class Stage(models.Model):
    pipeline = models.ForeignKey(Pipeline, verbose_name=_("pipeline"), on_delete=models.CASCADE,
                                 related_name="stages")
    name = models.CharField(_("name"), max_length=40)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    probability = models.PositiveSmallIntegerField(_("win probability (%)"), default=0)
    is_won = models.BooleanField(_("closed won"), default=False)
    is_lost = models.BooleanField(_("closed lost"), default=False)
    # A state beside the main path (objection handling): entered and left in any direction.
    is_side = models.BooleanField(_("side state"), default=False)

    class Meta:
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        ordering = ["pipeline", "order", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(probability__lte=100), name="stage_probability_max"),
            models.CheckConstraint(condition=~models.Q(is_won=True, is_lost=True), name="stage_not_won_and_lost"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_closed(self) -> bool:
        return self.is_won or self.is_lost


class Opportunity(models.Model):
    title = models.CharField(_("title"), max_length=200)
    customer = models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.PROTECT,
                                 related_name="opportunities")
    pipeline = models.ForeignKey(Pipeline, verbose_name=_("pipeline"), on_delete=models.PROTECT,
                                 related_name="opportunities")
    stage = models.ForeignKey(Stage, verbose_name=_("stage"), on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2, default=Decimal(0))
    expected_close = models.DateField(_("expected close"), null=True, blank=True)
    # Free text lines ("2 × 空调 KFR-35"): a product catalogue would be a later issue's job.
    products = models.JSONField(_("products"), default=list, blank=True)
    competitors = models.CharField(_("competitors"), max_length=255, blank=True)
    loss_reason = models.CharField(_("loss reason"), max_length=255, blank=True)
    owner = models.ForeignKey(User, verbose_name=_("owner"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="opportunities")
    team = models.ForeignKey(Department, verbose_name=_("team"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="opportunities")
    lead = models.ForeignKey(Lead, verbose_name=_("lead"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    is_closed = models.BooleanField(_("closed"), default=False)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    objects = OpportunityQuerySet.as_manager()

    class Meta:
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["pipeline", "stage", "-amount"], name="opp_board"),
            models.Index(fields=["owner", "-id"], name="opp_owner_id"),
            models.Index(fields=["team", "-id"], name="opp_team_id"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("sales:opportunity", args=[self.pk])

    def weighted_amount(self) -> Decimal:
        return self.amount * self.stage.probability / 100


class StageChange(models.Model):
    """One move of an opportunity: who moved it when, from which stage to which."""

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.ForeignKey(Stage, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    to_stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="+")
    by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    note = models.CharField(max_length=255, blank=True)

    class Meta:
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_stage} → {self.to_stage}"
